import type { PriceComponent, TariffDefinition } from '../tariffs/tariff.model.js';
import { volume } from './charging-periods.js';
import { Dec, formatMoney, roundMoney } from './money.js';
import { line } from './price-dimensions.js';
import type { CostLine, PlanBenefits } from './pricing.types.js';

// What comes after the tariff's own lines, in this order:
// 1. PLAN_ALLOWANCE: the plan's free energy covers the first N Wh of billed ENERGY, in the order
//    it was charged; one negative line per element, at that element's price and VAT rate.
// 2. PLAN_DISCOUNT: discountPercent off what remains, one negative line per VAT rate.
// 3. MIN_PRICE / MAX_PRICE: the tariff's bounds on what the session costs excl. VAT, after the
//    plan's benefits (a bound is on what is paid; a plan never makes a session go below nothing).
//    The adjustment is spread over the VAT rates pro rata to the excl.-VAT amount at each rate
//    (as a discount or surcharge on a mix of supplies is), one line per rate, rounded per line,
//    the last rate taking the remainder so the lines sum to the adjustment exactly. With nothing
//    to spread over (a 0.00 session raised to min_price), at the rate of the tariff's first price
//    component that gives one, else without VAT.

export interface EnergyUse {
  element: number;
  component: PriceComponent;
  wh: Dec;
}

export function allowanceLines(uses: readonly EnergyUse[], benefits: PlanBenefits | null | undefined, currency: string): CostLine[] {
  let free = new Dec(Math.max(0, benefits?.freeEnergyWh ?? 0));
  const perElement: { element: number; component: PriceComponent; wh: Dec }[] = [];
  for (const u of uses) {
    if (!free.greaterThan(0)) break;
    const wh = Dec.min(free, u.wh);
    free = free.minus(wh);
    const g = perElement.find((p) => p.element === u.element);
    if (g) g.wh = g.wh.plus(wh);
    else perElement.push({ element: u.element, component: u.component, wh });
  }
  return perElement
    .filter((g) => g.wh.greaterThan(0))
    .map((g) => {
      const kwh = g.wh.div(1000);
      return line(
        {
          kind: 'PLAN_ALLOWANCE',
          elementIndex: g.element,
          description: `Included in your plan: ${volume(kwh, 3)} kWh`,
          quantity: volume(kwh.negated()),
          unit: 'kWh',
          unitPrice: g.component.price,
          // −round(x), not round(−x): the same under half away from zero, said explicitly
          exclVat: roundMoney(kwh.times(g.component.price), currency).negated(),
          vatRate: g.component.vat ?? null,
        },
        currency,
      );
    });
}

interface RateGroup {
  rate: string | null;
  exclVat: Dec;
}

const rateKey = (rate: string | null) => (rate === null ? 'none' : new Dec(rate).toString());

/** Excl.-VAT sums per VAT rate, in order of first appearance, positive ones only. */
function rateGroups(lines: readonly CostLine[]): RateGroup[] {
  const groups: RateGroup[] = [];
  for (const l of lines) {
    const g = groups.find((x) => rateKey(x.rate) === rateKey(l.vatRate));
    if (g) g.exclVat = g.exclVat.plus(l.exclVat);
    else groups.push({ rate: l.vatRate, exclVat: new Dec(l.exclVat) });
  }
  return groups.filter((g) => g.exclVat.greaterThan(0));
}

export function discountLines(lines: readonly CostLine[], benefits: PlanBenefits | null | undefined, currency: string): CostLine[] {
  const pct = benefits?.discountPercent ? new Dec(benefits.discountPercent) : null;
  if (!pct || !pct.greaterThan(0)) return [];
  const capped = Dec.min(pct, 100);
  return rateGroups(lines).map((g) =>
    line(
      {
        kind: 'PLAN_DISCOUNT',
        elementIndex: null,
        description: `Plan discount ${capped.toString()}%`,
        quantity: '1',
        unit: null,
        unitPrice: null,
        exclVat: roundMoney(g.exclVat.times(capped).div(100), currency).negated(),
        vatRate: g.rate,
      },
      currency,
    ),
  );
}

function firstVatRate(tariff: TariffDefinition): string | null {
  for (const el of tariff.elements) for (const c of el.price_components) if (c.vat !== null && c.vat !== undefined && c.vat !== '') return c.vat;
  return null;
}

export function priceLimitLines(lines: readonly CostLine[], tariff: TariffDefinition, currency: string): CostLine[] {
  const total = lines.reduce((acc, l) => acc.plus(l.exclVat), new Dec(0));
  const min = tariff.min_price ? roundMoney(tariff.min_price.excl_vat, currency) : null;
  const max = tariff.max_price ? roundMoney(tariff.max_price.excl_vat, currency) : null;
  let kind: 'MIN_PRICE' | 'MAX_PRICE';
  let adjustment: Dec;
  if (min && total.lessThan(min)) {
    kind = 'MIN_PRICE';
    adjustment = min.minus(total);
  } else if (max && total.greaterThan(max)) {
    kind = 'MAX_PRICE';
    adjustment = max.minus(total);
  } else return [];
  const bound = kind === 'MIN_PRICE' ? min! : max!;
  const description = `${kind === 'MIN_PRICE' ? 'Minimum' : 'Maximum'} price ${formatMoney(bound, currency)} ${currency}`;
  const groups = rateGroups(lines);
  const base = groups.reduce((acc, g) => acc.plus(g.exclVat), new Dec(0));
  if (groups.length === 0 || !base.greaterThan(0)) groups.splice(0, groups.length, { rate: firstVatRate(tariff), exclVat: new Dec(1) });
  const weight = groups.reduce((acc, g) => acc.plus(g.exclVat), new Dec(0));
  let given = new Dec(0);
  return groups.map((g, i) => {
    const share = i === groups.length - 1 ? adjustment.minus(given) : roundMoney(adjustment.times(g.exclVat).div(weight), currency);
    given = given.plus(share);
    return line({ kind, elementIndex: null, description, quantity: '1', unit: null, unitPrice: null, exclVat: share, vatRate: g.rate }, currency);
  });
}
