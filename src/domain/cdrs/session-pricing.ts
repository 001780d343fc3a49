import type { ActiveBenefits } from '../plans/plan-benefits.js';
import { priceSession } from '../pricing/price-session.js';
import type { PricedSession, PricingInput, SessionCost } from '../pricing/pricing.types.js';
import type { TariffDefinition } from '../tariffs/tariff.model.js';

// How a session's facts become the engine's input: one place, used for the final CDR and for the
// running estimate alike, so the two can never disagree on the rules. Pure.

/** What a session with no tariff is priced with: nothing, in the operator's currency, so it still gets a CDR. */
export function freeTariff(currency: string): TariffDefinition {
  return { currency, elements: [{ price_components: [{ type: 'ENERGY', price: '0', step_size: 1 }] }] };
}

/** The engine's input, with the plan's benefits as the plans area gives them. */
export type SessionToPrice = Omit<PricingInput, 'benefits'> & { benefits: ActiveBenefits | null };

export function priceOf(s: SessionToPrice): PricedSession {
  return priceSession({
    tariff: s.tariff,
    timeZone: s.timeZone,
    startedAt: s.startedAt,
    endedAt: s.endedAt < s.startedAt ? s.startedAt : s.endedAt,
    meterStartWh: s.meterStartWh,
    meterStopWh: s.meterStopWh,
    samples: s.samples,
    statuses: s.statuses,
    benefits: s.benefits
      ? { freeEnergyWh: s.benefits.freeEnergyWh, ...(s.benefits.discountPercent ? { discountPercent: s.benefits.discountPercent } : {}) }
      : null,
  });
}

export function costOf(priced: PricedSession, final: boolean, asOf: Date): SessionCost {
  return {
    currency: priced.currency,
    totalExclVat: priced.totalExclVat,
    totalVat: priced.totalVat,
    totalInclVat: priced.totalInclVat,
    lines: priced.lines,
    final,
    asOf: asOf.toISOString(),
  };
}
