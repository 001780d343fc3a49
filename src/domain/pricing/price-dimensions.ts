import type { PriceComponent, TariffDimensionType, TariffElement } from '../tariffs/tariff.model.js';
import { activeElement, volume, type Segment } from './charging-periods.js';
import { Dec, formatMoney, minorDigits, roundMoney } from './money.js';
import type { CostLine } from './pricing.types.js';

// Prices each dimension over the segments, one cost line per dimension per element used.
//
// step_size, as OCPI 2.2.1 (CDRs module, "step_size") has it:
//   "When calculating the cost of a charging session, step_size SHALL only be taken into account
//    once per session for the TariffDimensionType ENERGY and once for PARKING_TIME and TIME
//    combined."
//   "The step_size for the PriceComponent that is used to calculate the cost of such a 'last'
//    ChargingPeriod SHALL be used. If the step_size differs for the different TariffElements, the
//    step_size of the last relevant PriceComponent is used."
//   "The step_size uses the total amount of a certain unit used during a session, not only the last
//    ChargingPeriod. […] a total of 5.4 kWh is charged. The step_size rounds this up to 5.5 kWh
//    total. It does NOT round the energy used after 17:00 to 1.5 kWh."
//   "[…] a total of 28 minutes charging. The step_size rounds this up to 30 minutes total, so 24
//    minutes after 17:00 will be billed."
//   "In the cases that TIME and PARKING_TIME Tariff Elements are both used, step_size is only
//    taken into account for the total parking duration."
// So: the dimension's total volume is rounded up to a multiple of the step_size of the component
// that priced its last (chronologically) stretch, and what rounding adds is billed at that
// component's price. TIME is rounded only when no PARKING_TIME component priced anything; when
// one did, PARKING_TIME is rounded and TIME is billed exactly. A step_size below 1 counts as 1.
// FLAT has no step_size: once per session, from the first element with a FLAT component that is
// valid at the start of the session.

interface Use {
  element: number;
  component: PriceComponent;
  /** Wh for ENERGY, seconds for TIME and PARKING_TIME. */
  amount: Dec;
}

function component(el: TariffElement, type: TariffDimensionType): PriceComponent {
  const c = el.price_components.find((p) => p.type === type);
  if (!c) throw new Error(`element has no ${type} component`);
  return c;
}

function uses(segments: readonly Segment[], elements: readonly TariffElement[], type: 'ENERGY' | 'TIME' | 'PARKING_TIME'): Use[] {
  const out: Use[] = [];
  for (const s of segments) {
    const amount = type === 'ENERGY' ? s.energyWh : new Dec(s.to - s.from).div(1000);
    if (!amount.greaterThan(0)) continue;
    if (type === 'TIME' && s.state !== 'CHARGING') continue;
    if (type === 'PARKING_TIME' && s.state !== 'PARKING') continue;
    const element = activeElement(s, elements, type);
    if (element === null) continue;
    out.push({ element, component: component(elements[element], type), amount });
  }
  return out;
}

/** Rounds the total up to the last use's step_size; the extra goes to the last use. */
function applyStep(list: Use[]): void {
  const last = list[list.length - 1];
  if (!last) return;
  const step = new Dec(Math.max(1, Math.floor(last.component.step_size || 1)));
  const total = list.reduce((acc, u) => acc.plus(u.amount), new Dec(0));
  const billed = total.div(step).ceil().times(step);
  last.amount = last.amount.plus(billed.minus(total));
}

export function vatOf(exclVat: Dec, rate: string | null | undefined, currency: string): Dec {
  return rate === null || rate === undefined || rate === '' ? new Dec(0) : roundMoney(exclVat.times(rate).div(100), currency);
}

export function line(
  fields: Omit<CostLine, 'vat' | 'inclVat' | 'exclVat' | 'vatRate'> & { exclVat: Dec; vatRate: string | null },
  currency: string,
): CostLine {
  const exclVat = roundMoney(fields.exclVat, currency);
  const vat = vatOf(exclVat, fields.vatRate, currency);
  const digits = minorDigits(currency);
  return {
    ...fields,
    exclVat: exclVat.toFixed(digits),
    vat: vat.toFixed(digits),
    inclVat: exclVat.plus(vat).toFixed(digits),
  };
}

/** "1 h 05 min", "21 min", "2 min 30 s" */
export function formatDuration(seconds: Dec): string {
  const total = seconds.toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber();
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts: string[] = [];
  if (h > 0) parts.push(`${h} h`);
  if (m > 0 || (h > 0 && s > 0)) parts.push(h > 0 ? `${String(m).padStart(2, '0')} min` : `${m} min`);
  if (s > 0 || total === 0) parts.push(`${s} s`);
  return parts.join(' ');
}

function grouped(list: readonly Use[]): { element: number; component: PriceComponent; amount: Dec }[] {
  const out: { element: number; component: PriceComponent; amount: Dec }[] = [];
  for (const u of list) {
    const g = out.find((o) => o.element === u.element);
    if (g) g.amount = g.amount.plus(u.amount);
    else out.push({ ...u });
  }
  return out;
}

export interface DimensionLines {
  lines: CostLine[];
  /** Billed energy stretch by stretch, in time order, after step_size (for a plan's free energy). */
  energyUses: { element: number; component: PriceComponent; wh: Dec }[];
}

export function priceDimensions(segments: readonly Segment[], elements: readonly TariffElement[], currency: string): DimensionLines {
  const lines: CostLine[] = [];
  const fmt = (p: string) => formatMoney(p, currency);

  const first = segments[0];
  const flatIndex = first ? activeElement(first, elements, 'FLAT') : null;
  if (flatIndex !== null) {
    const c = component(elements[flatIndex], 'FLAT');
    lines.push(
      line(
        { kind: 'FLAT', elementIndex: flatIndex, description: `Session fee ${fmt(c.price)} ${currency}`, quantity: '1', unit: 'session', unitPrice: c.price, exclVat: new Dec(c.price), vatRate: c.vat ?? null },
        currency,
      ),
    );
  }

  const energy = uses(segments, elements, 'ENERGY');
  applyStep(energy);
  const energyUses = energy.map((u) => ({ element: u.element, component: u.component, wh: u.amount }));
  for (const g of grouped(energy)) {
    const kwh = g.amount.div(1000);
    lines.push(
      line(
        {
          kind: 'ENERGY',
          elementIndex: g.element,
          description: `Energy ${volume(kwh, 3)} kWh at ${g.component.price} ${currency}/kWh`,
          quantity: volume(kwh),
          unit: 'kWh',
          unitPrice: g.component.price,
          exclVat: kwh.times(g.component.price),
          vatRate: g.component.vat ?? null,
        },
        currency,
      ),
    );
  }

  const time = uses(segments, elements, 'TIME');
  const parking = uses(segments, elements, 'PARKING_TIME');
  applyStep(parking.length > 0 ? parking : time);
  for (const [kind, list, words] of [
    ['TIME', time, 'Charging time'],
    ['PARKING_TIME', parking, 'Parking time'],
  ] as const) {
    for (const g of grouped(list)) {
      lines.push(
        line(
          {
            kind,
            elementIndex: g.element,
            description: `${words} ${formatDuration(g.amount)} at ${g.component.price} ${currency}/h`,
            quantity: volume(g.amount.div(3600)),
            unit: 'h',
            unitPrice: g.component.price,
            exclVat: g.amount.times(g.component.price).div(3600),
            vatRate: g.component.vat ?? null,
          },
          currency,
        ),
      );
    }
  }
  return { lines, energyUses };
}
