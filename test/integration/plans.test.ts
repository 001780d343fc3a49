import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BillTo, InvoiceIssuer, InvoiceLineInput, IssuedInvoice, PaymentRecord } from '../../src/domain/invoices/invoice.ports.js';
import type { JobName, JobQueue, Jobs } from '../../src/domain/jobs.js';
import type { OffSessionCharger } from '../../src/domain/payments/payment.ports.js';
import { PlanBillingService } from '../../src/domain/plans/plan-billing.service.js';
import { toMinorUnits } from '../../src/domain/pricing/money.js';
import type { JobHandler } from '../../src/jobs/job-queue.js';
import { createLogger } from '../../src/logger.js';
import { billPlanPeriod } from '../../src/jobs/plans-bill-period.js';
import { rollPlanPeriods } from '../../src/jobs/plans-roll-periods.js';
import { eventually } from '../helpers/eventually.js';
import { aDriver, anOperator, dataOf, startTestApp, type TestApp, type TestUser } from '../helpers/test-app.js';

// Plans through the API a driver's app and an operator's back office use. The invoices and
// payments areas are other branches' work: here they are small recording stand-ins, the charge
// failing on demand. The roll job is driven by its handler with a clock past the period end.

interface PeriodInvoice {
  id: string;
  organisationId: string;
  billTo: BillTo;
  sourceKey: string;
  currency: string;
  lines: InvoiceLineInput[];
  paid: PaymentRecord | null;
  failures: string[];
}

class RecordingIssuer implements InvoiceIssuer {
  readonly bySource = new Map<string, PeriodInvoice>();
  readonly byId = new Map<string, PeriodInvoice>();
  async issueForSession(): Promise<IssuedInvoice> {
    throw new Error('plans issue no session invoices');
  }
  async issueForPeriod(input: Parameters<InvoiceIssuer['issueForPeriod']>[0]): Promise<IssuedInvoice> {
    let invoice = this.bySource.get(input.sourceKey);
    if (!invoice) {
      invoice = { id: randomUUID(), ...input, paid: null, failures: [] };
      this.bySource.set(input.sourceKey, invoice);
      this.byId.set(invoice.id, invoice);
    }
    const total = invoice.lines.reduce((sum, l) => sum + Number(l.inclVat), 0).toFixed(2);
    return { id: invoice.id, number: `INV-${this.byId.size}`, currency: invoice.currency, totalInclVat: total, totalInclVatMinor: toMinorUnits(total, invoice.currency) };
  }
  async markPaid(invoiceId: string, payment: PaymentRecord): Promise<void> {
    this.byId.get(invoiceId)!.paid = payment;
  }
  async markPaymentFailed(invoiceId: string, reason: string): Promise<void> {
    this.byId.get(invoiceId)!.failures.push(reason);
  }
  forSubscription(subscriptionId: string): PeriodInvoice[] {
    return [...this.bySource.values()].filter((i) => i.sourceKey.startsWith(`plan:${subscriptionId}:`));
  }
}

type ChargeInput = Parameters<OffSessionCharger['chargeSavedMethod']>[0];

class RecordingCharger implements OffSessionCharger {
  readonly calls: ChargeInput[] = [];
  readonly declining = new Set<string>();
  async chargeSavedMethod(input: ChargeInput) {
    this.calls.push(input);
    if (this.declining.has(input.userId)) return { status: 'FAILED' as const, reason: 'card declined' };
    return { status: 'SUCCEEDED' as const, reference: `pi_${input.idempotencyKey}` };
  }
}

class RecordingQueue implements JobQueue {
  readonly sent: { name: JobName; data: unknown }[] = [];
  async send<K extends JobName>(name: K, data: Jobs[K]): Promise<string> {
    this.sent.push({ name, data });
    return randomUUID();
  }
}

const issuer = new RecordingIssuer();
const charger = new RecordingCharger();
let app: TestApp;
let operatorA: TestUser & { organisationId: string };
let operatorB: TestUser & { organisationId: string };

const SUBSCRIPTION = `id status currentPeriodStart currentPeriodEnd cancelAtPeriodEnd cancelledAt currentPeriodFeeStatus currentPeriodInvoiceId
  plan { id name } allowance { includedWh usedWh remainingWh }`;

beforeAll(async () => {
  app = await startTestApp({}, () => {}, { ports: { invoices: issuer, offSessionCharger: charger } });
  operatorA = await anOperator(app);
  operatorB = await anOperator(app);
});
afterAll(() => app?.stop());

async function aPlan(operator: TestUser, overrides: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
  const input = { name: `Plan ${randomUUID().slice(0, 6)}`, currency: 'EUR', monthlyFee: '9.99', feeVatRate: '19', includedEnergyWh: 50_000, ...overrides };
  return dataOf(await app.gqlAs(operator.accessToken, `mutation($i: CreatePlanInput!) { createPlan(input: $i) { id name } }`, { i: input })).createPlan;
}

async function subscribe(driver: TestUser, planId: string) {
  return app.gqlAs(driver.accessToken, `mutation($p: ID!) { subscribe(planId: $p) { ${SUBSCRIPTION} } }`, { p: planId });
}

async function mine(driver: TestUser): Promise<any[]> {
  return dataOf(await app.gqlAs(driver.accessToken, `{ mySubscriptions { ${SUBSCRIPTION} } }`)).mySubscriptions;
}

/** The app's billing, with its clock at `now`, and the jobs it sends kept for the test to run. */
function billingAt(now: Date) {
  const queue = new RecordingQueue();
  const s = { log: createLogger('silent'), planBilling: new PlanBillingService(app.database.orm, queue, issuer, charger, () => now) };
  const handlers: JobHandler<JobName>[] = [rollPlanPeriods(s), billPlanPeriod(s)] as JobHandler<JobName>[];
  const run = <K extends JobName>(name: K, data: Jobs[K]) => handlers.find((h) => h.name === name)!.run(data as never);
  return { queue, run };
}

describe('plans', () => {
  it('an operator creates a plan; bad input names its field and saves nothing', async () => {
    const res = await app.gqlAs(
      operatorA.accessToken,
      `mutation($i: CreatePlanInput!) { createPlan(input: $i) { organisationId monthlyFee feeVatRate monthlyFeeInclVat includedEnergyWh discountPercent active } }`,
      { i: { name: 'Commuter', currency: 'EUR', monthlyFee: '9.99', feeVatRate: '19', includedEnergyWh: 50_000, discountPercent: '10' } },
    );
    expect(dataOf(res).createPlan).toEqual({
      organisationId: operatorA.organisationId,
      monthlyFee: '9.99',
      feeVatRate: '19',
      monthlyFeeInclVat: '11.89',
      includedEnergyWh: 50_000,
      discountPercent: '10',
      active: true,
    });
    const bad = async (input: Record<string, unknown>) => {
      const r = await app.gqlAs(operatorA.accessToken, `mutation($i: CreatePlanInput!) { createPlan(input: $i) { id } }`, {
        i: { name: 'Bad', currency: 'EUR', monthlyFee: '5', includedEnergyWh: 1000, ...input },
      });
      return r.errors?.[0]?.extensions;
    };
    expect(await bad({ currency: 'EURO' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currency' });
    expect(await bad({ monthlyFee: '5.001' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'monthlyFee' });
    expect(await bad({ feeVatRate: '120' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'feeVatRate' });
    expect(await bad({ includedEnergyWh: 0 })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'includedEnergyWh' });
    const listed = dataOf(await app.gqlAs(operatorA.accessToken, `{ plans(first: 200) { edges { node { name } } } }`)).plans.edges;
    expect(listed.map((e: any) => e.node.name)).not.toContain('Bad');
  });

  it('anyone sees the active plans an operator offers; an inactive one is not offered', async () => {
    const offered = await aPlan(operatorA);
    const retired = await aPlan(operatorA);
    dataOf(await app.gqlAs(operatorA.accessToken, `mutation($i: UpdatePlanInput!) { updatePlan(input: $i) { id } }`, { i: { id: retired.id, active: false } }));
    const res = await app.gqlAs(null, `query($o: ID!) { availablePlans(organisationId: $o) { id monthlyFeeInclVat } }`, { o: operatorA.organisationId });
    const ids = dataOf(res).availablePlans.map((p: any) => p.id);
    expect(ids).toContain(offered.id);
    expect(ids).not.toContain(retired.id);
    const driver = await aDriver(app);
    expect((await subscribe(driver, retired.id)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('a driver subscribes: the first period is invoiced and charged, once per operator', async () => {
    const plan = await aPlan(operatorA, { name: 'Billed' });
    const driver = await aDriver(app);
    const sub = dataOf(await subscribe(driver, plan.id)).subscribe;
    expect(sub).toMatchObject({ status: 'ACTIVE', cancelAtPeriodEnd: false, allowance: { includedWh: 50_000, usedWh: 0, remainingWh: 50_000 } });
    const sourceKey = `plan:${sub.id}:${sub.currentPeriodStart.slice(0, 10)}`;
    const invoice = await eventually('the fee paid', () => (issuer.bySource.get(sourceKey)?.paid ? issuer.bySource.get(sourceKey) : null));
    expect(invoice).toMatchObject({ organisationId: operatorA.organisationId, billTo: { kind: 'USER', userId: driver.id }, currency: 'EUR' });
    expect(invoice.lines).toEqual([
      expect.objectContaining({ description: expect.stringMatching(/^Plan Billed, \d{4}-\d{2}-\d{2} – \d{4}-\d{2}-\d{2}$/), vatRate: '19', exclVat: '9.99', vat: '1.90', inclVat: '11.89' }),
    ]);
    expect(charger.calls.filter((c) => c.userId === driver.id)).toEqual([
      expect.objectContaining({ amountMinor: 1189, currency: 'EUR', idempotencyKey: sourceKey }),
    ]);
    await eventually('the period marked paid', async () => (await mine(driver))[0].currentPeriodFeeStatus === 'PAID');
    expect((await mine(driver))[0]).toMatchObject({ id: sub.id, currentPeriodInvoiceId: invoice.id });

    const second = await aPlan(operatorA);
    expect((await subscribe(driver, second.id)).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_SUBSCRIBED' });
    // Another operator's plan is another subscription.
    expect(dataOf(await subscribe(driver, (await aPlan(operatorB)).id)).subscribe.status).toBe('ACTIVE');
  });

  it('usage counts against the allowance once per CDR, never beyond it; benefits give the plan tariff and what is left', async () => {
    const tariffId = randomUUID();
    const plan = await aPlan(operatorA, { tariffId, discountPercent: '5' });
    const driver = await aDriver(app);
    const sub = dataOf(await subscribe(driver, plan.id)).subscribe;
    const now = new Date();
    const plans = app.services.plans;
    const [cdr1, cdr2] = [randomUUID(), randomUUID()];
    await plans.recordUsage({ subscriptionId: sub.id, cdrId: cdr1, coveredWh: 12_000, at: now });
    await plans.recordUsage({ subscriptionId: sub.id, cdrId: cdr1, coveredWh: 12_000, at: now });
    expect((await mine(driver))[0].allowance).toEqual({ includedWh: 50_000, usedWh: 12_000, remainingWh: 38_000 });
    expect(await plans.benefitsFor(driver.id, now)).toEqual({
      subscriptionId: sub.id,
      planId: plan.id,
      tariffId,
      freeEnergyWh: 38_000,
      discountPercent: '5',
    });
    expect(await plans.tariffIdFor(driver.id, now)).toBe(tariffId);
    expect(await plans.benefitsFor(driver.id, now, operatorB.organisationId)).toBeNull();
    // Priced against the same 38 kWh as another session: only what is left counts.
    await plans.recordUsage({ subscriptionId: sub.id, cdrId: cdr2, coveredWh: 45_000, at: now });
    expect((await mine(driver))[0].allowance).toEqual({ includedWh: 50_000, usedWh: 50_000, remainingWh: 0 });
    expect((await plans.benefitsFor(driver.id, now))?.freeEnergyWh).toBe(0);
    // Before the subscription started there was no period to count against.
    await expect(plans.recordUsage({ subscriptionId: sub.id, cdrId: randomUUID(), coveredWh: 1, at: new Date(now.getTime() - 86_400_000) })).rejects.toMatchObject({
      code: 'SUBSCRIPTION_PERIOD_NOT_FOUND',
    });
  });

  it('a cancellation takes effect at the period end; a running subscription renews and the new period is billed', async () => {
    const plan = await aPlan(operatorA, { name: 'Renewing' });
    const [leaving, staying] = [await aDriver(app), await aDriver(app)];
    const gone = dataOf(await subscribe(leaving, plan.id)).subscribe;
    const kept = dataOf(await subscribe(staying, plan.id)).subscribe;
    const cancelled = dataOf(
      await app.gqlAs(leaving.accessToken, `mutation($s: ID!) { cancelSubscription(subscriptionId: $s) { ${SUBSCRIPTION} } }`, { s: gone.id }),
    ).cancelSubscription;
    expect(cancelled).toMatchObject({ status: 'CANCELLING', cancelAtPeriodEnd: true, cancelledAt: null });
    // Still in force until the period ends.
    expect(await app.services.plans.benefitsFor(leaving.id, new Date())).not.toBeNull();

    await eventually('both first fees paid', () => [gone, kept].every((s) => issuer.forSubscription(s.id)[0]?.paid));

    const end = new Date(gone.currentPeriodEnd);
    const afterEnd = new Date(end.getTime() + 60_000);
    const { queue, run } = billingAt(afterEnd);
    await run('plans.roll-periods', {});
    const [left] = await mine(leaving);
    expect(left).toMatchObject({ status: 'CANCELLED', cancelledAt: end.toISOString() });
    expect(await app.services.plans.benefitsFor(leaving.id, afterEnd)).toBeNull();

    const [renewed] = await mine(staying);
    expect(renewed).toMatchObject({ status: 'ACTIVE', currentPeriodStart: kept.currentPeriodEnd, currentPeriodFeeStatus: 'PENDING' });
    expect(renewed.allowance).toEqual({ includedWh: 50_000, usedWh: 0, remainingWh: 50_000 });
    const billJobs = queue.sent.filter((j) => j.name === 'plans.bill-period');
    expect(billJobs.length).toBeGreaterThanOrEqual(1);
    for (const job of billJobs) await run('plans.bill-period', job.data as Jobs['plans.bill-period']);
    const next = issuer.bySource.get(`plan:${kept.id}:${kept.currentPeriodEnd.slice(0, 10)}`);
    expect(next?.paid).toMatchObject({ provider: 'STRIPE' });
    expect(issuer.forSubscription(gone.id)).toHaveLength(1);
    // Run again: nothing is due, nothing changes.
    const again = billingAt(afterEnd);
    await again.run('plans.roll-periods', {});
    expect(again.queue.sent).toEqual([]);
  });

  it('a failed charge leaves the invoice open and the subscription PAST_DUE without benefits; a later success restores it', async () => {
    const plan = await aPlan(operatorA);
    const driver = await aDriver(app);
    charger.declining.add(driver.id);
    const sub = dataOf(await subscribe(driver, plan.id)).subscribe;
    const sourceKey = `plan:${sub.id}:${sub.currentPeriodStart.slice(0, 10)}`;
    await eventually('the failure recorded', () => (issuer.bySource.get(sourceKey)?.failures.length ?? 0) > 0);
    await eventually('the subscription past due', async () => (await mine(driver))[0].status === 'PAST_DUE');
    expect((await mine(driver))[0]).toMatchObject({ currentPeriodFeeStatus: 'FAILED' });
    expect(issuer.bySource.get(sourceKey)).toMatchObject({ paid: null, failures: ['card declined'] });
    expect(await app.services.plans.benefitsFor(driver.id, new Date())).toBeNull();

    // The queue's retries, run here at once: each a new key, each failing, until the card works.
    const periodId = await periodOf(sub.id);
    const { run } = billingAt(new Date());
    await expect(run('plans.bill-period', { periodId })).rejects.toThrow('card declined');
    charger.declining.delete(driver.id);
    await run('plans.bill-period', { periodId });
    expect(charger.calls.filter((c) => c.userId === driver.id).map((c) => c.idempotencyKey)).toEqual([sourceKey, `${sourceKey}:retry-1`, `${sourceKey}:retry-2`]);
    expect(issuer.bySource.get(sourceKey)?.paid).toMatchObject({ provider: 'STRIPE', reference: `pi_${sourceKey}:retry-2` });
    expect((await mine(driver))[0]).toMatchObject({ status: 'ACTIVE', currentPeriodFeeStatus: 'PAID' });
    expect(await app.services.plans.benefitsFor(driver.id, new Date())).not.toBeNull();
  });

  it('a subscription still past due at its period end ends there', async () => {
    const plan = await aPlan(operatorB);
    const driver = await aDriver(app);
    charger.declining.add(driver.id);
    const sub = dataOf(await subscribe(driver, plan.id)).subscribe;
    await eventually('the subscription past due', async () => (await mine(driver))[0].status === 'PAST_DUE');
    const { run } = billingAt(new Date(new Date(sub.currentPeriodEnd).getTime() + 1000));
    await run('plans.roll-periods', {});
    // Ended, and no next period was opened (nor billed).
    expect((await mine(driver))[0]).toMatchObject({ status: 'CANCELLED', cancelledAt: sub.currentPeriodEnd, currentPeriodStart: sub.currentPeriodStart });
  });

  it('operators see only their own plans and the subscriptions to them; drivers only their own', async () => {
    const planA = await aPlan(operatorA);
    const driver = await aDriver(app);
    const other = await aDriver(app);
    const sub = dataOf(await subscribe(driver, planA.id)).subscribe;

    const plansOf = async (who: TestUser) =>
      dataOf(await app.gqlAs(who.accessToken, `{ plans(first: 200) { edges { node { id } } } }`)).plans.edges.map((e: any) => e.node.id);
    const subsOf = async (who: TestUser) =>
      dataOf(await app.gqlAs(who.accessToken, `{ subscriptions(first: 200) { edges { node { id userId } } } }`)).subscriptions.edges.map((e: any) => e.node.id);
    expect(await plansOf(operatorA)).toContain(planA.id);
    expect(await plansOf(operatorB)).not.toContain(planA.id);
    expect(await subsOf(operatorA)).toContain(sub.id);
    expect(await subsOf(operatorB)).not.toContain(sub.id);
    const filtered = dataOf(
      await app.gqlAs(operatorA.accessToken, `query($p: ID!) { subscriptions(first: 10, filter: { planId: $p }) { edges { node { id } } } }`, { p: planA.id }),
    ).subscriptions.edges;
    expect(filtered.map((e: any) => e.node.id)).toEqual([sub.id]);
    const stolen = await app.gqlAs(operatorB.accessToken, `mutation($i: UpdatePlanInput!) { updatePlan(input: $i) { id } }`, { i: { id: planA.id, name: 'Mine now' } });
    expect(stolen.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    expect((await mine(other)).map((s) => s.id)).not.toContain(sub.id);
    const cancelOthers = await app.gqlAs(other.accessToken, `mutation($s: ID!) { cancelSubscription(subscriptionId: $s) { id } }`, { s: sub.id });
    expect(cancelOthers.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await mine(driver))[0]).toMatchObject({ id: sub.id, status: 'ACTIVE' });
    // Paging: the admin sees all, a page at a time.
    const page = dataOf(await app.gql(`{ subscriptions(first: 1) { edges { cursor } pageInfo { hasNextPage endCursor } } }`)).subscriptions;
    expect(page.pageInfo.hasNextPage).toBe(true);
    const nextPage = dataOf(await app.gql(`query($a: String) { subscriptions(first: 1, after: $a) { edges { node { id } } } }`, { a: page.pageInfo.endCursor })).subscriptions;
    expect(nextPage.edges).toHaveLength(1);
  });
});

async function periodOf(subscriptionId: string): Promise<string> {
  const rows = await app.database.orm.em
    .fork()
    .getConnection()
    .execute<{ id: string }[]>(`select id from subscription_period where subscription_id = ? order by period_start desc limit 1`, [subscriptionId]);
  return rows[0]!.id;
}
