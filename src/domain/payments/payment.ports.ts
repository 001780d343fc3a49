/**
 * The payments area's port for the other billing areas: charge a driver's saved payment
 * method without them present (a plan's period fee). Idempotent per key.
 */
export interface OffSessionCharger {
  chargeSavedMethod(input: {
    userId: string;
    amountMinor: number;
    currency: string;
    description: string;
    /** The same key never charges twice (the provider's idempotency key). */
    idempotencyKey: string;
  }): Promise<{ status: 'SUCCEEDED'; reference: string } | { status: 'FAILED' | 'NO_METHOD'; reason: string }>;
}

/** What paying for a session to start needs, as the payments area decides it. */
export type StartPaymentDecision =
  /** Nothing to hold: the driver pays by invoice (a fleet's billing account), or no payment is required here. */
  | { kind: 'NOT_NEEDED'; method: 'INVOICE' | 'NONE' }
  /** An amount is held on the driver's saved card. */
  | { kind: 'HELD'; holdId: string }
  /** No start: no usable payment method, or the hold failed. `reason` is shown to the driver/operator. */
  | { kind: 'REFUSED'; reason: string };

/**
 * The payments area's port for starting sessions. Called before a charger is told to start
 * (remote start) and while an Authorize is answered; idempotent per driver and station while
 * a hold is pending, so a second ask reuses the first hold.
 */
export interface StartPaymentGate {
  holdForStart(input: { userId: string; stationId: string; connectorId: number | null }): Promise<StartPaymentDecision>;
  /**
   * A session started: the driver's pending hold at this station now belongs to it (no-op when
   * none). A guest has no user: their hold is found by the one-off idTag they were started with.
   */
  attachToSession(input: { userId: string | null; idTag?: string; stationId: string; connectorId: number; sessionId: string }): Promise<void>;
}

/**
 * The payments area's port for a finished, priced session: bill whoever pays (capture the
 * hold and issue the receipt invoice, count a plan's allowance, leave a fleet's CDR for its
 * monthly invoice, or nothing when nobody pays). Idempotent per CDR: run by a retried job.
 */
export interface SessionSettlement {
  settle(cdrId: string): Promise<void>;
}
