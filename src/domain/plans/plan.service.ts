import { LockMode, UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { requiredRefId } from '../../db/ref.js';
import type { Caller } from '../caller.js';
import { isUuid } from '../ids.js';
import { parseInput } from '../input.js';
import type { JobQueue } from '../jobs.js';
import { OrganisationSchema } from '../organisations/organisation.entity.js';
import { decodeCursor, encodeCursor, toPage, type Page, type PageRequest } from '../pagination.js';
import type { ActiveBenefits, PlanBenefitsSource } from './plan-benefits.js';
import { coverable } from './plan-allowance.js';
import { createPlanInput, planTerms, updatePlanInput, type CreatePlanInput, type UpdatePlanInput } from './plan-input.js';
import { periodAt } from './plan-periods.js';
import { offeringOrganisation, requireDriver, visiblePlansWhere, visibleSubscriptionsWhere } from './plan-scope.js';
import { PlanSchema, type Plan } from './plan.entity.js';
import { invalidPlan, PlansError } from './plans.errors.js';
import { toPlanView, toSubscriptionView, type PlanView, type SubscriptionView } from './plans.views.js';
import { openPeriod } from './subscription-periods.js';
import {
  LIVE_STATUSES,
  PlanUsageSchema,
  SubscriptionPeriodSchema,
  SubscriptionSchema,
  type Subscription,
  type SubscriptionStatus,
} from './subscription.entity.js';

export type { CreatePlanInput, UpdatePlanInput } from './plan-input.js';
export type { PlanView, SubscriptionView } from './plans.views.js';

export interface SubscriptionFilter {
  planId?: string | null;
  userId?: string | null;
  status?: SubscriptionStatus | null;
}

// Benefits apply while the subscription is paid up (or its first fee is still being charged).
// PAST_DUE gives none until a charge succeeds; CANCELLED none at all.
const BENEFIT_STATUSES: SubscriptionStatus[] = ['ACTIVE', 'CANCELLING'];

const usageInput = z.object({
  subscriptionId: z.string().uuid(),
  cdrId: z.string().uuid(),
  coveredWh: z.number().int().min(0),
  at: z.date(),
});

/**
 * Subscription plans: operators offer them, drivers subscribe (one live subscription per
 * operator), sessions count against each period's included energy. Billing of the periods is
 * PlanBillingService's, run by jobs; the first period's job is sent here, with the subscription.
 */
export class PlanService implements PlanBenefitsSource {
  constructor(
    private readonly orm: MikroORM,
    private readonly jobs: JobQueue,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  // --- operators: plans --------------------------------------------------------------------

  async createPlan(caller: Caller, input: CreatePlanInput): Promise<PlanView> {
    const organisationId = offeringOrganisation(caller, input.organisationId);
    const data = parseInput(createPlanInput, input, invalidPlan);
    const em = this.orm.em.fork();
    if (!(await em.findOne(OrganisationSchema, { id: organisationId }))) {
      throw invalidPlan(`organisationId: no organisation ${organisationId}`, 'organisationId');
    }
    const plan = em.create(PlanSchema, {
      organisation: organisationId,
      name: data.name,
      description: data.description || null,
      currency: data.currency,
      monthlyFee: data.monthlyFee,
      feeVatRate: data.feeVatRate ?? null,
      includedEnergyWh: data.includedEnergyWh,
      tariffId: data.tariffId ?? null,
      discountPercent: data.discountPercent ?? null,
      active: data.active,
    });
    await em.flush();
    return toPlanView(plan);
  }

  /** Changes apply to periods opened from now on; the current period keeps its allowance and fee invoice. */
  async updatePlan(caller: Caller, input: UpdatePlanInput): Promise<PlanView> {
    const data = parseInput(updatePlanInput, input, invalidPlan);
    const em = this.orm.em.fork();
    const plan = await this.requirePlan(em, caller, data.id);
    const { id: _id, ...patch } = data;
    const next = { ...plan, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as Plan;
    parseInput(planTerms, next, invalidPlan);
    for (const [key, value] of Object.entries(patch)) {
      if (value !== undefined) (plan as Record<string, unknown>)[key] = value === '' ? null : value;
    }
    await em.flush();
    return toPlanView(plan);
  }

  /** Operators: their organisation's plans; admins: all. Newest first. */
  async plans(caller: Caller, page: PageRequest): Promise<Page<PlanView>> {
    const where: Record<string, unknown> = { ...visiblePlansWhere(caller.visibility) };
    const after = page.after ? readCursor(page.after) : null;
    if (after) where.$or = [{ createdAt: { $lt: after.at } }, { createdAt: after.at, id: { $lt: after.id } }];
    const rows = await this.orm.em.fork().find(PlanSchema, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: page.first + 1 });
    return toPage(rows, page.first, toPlanView, (p) => encodeCursor([p.createdAt.toISOString(), p.id]));
  }

  /** Public: the active plans an operator offers, for drivers to choose from. Cheapest first. */
  async availablePlans(organisationId: string): Promise<PlanView[]> {
    if (!isUuid(organisationId)) return [];
    const rows = await this.orm.em.fork().find(
      PlanSchema,
      { organisation: organisationId, active: true },
      { orderBy: { monthlyFee: 'asc', name: 'asc' }, limit: 200 },
    );
    return rows.map(toPlanView);
  }

  // --- drivers: subscriptions --------------------------------------------------------------

  /** The driver subscribes for themself; the first period opens now and its fee job is sent with it. */
  async subscribe(caller: Caller, planId: string): Promise<SubscriptionView> {
    const userId = requireDriver(caller);
    const now = this.clock();
    const { subscription, plan, period } = await this.orm.em.fork().transactional(async (tx) => {
      const plan = isUuid(planId) ? await tx.findOne(PlanSchema, { id: planId, active: true }) : null;
      if (!plan) throw new PlansError('PLAN_NOT_FOUND', `no plan ${planId} open to subscribers`);
      const organisationId = requiredRefId(plan.organisation);
      // One live subscription per driver and operator, even when two subscribe calls race.
      await tx
        .getConnection()
        .execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`plans:${userId}:${organisationId}`], 'all', tx.getTransactionContext());
      const live = await tx.findOne(SubscriptionSchema, { user: userId, status: { $in: [...LIVE_STATUSES] }, plan: { organisation: organisationId } });
      if (live) {
        throw new PlansError('ALREADY_SUBSCRIBED', 'you already have a subscription with this operator; cancel it first', {
          subscriptionId: live.id,
        });
      }
      const first = periodAt(now, 0);
      const subscription = tx.create(SubscriptionSchema, {
        plan,
        user: userId,
        status: 'ACTIVE',
        startedAt: now,
        currentPeriodStart: first.start,
        currentPeriodEnd: first.end,
        cancelAtPeriodEnd: false,
      });
      const period = await openPeriod(tx, this.jobs, subscription, plan, first);
      return { subscription, plan, period };
    });
    return toSubscriptionView(subscription, plan, period);
  }

  /**
   * Cancels at the end of the current period: the driver keeps the benefits they paid for until
   * then, and no further fee is charged. Cancelling twice changes nothing.
   */
  async cancelSubscription(caller: Caller, subscriptionId: string): Promise<SubscriptionView> {
    const em = this.orm.em.fork();
    const subscription = await this.requireSubscription(em, caller, subscriptionId);
    if (subscription.status === 'CANCELLED') {
      throw new PlansError('SUBSCRIPTION_NOT_ACTIVE', `subscription ${subscriptionId} has ended`);
    }
    subscription.cancelAtPeriodEnd = true;
    // A past-due subscription stays PAST_DUE (its fee is still owed); it ends at the period end.
    if (subscription.status === 'ACTIVE') subscription.status = 'CANCELLING';
    await em.flush();
    return (await this.views(em, [subscription]))[0]!;
  }

  /** The driver's own subscriptions, newest first, with the current period's allowance. */
  async mySubscriptions(caller: Caller): Promise<SubscriptionView[]> {
    if (caller.visibility.kind !== 'driver') return [];
    const em = this.orm.em.fork();
    const rows = await em.find(SubscriptionSchema, { user: caller.visibility.userId }, { orderBy: { startedAt: 'desc' }, limit: 200 });
    return this.views(em, rows);
  }

  async subscription(caller: Caller, id: string): Promise<SubscriptionView | null> {
    const em = this.orm.em.fork();
    const row = isUuid(id) ? await em.findOne(SubscriptionSchema, { id, ...visibleSubscriptionsWhere(caller.visibility) }) : null;
    return row ? (await this.views(em, [row]))[0]! : null;
  }

  /** Operators: subscriptions to their organisation's plans; admins: all; drivers: their own. Newest first. */
  async subscriptions(caller: Caller, page: PageRequest, filter: SubscriptionFilter = {}): Promise<Page<SubscriptionView>> {
    const conditions: Record<string, unknown>[] = [visibleSubscriptionsWhere(caller.visibility)];
    if (filter.planId) conditions.push({ plan: isUuid(filter.planId) ? filter.planId : null });
    if (filter.userId) conditions.push({ user: isUuid(filter.userId) ? filter.userId : null });
    if (filter.status) conditions.push({ status: filter.status });
    const after = page.after ? readCursor(page.after) : null;
    if (after) conditions.push({ $or: [{ createdAt: { $lt: after.at } }, { createdAt: after.at, id: { $lt: after.id } }] });
    const em = this.orm.em.fork();
    const rows = await em.find(SubscriptionSchema, { $and: conditions }, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: page.first + 1 });
    const views = new Map((await this.views(em, rows)).map((v) => [v.id, v]));
    return toPage(rows, page.first, (s) => views.get(s.id)!, (s) => encodeCursor([s.createdAt.toISOString(), s.id]));
  }

  // --- pricing: the PlanBenefitsSource port ------------------------------------------------

  /**
   * The benefits of the driver's subscription at `at`: its plan's tariff, what is left of the
   * period's included energy, its discount. Null when the driver has none in force then,
   * including while PAST_DUE (a fee that could not be charged). `organisationId` (the station's
   * operator) picks that operator's plan; without it, the driver's earliest live subscription.
   */
  async benefitsFor(userId: string, at: Date, organisationId?: string | null): Promise<ActiveBenefits | null> {
    if (!isUuid(userId) || (organisationId != null && !isUuid(organisationId))) return null;
    const subscription: Record<string, unknown> = { user: userId, status: { $in: BENEFIT_STATUSES } };
    if (organisationId) subscription.plan = { organisation: organisationId };
    const period = await this.orm.em.fork().findOne(
      SubscriptionPeriodSchema,
      { subscription, periodStart: { $lte: at }, periodEnd: { $gt: at } },
      { populate: ['subscription', 'subscription.plan'], orderBy: { subscription: { startedAt: 'asc' } } },
    );
    if (!period) return null;
    const plan = period.subscription.plan;
    return {
      subscriptionId: period.subscription.id,
      planId: plan.id,
      tariffId: plan.tariffId ?? null,
      freeEnergyWh: Math.max(0, period.includedWh - period.usedWh),
      discountPercent: toPlanView(plan).discountPercent,
    };
  }

  /** The plan tariff that replaces the station's for this driver at `at`, if their subscription has one. */
  async tariffIdFor(userId: string, at: Date, organisationId?: string | null): Promise<string | null> {
    return (await this.benefitsFor(userId, at, organisationId))?.tariffId ?? null;
  }

  /**
   * Counts a CDR's allowance line against the period containing `at`, once per CDR. What is
   * counted is capped at what the period has left, so used never exceeds included: when two
   * sessions were priced against the same remaining energy, the later one counts only the rest
   * (the claimed amount is kept beside it as requestedWh).
   */
  async recordUsage(input: { subscriptionId: string; cdrId: string; coveredWh: number; at: Date }): Promise<void> {
    const data = parseInput(usageInput, input, invalidPlan);
    try {
      await this.orm.em.fork().transactional(async (tx) => {
        const period = await tx.findOne(
          SubscriptionPeriodSchema,
          { subscription: data.subscriptionId, periodStart: { $lte: data.at }, periodEnd: { $gt: data.at } },
          { lockMode: LockMode.PESSIMISTIC_WRITE },
        );
        if (!period) {
          throw new PlansError('SUBSCRIPTION_PERIOD_NOT_FOUND', `subscription ${data.subscriptionId} has no period at ${data.at.toISOString()}`);
        }
        if (await tx.findOne(PlanUsageSchema, { cdrId: data.cdrId })) return;
        const covered = coverable(period, data.coveredWh);
        tx.create(PlanUsageSchema, { period, cdrId: data.cdrId, coveredWh: covered, requestedWh: data.coveredWh, at: data.at });
        period.usedWh += covered;
        await tx.flush();
      });
    } catch (err) {
      // The same CDR recorded meanwhile through another period's lock: already counted.
      if (err instanceof UniqueConstraintViolationException) return;
      throw err;
    }
  }

  // --- helpers -----------------------------------------------------------------------------

  private async requirePlan(em: EntityManager, caller: Caller, id: string): Promise<Plan> {
    const plan = isUuid(id) ? await em.findOne(PlanSchema, { id, ...visiblePlansWhere(caller.visibility) }) : null;
    if (!plan) throw new PlansError('PLAN_NOT_FOUND', `no plan ${id}`);
    return plan;
  }

  private async requireSubscription(em: EntityManager, caller: Caller, id: string): Promise<Subscription> {
    const row = isUuid(id) ? await em.findOne(SubscriptionSchema, { id, ...visibleSubscriptionsWhere(caller.visibility) }) : null;
    if (!row) throw new PlansError('SUBSCRIPTION_NOT_FOUND', `no subscription ${id}`);
    return row;
  }

  /** Views with each subscription's plan and current period, in two reads. */
  private async views(em: EntityManager, rows: Subscription[]): Promise<SubscriptionView[]> {
    if (rows.length === 0) return [];
    await em.populate(rows, ['plan']);
    const periods = await em.find(SubscriptionPeriodSchema, {
      $or: rows.map((s) => ({ subscription: s.id, periodStart: s.currentPeriodStart })),
    });
    const bySubscription = new Map(periods.map((p) => [requiredRefId(p.subscription), p]));
    return rows.map((s) => toSubscriptionView(s, s.plan, bySubscription.get(s.id) ?? null));
  }
}

function readCursor(cursor: string): { at: Date; id: string } {
  const parsed = decodeCursor(cursor, z.tuple([z.string().datetime(), z.string().uuid()]));
  if (!parsed) throw invalidPlan('after is not a valid cursor', 'after');
  return { at: new Date(parsed[0]), id: parsed[1] };
}
