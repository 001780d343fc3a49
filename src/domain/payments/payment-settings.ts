/** The operator's payment policy and the provider's public side, as the payments area uses them. */
export interface PaymentSettings {
  /** Given to apps and the checkout page with a client secret; null when card payment is off. */
  publishableKey: string | null;
  /** The amount held before a start, in minor units of `currency`. */
  holdAmountMinor: number;
  currency: string;
  /** A hold never attached to a session is released after this. */
  holdTtlMs: number;
  /** Refuse a start with no payment method and no billing account (else: allowed, the CDR is billed later). */
  required: boolean;
  /** Refuse a start while the driver owes on an open invoice (the operator's policy; default off). */
  blockUnpaid?: boolean;
  /** Base URL of this server, for the receipt link. */
  publicUrl: () => string;
}
