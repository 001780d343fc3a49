// PLACEHOLDER until the pricing branch merges (not committed).
import type { PricedSession, PricingInput } from './pricing.types.js';
export function priceSession(input: PricingInput): PricedSession {
  return {
    currency: input.tariff.currency, chargingPeriods: [], lines: [], totalExclVat: '0.00', totalVat: '0.00', totalInclVat: '0.00',
    totalEnergyCost: null, totalTimeCost: null, totalParkingCost: null, totalFixedCost: null, vatBreakdown: [],
    totalEnergyWh: Math.max(0, (input.meterStopWh ?? input.meterStartWh) - input.meterStartWh),
    totalTimeSeconds: Math.round((input.endedAt.getTime() - input.startedAt.getTime()) / 1000), totalParkingSeconds: 0, dataNotes: [],
  };
}
