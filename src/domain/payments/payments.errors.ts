import { DomainError } from '../domain-error.js';

export type PaymentsErrorCode =
  // Card payment is off here (no provider configured).
  | 'PAYMENTS_DISABLED'
  // A start refused for payment: no usable method, or the hold was declined.
  | 'PAYMENT_REFUSED'
  | 'PAYMENT_METHOD_NOT_FOUND'
  | 'INVALID_PAYMENT_INPUT'
  | 'BILLING_ACCOUNT_NOT_FOUND'
  | 'BILLING_ACCOUNT_MEMBER_TAKEN'
  | 'GUEST_CHECKOUT_NOT_FOUND'
  | 'RATE_LIMITED'
  | 'FORBIDDEN';

export class PaymentsError extends DomainError<PaymentsErrorCode> {
  readonly area = 'payments';
}

export const invalidPayment = (message: string, field: string) => new PaymentsError('INVALID_PAYMENT_INPUT', message, { field });

export const paymentsDisabled = () =>
  new PaymentsError('PAYMENTS_DISABLED', 'card payment is not set up on this system (no payment provider configured)');

/** A start refused for payment; the reason is the provider's or ours, fit to show to the driver. */
export const paymentRefused = (reason: string) => new PaymentsError('PAYMENT_REFUSED', `payment refused: ${reason}`, { paymentReason: reason });
