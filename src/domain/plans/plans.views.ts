import { requiredRefId } from '../../db/ref.js';
import { Dec } from '../pricing/money.js';
import type { Plan } from './plan.entity.js';
import { allowanceOf, type Allowance } from './plan-allowance.js';
import { planFee } from './plan-fee.js';
import type { FeeStatus, Subscription, SubscriptionPeriod, SubscriptionStatus } from './subscription.entity.js';

export interface PlanView {
  id: string;
  organisationId: string;
  name: string;
  description: string | null;
  currency: string;
  /** Excl. VAT, with the currency's digits. */
  monthlyFee: string;
  feeVatRate: string | null;
  monthlyFeeInclVat: string;
  includedEnergyWh: number;
  tariffId: string | null;
  discountPercent: string | null;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface SubscriptionView {
  id: string;
  planId: string;
  plan: PlanView;
  userId: string;
  status: SubscriptionStatus;
  startedAt: Date;
  currentPeriodStart: Date;
  currentPeriodEnd: Date;
  cancelAtPeriodEnd: boolean;
  cancelledAt: Date | null;
  /** The current period's; null when it has none (never for a live subscription). */
  allowance: Allowance | null;
  currentPeriodFeeStatus: FeeStatus | null;
  currentPeriodInvoiceId: string | null;
}

const decimalOrNull = (v: string | null | undefined) => (v == null ? null : new Dec(v).toString());

export function toPlanView(plan: Plan): PlanView {
  const fee = planFee({ currency: plan.currency, monthlyFee: plan.monthlyFee, feeVatRate: plan.feeVatRate ?? null });
  return {
    id: plan.id,
    organisationId: requiredRefId(plan.organisation),
    name: plan.name,
    description: plan.description ?? null,
    currency: plan.currency,
    monthlyFee: fee.exclVat,
    feeVatRate: fee.vatRate,
    monthlyFeeInclVat: fee.inclVat,
    includedEnergyWh: plan.includedEnergyWh,
    tariffId: plan.tariffId ?? null,
    discountPercent: decimalOrNull(plan.discountPercent),
    active: plan.active,
    createdAt: plan.createdAt,
    updatedAt: plan.updatedAt,
  };
}

/** `plan` is the subscription's plan, loaded; `period` its current period, if any. */
export function toSubscriptionView(sub: Subscription, plan: Plan, period: SubscriptionPeriod | null): SubscriptionView {
  return {
    id: sub.id,
    planId: plan.id,
    plan: toPlanView(plan),
    userId: requiredRefId(sub.user),
    status: sub.status,
    startedAt: sub.startedAt,
    currentPeriodStart: sub.currentPeriodStart,
    currentPeriodEnd: sub.currentPeriodEnd,
    cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
    cancelledAt: sub.cancelledAt ?? null,
    allowance: period ? allowanceOf(period) : null,
    currentPeriodFeeStatus: period?.feeStatus ?? null,
    currentPeriodInvoiceId: period?.feeInvoiceId ?? null,
  };
}
