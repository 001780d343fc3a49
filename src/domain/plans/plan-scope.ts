import { visibleRowsWhere, type Visibility } from '../accounts/viewer.js';
import type { Caller } from '../caller.js';
import { isUuid } from '../ids.js';
import { invalidPlan, PlansError } from './plans.errors.js';

// Who reaches which plans and subscriptions: operators their organisation's plans and the
// subscriptions to them, drivers their own subscriptions, admins all. Anything else is not found.

export function visiblePlansWhere(visibility: Visibility): Record<string, unknown> {
  return visibleRowsWhere(visibility, { organisation: 'organisation' });
}

export function visibleSubscriptionsWhere(visibility: Visibility): Record<string, unknown> {
  return visibleRowsWhere(visibility, { organisation: 'plan.organisation', driver: 'user' });
}

/** The organisation a plan is created for: an operator's own, an admin's choice (required). */
export function offeringOrganisation(caller: Caller, requested: string | null | undefined): string {
  const v = caller.visibility;
  if (v.kind === 'organisation') {
    if (requested && requested !== v.organisationId) throw new PlansError('PLANS_FORBIDDEN', 'operators create plans for their own organisation');
    return v.organisationId;
  }
  if (v.kind === 'all') {
    if (!requested) throw invalidPlan('organisationId: required (the operator offering the plan)', 'organisationId');
    if (!isUuid(requested)) throw invalidPlan('organisationId: not an id', 'organisationId');
    return requested;
  }
  throw new PlansError('PLANS_FORBIDDEN', 'only operators and admins manage plans');
}

export function requireDriver(caller: Caller): string {
  if (caller.visibility.kind !== 'driver') throw new PlansError('PLANS_FORBIDDEN', 'only a driver subscribes to a plan, for themself');
  return caller.visibility.userId;
}
