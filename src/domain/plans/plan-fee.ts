import { Dec, formatMoney, roundMoney } from '../pricing/money.js';

// A period's fee with its VAT, rounded once to the currency's minor unit (money.ts rules).

export interface PlanFee {
  exclVat: string;
  vatRate: string | null;
  vat: string;
  inclVat: string;
}

export function planFee(plan: { currency: string; monthlyFee: string; feeVatRate: string | null }): PlanFee {
  const exclVat = roundMoney(plan.monthlyFee, plan.currency);
  const vat = plan.feeVatRate === null ? new Dec(0) : roundMoney(exclVat.times(plan.feeVatRate).div(100), plan.currency);
  return {
    exclVat: formatMoney(exclVat, plan.currency),
    vatRate: plan.feeVatRate === null ? null : new Dec(plan.feeVatRate).toString(),
    vat: formatMoney(vat, plan.currency),
    inclVat: formatMoney(exclVat.plus(vat), plan.currency),
  };
}
