import { z } from 'zod';
import { Dec, isCurrency, minorDigits } from '../pricing/money.js';

// What createPlan / updatePlan accept. Money and percentages are decimal strings (the GraphQL
// Decimal scalar has already checked their form); the checks here are the plan's own rules.

const DECIMAL = /^\d{1,12}(\.\d{1,12})?$/;
const percent = z
  .string()
  .regex(DECIMAL, 'must be a non-negative decimal, e.g. "19"')
  .refine((v) => new Dec(v).lte(100), 'must be at most 100')
  .refine((v) => new Dec(v).decimalPlaces() <= 2, 'at most 2 decimal places');

const fields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(2000).nullish(),
  monthlyFee: z.string().regex(DECIMAL, 'must be a non-negative decimal, e.g. "9.99"'),
  feeVatRate: percent.nullish(),
  includedEnergyWh: z.number().int().min(0).max(1_000_000_000),
  tariffId: z.string().uuid().nullish(),
  discountPercent: percent.nullish(),
  active: z.boolean(),
};

export const createPlanInput = z
  .object({
    organisationId: z.string().uuid().nullish(),
    currency: z.string().refine(isCurrency, 'must be an ISO 4217 currency code, e.g. "EUR"'),
    ...fields,
    includedEnergyWh: fields.includedEnergyWh.default(0),
    active: fields.active.default(true),
  })
  .superRefine((plan, ctx) => {
    if (!isCurrency(plan.currency)) return;
    feeFits(plan.monthlyFee, plan.currency, ctx);
    givesSomething(plan, ctx);
  });

export const updatePlanInput = z.object({
  id: z.string(),
  ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.optional()])),
}) as z.ZodType<UpdatePlanInput>;

export interface CreatePlanInput {
  organisationId?: string | null;
  name: string;
  description?: string | null;
  currency: string;
  monthlyFee: string;
  feeVatRate?: string | null;
  includedEnergyWh?: number;
  tariffId?: string | null;
  discountPercent?: string | null;
  active?: boolean;
}

export interface UpdatePlanInput {
  id: string;
  name?: string;
  description?: string | null;
  monthlyFee?: string;
  feeVatRate?: string | null;
  includedEnergyWh?: number;
  tariffId?: string | null;
  discountPercent?: string | null;
  active?: boolean;
}

export interface PlanTerms {
  currency: string;
  monthlyFee: string;
  includedEnergyWh: number;
  tariffId?: string | null;
  discountPercent?: string | null;
}

function feeFits(fee: string, currency: string, ctx: z.RefinementCtx): void {
  if (DECIMAL.test(fee) && new Dec(fee).decimalPlaces() > minorDigits(currency)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['monthlyFee'], message: `${currency} has ${minorDigits(currency)} decimal places` });
  }
}

// A plan with no fee and nothing included would be a plan in name only; one with a fee must give something for it.
function givesSomething(plan: Omit<PlanTerms, 'currency'>, ctx: z.RefinementCtx): void {
  const discount = plan.discountPercent ? new Dec(plan.discountPercent).gt(0) : false;
  if (plan.includedEnergyWh > 0 || plan.tariffId || discount) return;
  ctx.addIssue({
    code: z.ZodIssueCode.custom,
    path: ['includedEnergyWh'],
    message: 'a plan includes energy, has its own tariff or gives a discount',
  });
}

/** The same rules for a plan after an update, as one whole. */
export const planTerms = z
  .object({
    currency: z.string(),
    monthlyFee: z.string(),
    includedEnergyWh: z.number(),
    tariffId: z.string().nullish(),
    discountPercent: z.string().nullish(),
  })
  .superRefine((plan, ctx) => {
    feeFits(plan.monthlyFee, plan.currency, ctx);
    givesSomething(plan, ctx);
  });
