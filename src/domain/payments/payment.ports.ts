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
