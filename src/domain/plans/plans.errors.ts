import { DomainError } from '../domain-error.js';

export type PlansErrorCode =
  | 'PLAN_NOT_FOUND'
  | 'SUBSCRIPTION_NOT_FOUND'
  | 'INVALID_PLAN_INPUT'
  // The driver has a live subscription (active, cancelling or past due) with this operator.
  | 'ALREADY_SUBSCRIBED'
  // Cancelling what is already cancelled or cancelling.
  | 'SUBSCRIPTION_NOT_ACTIVE'
  // Usage for an instant no period of the subscription covers.
  | 'SUBSCRIPTION_PERIOD_NOT_FOUND'
  | 'PLANS_FORBIDDEN';

export class PlansError extends DomainError<PlansErrorCode> {
  readonly area = 'plans';
}

export const invalidPlan = (message: string, field: string) => new PlansError('INVALID_PLAN_INPUT', message, { field });
