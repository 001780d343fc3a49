/**
 * The payments area's port to a card payment provider (Stripe's model: customers, saved
 * payment methods through setup intents, manual-capture payment intents as holds, signed
 * webhooks). Amounts are integer minor units of the currency (cents), never floats.
 */
export interface PaymentProvider {
  /** The provider's customer for this user, created when there is none (idempotent per user). */
  ensureCustomer(input: { userId: string; email: string; name?: string | null }): Promise<string>;
  /** A setup intent saving a card (Apple Pay and Google Pay arrive as cards too) for later off-session use. */
  createSetupIntent(customerId: string): Promise<{ id: string; clientSecret: string }>;
  listPaymentMethods(customerId: string): Promise<ProviderPaymentMethod[]>;
  detachPaymentMethod(paymentMethodId: string): Promise<void>;
  /**
   * Authorises an amount without taking it (capture_method=manual). Off-session with a saved
   * method and confirm: HELD at once or PaymentDeclinedError. Without a customer and unconfirmed
   * (a guest): a client secret for the checkout page, authorised later (see the webhook).
   */
  createHold(input: CreateHoldInput): Promise<ProviderIntent>;
  /** Takes up to the held amount; the rest is released. */
  capture(intentId: string, amountMinor: number, idempotencyKey: string): Promise<ProviderIntent>;
  /** Releases a hold (or an intent never confirmed). */
  cancel(intentId: string): Promise<ProviderIntent>;
  /** Charges a saved method at once, the driver not present (a plan's fee). */
  chargeOffSession(input: {
    customerId: string;
    paymentMethodId: string;
    amountMinor: number;
    currency: string;
    description: string;
    idempotencyKey: string;
  }): Promise<ProviderIntent>;
  /** The event a webhook carries, if its signature is ours; WebhookSignatureError otherwise. */
  verifyWebhook(rawBody: Buffer | string, signatureHeader: string): ProviderEvent;
}

export interface CreateHoldInput {
  customerId?: string | null;
  paymentMethodId?: string | null;
  amountMinor: number;
  currency: string;
  idempotencyKey: string;
  metadata: Record<string, string>;
  /** The driver is not present to authenticate (a saved card). */
  offSession: boolean;
  /** Confirm now (a saved card) rather than leave it to the checkout page. */
  confirm: boolean;
  description?: string;
  receiptEmail?: string | null;
}

export interface ProviderPaymentMethod {
  id: string;
  brand: string | null;
  last4: string | null;
  expMonth: number | null;
  expYear: number | null;
  /** 'apple_pay', 'google_pay', …; null for a card entered as such. */
  wallet: string | null;
}

export type ProviderIntentStatus =
  | 'requires_payment_method'
  | 'requires_confirmation'
  | 'requires_action'
  | 'processing'
  | 'requires_capture'
  | 'canceled'
  | 'succeeded';

export interface ProviderIntent {
  id: string;
  status: ProviderIntentStatus;
  amountMinor: number;
  amountCapturableMinor: number;
  amountReceivedMinor: number;
  currency: string;
  clientSecret: string | null;
  metadata: Record<string, string>;
  /** Why the last attempt failed, if it did. */
  lastError: string | null;
}

export interface ProviderEvent {
  id: string;
  type: string;
  /** The intent an event of payment_intent.* is about. */
  intent: ProviderIntent | null;
  /** For setup_intent.*: the customer and method saved. */
  setupIntent: { id: string; customerId: string | null; paymentMethodId: string | null } | null;
}

/** The provider refused: a declined card, authentication needed, an amount it will not take. Not worth retrying as is. */
export class PaymentDeclinedError extends Error {
  override readonly name = 'PaymentDeclinedError';
  constructor(
    readonly reason: string,
    readonly declineCode: string | null = null,
    readonly intentId: string | null = null,
  ) {
    super(reason);
  }
}

export class WebhookSignatureError extends Error {
  override readonly name = 'WebhookSignatureError';
}
