import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { UserSchema } from '../users/user.entity.js';
import { PlanSchema } from './plan.entity.js';

// ACTIVE: running, benefits apply. CANCELLING: cancelled by the driver, runs to the period end.
// PAST_DUE: the period's fee could not be charged; no benefits until it is. CANCELLED: ended.
export const SUBSCRIPTION_STATUSES = ['ACTIVE', 'CANCELLING', 'CANCELLED', 'PAST_DUE'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** The statuses that hold a driver's one subscription per operator. */
export const LIVE_STATUSES: readonly SubscriptionStatus[] = ['ACTIVE', 'CANCELLING', 'PAST_DUE'];

export const SubscriptionSchema = defineEntity({
  name: 'Subscription',
  tableName: 'subscription',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    plan: p.manyToOne(PlanSchema),
    user: p.manyToOne(UserSchema).deleteRule('cascade'),
    status: p.enum([...SUBSCRIPTION_STATUSES]),
    // Periods are calendar months counted from this instant (plan-periods.ts).
    startedAt: p.datetime(),
    currentPeriodStart: p.datetime(),
    currentPeriodEnd: p.datetime(),
    cancelAtPeriodEnd: p.boolean().default(false),
    cancelledAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  // A driver's subscriptions; the roll job's "whose period has ended".
  indexes: [{ properties: ['user', 'status'] }, { properties: ['status', 'currentPeriodEnd'] }, { properties: ['plan'] }],
});

export type Subscription = InferEntity<typeof SubscriptionSchema>;

export const FEE_STATUSES = ['PENDING', 'PAID', 'FAILED'] as const;
export type FeeStatus = (typeof FEE_STATUSES)[number];

// One billing period of a subscription: its allowance and the fee invoice that pays for it.
export const SubscriptionPeriodSchema = defineEntity({
  name: 'SubscriptionPeriod',
  tableName: 'subscription_period',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    subscription: p.manyToOne(SubscriptionSchema).deleteRule('cascade'),
    periodStart: p.datetime(),
    periodEnd: p.datetime(),
    // The plan's included energy when the period opened: a later plan change applies from the next.
    includedWh: p.integer(),
    usedWh: p.integer().default(0),
    // The invoices area's invoice, by id.
    feeInvoiceId: p.uuid().nullable(),
    feeStatus: p.enum([...FEE_STATUSES]).default('PENDING'),
    // Charge attempts whose outcome was recorded; names the next attempt's idempotency key.
    attempts: p.integer().default(0),
    feeFailureReason: p.string().length(500).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [{ properties: ['subscription', 'periodStart'] }],
});

export type SubscriptionPeriod = InferEntity<typeof SubscriptionPeriodSchema>;

// Energy a priced session took from a period's allowance; one row per CDR (idempotency).
export const PlanUsageSchema = defineEntity({
  name: 'PlanUsage',
  tableName: 'plan_usage',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    period: p.manyToOne(SubscriptionPeriodSchema).deleteRule('cascade'),
    cdrId: p.uuid().unique(),
    // What was counted: the CDR's allowance line, capped at what was left of the allowance.
    coveredWh: p.integer(),
    // What the CDR's allowance line claimed; more than coveredWh when sessions overlapped.
    requestedWh: p.integer(),
    at: p.datetime(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  indexes: [{ properties: ['period'] }],
});

export type PlanUsage = InferEntity<typeof PlanUsageSchema>;
