import type { Allowance } from '../../domain/plans/plan-allowance.js';
import type { PlanView, SubscriptionView, UpdatePlanInput as UpdatePlanArgs } from '../../domain/plans/plan.service.js';
import { FEE_STATUSES, SUBSCRIPTION_STATUSES } from '../../domain/plans/subscription.entity.js';
import { builder } from '../builder.js';
import { pageRequest, toConnection } from '../pagination.js';
import { anyPermission } from '../scopes.js';

// Subscription plans: operators offer them (tariffs:manage), anyone may see an operator's
// active plans, drivers subscribe for themselves (billing:self), staff see the subscriptions
// to their plans (billing:read). The service decides which rows each caller reaches.

const SUBSCRIPTION_READERS = anyPermission('billing:self', 'billing:read');

const SubscriptionStatusEnum = builder.enumType('SubscriptionStatus', {
  values: SUBSCRIPTION_STATUSES,
  description:
    'ACTIVE: in force. CANCELLING: cancelled, in force until the period ends. PAST_DUE: the period fee could not be ' +
    'charged (retried a few times); no plan benefits meanwhile, and it ends at the period end if still unpaid. CANCELLED: ended.',
});

const FeeStatusEnum = builder.enumType('PlanFeeStatus', {
  values: FEE_STATUSES,
  description: "PENDING: not charged yet. PAID. FAILED: the last charge failed; the invoice is open.",
});

export const PlanRef = builder.objectRef<PlanView>('Plan').implement({
  description: 'A subscription plan an operator offers: a monthly fee for energy included per period, its own tariff and/or a discount.',
  authScopes: { public: true },
  fields: (t) => ({
    id: t.exposeID('id'),
    organisationId: t.exposeID('organisationId', { description: 'The operator offering it and issuing its invoices.' }),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    currency: t.exposeString('currency', { description: 'ISO 4217.' }),
    monthlyFee: t.expose('monthlyFee', { type: 'Decimal', description: 'Per period, excluding VAT.' }),
    feeVatRate: t.expose('feeVatRate', { type: 'Decimal', nullable: true, description: 'Percent; null: no VAT on the fee.' }),
    monthlyFeeInclVat: t.expose('monthlyFeeInclVat', { type: 'Decimal' }),
    includedEnergyWh: t.expose('includedEnergyWh', { type: 'WattHours', description: 'Energy included in each period.' }),
    tariffId: t.exposeID('tariffId', { nullable: true, description: "The plan's own tariff: it replaces the station's for subscribers." }),
    discountPercent: t.expose('discountPercent', { type: 'Decimal', nullable: true, description: 'Percent off what subscribers pay beyond the included energy.' }),
    active: t.exposeBoolean('active', { description: 'Only active plans take new subscribers.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const AllowanceRef = builder.objectRef<Allowance>('PlanAllowance').implement({
  description: "The current period's included energy and what sessions have used of it.",
  authScopes: SUBSCRIPTION_READERS,
  fields: (t) => ({
    includedWh: t.expose('includedWh', { type: 'WattHours' }),
    usedWh: t.expose('usedWh', { type: 'WattHours' }),
    remainingWh: t.expose('remainingWh', { type: 'WattHours' }),
  }),
});

const SubscriptionRef = builder.objectRef<SubscriptionView>('PlanSubscription').implement({
  description: "A driver's subscription to a plan. Periods are calendar months from the day it started (UTC).",
  authScopes: SUBSCRIPTION_READERS,
  fields: (t) => ({
    id: t.exposeID('id'),
    plan: t.field({ type: PlanRef, resolve: (s) => s.plan }),
    userId: t.exposeID('userId', { description: 'The subscribed driver.' }),
    status: t.expose('status', { type: SubscriptionStatusEnum }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    currentPeriodStart: t.expose('currentPeriodStart', { type: 'DateTime' }),
    currentPeriodEnd: t.expose('currentPeriodEnd', { type: 'DateTime', description: 'Exclusive: the next period starts here.' }),
    cancelAtPeriodEnd: t.exposeBoolean('cancelAtPeriodEnd'),
    cancelledAt: t.expose('cancelledAt', { type: 'DateTime', nullable: true, description: 'When it ended.' }),
    allowance: t.field({ type: AllowanceRef, nullable: true, resolve: (s) => s.allowance }),
    currentPeriodFeeStatus: t.field({ type: FeeStatusEnum, nullable: true, resolve: (s) => s.currentPeriodFeeStatus }),
    currentPeriodInvoiceId: t.exposeID('currentPeriodInvoiceId', { nullable: true, description: "The current period's fee invoice." }),
  }),
});

const CreatePlanInput = builder.inputType('CreatePlanInput', {
  fields: (t) => ({
    organisationId: t.id({ description: "Admins: the operator offering it (required). Operators: their own (may be left out)." }),
    name: t.string({ required: true }),
    description: t.string(),
    currency: t.string({ required: true, description: 'ISO 4217, e.g. "EUR".' }),
    monthlyFee: t.field({ type: 'Decimal', required: true, description: 'Excluding VAT, with at most the currency\'s decimal places.' }),
    feeVatRate: t.field({ type: 'Decimal', description: 'Percent, e.g. "19".' }),
    includedEnergyWh: t.field({ type: 'WattHours' }),
    tariffId: t.id(),
    discountPercent: t.field({ type: 'Decimal' }),
    active: t.boolean({ defaultValue: true }),
  }),
});

const UpdatePlanInput = builder.inputType('UpdatePlanInput', {
  description: "Changes apply to periods opened from now on; a current period keeps its allowance. The currency is fixed.",
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string(),
    description: t.string(),
    monthlyFee: t.field({ type: 'Decimal' }),
    feeVatRate: t.field({ type: 'Decimal' }),
    includedEnergyWh: t.field({ type: 'WattHours' }),
    tariffId: t.id(),
    discountPercent: t.field({ type: 'Decimal' }),
    active: t.boolean(),
  }),
});

const SubscriptionFilter = builder.inputType('PlanSubscriptionFilter', {
  fields: (t) => ({ planId: t.id(), userId: t.id(), status: t.field({ type: SubscriptionStatusEnum }) }),
});

builder.queryFields((t) => ({
  plans: t.connection({
    type: PlanRef,
    description: "Operators: their organisation's plans; admins: all. Newest first.",
    authScopes: { permission: 'billing:read' },
    resolve: async (_root, args, ctx) => toConnection(await ctx.services.plans.plans(ctx.caller, pageRequest(args))),
  }),
  availablePlans: t.field({
    type: [PlanRef],
    description: "The plans an operator offers to drivers now (active ones), cheapest first. Open to anyone.",
    args: { organisationId: t.arg.id({ required: true }) },
    authScopes: { public: true },
    resolve: (_root, args, ctx) => ctx.services.plans.availablePlans(String(args.organisationId)),
  }),
  mySubscriptions: t.field({
    type: [SubscriptionRef],
    description: "The driver's own subscriptions, newest first, with the current period's allowance.",
    authScopes: { permission: 'billing:self' },
    resolve: (_root, _args, ctx) => ctx.services.plans.mySubscriptions(ctx.caller),
  }),
  subscriptions: t.connection({
    type: SubscriptionRef,
    description: "Operators: subscriptions to their organisation's plans; admins: all. Newest first.",
    args: { filter: t.arg({ type: SubscriptionFilter }) },
    authScopes: { permission: 'billing:read' },
    resolve: async (_root, args, ctx) =>
      toConnection(
        await ctx.services.plans.subscriptions(ctx.caller, pageRequest(args), {
          planId: args.filter?.planId ? String(args.filter.planId) : null,
          userId: args.filter?.userId ? String(args.filter.userId) : null,
          status: args.filter?.status ?? null,
        }),
      ),
  }),
}));

builder.mutationFields((t) => ({
  createPlan: t.field({
    type: PlanRef,
    args: { input: t.arg({ type: CreatePlanInput, required: true }) },
    authScopes: { permission: 'tariffs:manage' },
    resolve: (_root, { input }, ctx) =>
      ctx.services.plans.createPlan(ctx.caller, {
        organisationId: input.organisationId ? String(input.organisationId) : null,
        name: input.name,
        description: input.description ?? null,
        currency: input.currency,
        monthlyFee: input.monthlyFee,
        feeVatRate: input.feeVatRate ?? null,
        includedEnergyWh: input.includedEnergyWh ?? undefined,
        tariffId: input.tariffId ? String(input.tariffId) : null,
        discountPercent: input.discountPercent ?? null,
        active: input.active ?? undefined,
      }),
  }),
  updatePlan: t.field({
    type: PlanRef,
    args: { input: t.arg({ type: UpdatePlanInput, required: true }) },
    authScopes: { permission: 'tariffs:manage' },
    resolve: (_root, { input }, ctx) =>
      // Absent: unchanged; null: cleared (a required field given null is refused by the service).
      ctx.services.plans.updatePlan(ctx.caller, {
        ...input,
        id: String(input.id),
        tariffId: input.tariffId == null ? input.tariffId : String(input.tariffId),
      } as UpdatePlanArgs),
  }),
  subscribe: t.field({
    type: SubscriptionRef,
    description: "Subscribes the calling driver; the first period starts now and its fee is charged to their saved payment method.",
    args: { planId: t.arg.id({ required: true }) },
    authScopes: { permission: 'billing:self' },
    resolve: (_root, args, ctx) => ctx.services.plans.subscribe(ctx.caller, String(args.planId)),
  }),
  cancelSubscription: t.field({
    type: SubscriptionRef,
    description: 'Ends the subscription at the end of the current period; its benefits last until then and no further fee is charged.',
    args: { subscriptionId: t.arg.id({ required: true }) },
    authScopes: { permission: 'billing:self' },
    resolve: (_root, args, ctx) => ctx.services.plans.cancelSubscription(ctx.caller, String(args.subscriptionId)),
  }),
}));
