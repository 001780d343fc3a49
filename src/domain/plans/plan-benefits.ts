import type { Decimal } from '../tariffs/tariff.model.js';

export interface ActiveBenefits {
  subscriptionId: string;
  planId: string;
  /** The plan's own tariff, if it has one: it replaces the station's for this driver. */
  tariffId: string | null;
  /** What is left of the period's included energy. */
  freeEnergyWh: number;
  discountPercent: Decimal | null;
}

/** The plans area's port for pricing: what a driver's subscription gives them right now. */
export interface PlanBenefitsSource {
  /**
   * The driver's subscription active at `at` (null: none, or PAST_DUE). A driver may subscribe
   * to one plan per operator: pass the station's operator to get that operator's plan; without
   * it, the driver's earliest live subscription.
   */
  benefitsFor(userId: string, at: Date, organisationId?: string | null): Promise<ActiveBenefits | null>;
  /**
   * Counts a priced session against its period's allowance; idempotent per CDR. The energy is
   * what the CDR's PLAN_ALLOWANCE line covered.
   */
  recordUsage(input: { subscriptionId: string; cdrId: string; coveredWh: number; at: Date }): Promise<void>;
}
