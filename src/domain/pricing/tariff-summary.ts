import type { TariffDefinition } from '../tariffs/tariff.model.js';
import { formatMoney } from './money.js';

// Placeholder so the tariffs area compiles: the pricing branch has the real summary.
const UNIT = { ENERGY: '/kWh', TIME: '/h charging', PARKING_TIME: '/h parking', FLAT: ' per session' } as const;

/** One line a driver reads before charging: "0.39 EUR/kWh; 1.00 EUR per session". */
export function summarizeTariff(def: TariffDefinition): string {
  const parts = def.elements.flatMap((e) =>
    e.price_components.map((c) => `${formatMoney(c.price, def.currency)} ${def.currency}${UNIT[c.type]}`),
  );
  return [...new Set(parts)].join('; ');
}
