import { UniqueConstraintViolationException, type MikroORM } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { refId } from '../../db/ref.js';
import type { Logger } from '../../logger.js';
import { SYSTEM_CALLER, type Caller } from '../caller.js';
import type { CdrSource, CdrView } from '../cdrs/cdr.types.js';
import { visibleRowsWhere } from '../accounts/viewer.js';
import { isUuid } from '../ids.js';
import { parseInput } from '../input.js';
import type { BillTo, InvoiceIssuer, InvoiceLineInput } from '../invoices/invoice.ports.js';
import { formatMoney } from '../pricing/money.js';
import type { UserService } from '../users/user.service.js';
import { BillingAccountMemberSchema, BillingAccountSchema, type BillingAccount } from './billing-account.entity.js';
import { invalidPayment, PaymentsError } from './payments.errors.js';

export interface BillingAccountView {
  id: string;
  organisationId: string;
  name: string;
  email: string | null;
  address: string | null;
  vatId: string | null;
  active: boolean;
  memberUserIds: string[];
  createdAt: Date;
}

const createInput = z.object({
  organisationId: z.string().uuid().nullish(),
  name: z.string().trim().min(1).max(200),
  email: z.string().trim().email().max(320).nullish(),
  address: z.string().trim().max(2000).nullish(),
  vatId: z.string().trim().max(50).nullish(),
});
export type CreateBillingAccountInput = z.input<typeof createInput>;

/**
 * Fleets and business customers paying by invoice. Operators manage their organisation's
 * accounts, admins any; each month every account gets one invoice per operator its drivers
 * charged with (and per currency).
 */
export class BillingAccountService {
  constructor(
    private readonly orm: MikroORM,
    private readonly users: UserService,
    private readonly billing: { cdrs: CdrSource | null; invoices: InvoiceIssuer | null },
    private readonly log: Logger,
  ) {}

  async create(caller: Caller, input: CreateBillingAccountInput): Promise<BillingAccountView> {
    const data = parseInput(createInput, input, invalidPayment);
    const v = caller.visibility;
    const organisationId = v.kind === 'organisation' ? v.organisationId : v.kind === 'all' ? data.organisationId : null;
    if (v.kind !== 'organisation' && v.kind !== 'all') throw new PaymentsError('FORBIDDEN', 'only operators and admins manage billing accounts');
    if (!organisationId) throw invalidPayment('organisationId: the operator that bills the account is required', 'organisationId');
    const em = this.orm.em.fork();
    const account = em.create(BillingAccountSchema, {
      organisation: organisationId,
      name: data.name,
      email: data.email || null,
      address: data.address || null,
      vatId: data.vatId || null,
      active: true,
    });
    await em.flush();
    return toView(account, []);
  }

  async addMember(caller: Caller, billingAccountId: string, userId: string): Promise<BillingAccountView> {
    const em = this.orm.em.fork();
    const account = await this.requireVisible(caller, billingAccountId);
    if (!isUuid(userId) || !(await this.users.get(SYSTEM_CALLER, userId))) {
      throw new PaymentsError('INVALID_PAYMENT_INPUT', `no user with id ${userId}`, { field: 'userId' });
    }
    em.create(BillingAccountMemberSchema, { billingAccount: account.id, user: userId });
    try {
      await em.flush();
    } catch (err) {
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
      throw new PaymentsError('BILLING_ACCOUNT_MEMBER_TAKEN', 'this user is already a member of a billing account', { field: 'userId' });
    }
    return (await this.list(caller, [account.id]))[0]!;
  }

  async list(caller: Caller, ids?: readonly string[]): Promise<BillingAccountView[]> {
    const where: Record<string, unknown> = { ...visibleWhere(caller) };
    if (ids) where.id = { $in: ids.filter(isUuid) };
    const em = this.orm.em.fork();
    const accounts = await em.find(BillingAccountSchema, where, { orderBy: { name: 'asc', id: 'asc' } });
    const members = accounts.length
      ? await em.find(BillingAccountMemberSchema, { billingAccount: { $in: accounts.map((a) => a.id) } }, { orderBy: { createdAt: 'asc' } })
      : [];
    return accounts.map((a) => toView(a, members.filter((m) => refId(m.billingAccount) === a.id).map((m) => refId(m.user)!)));
  }

  /** The active account paying for this driver's sessions, if any. */
  async accountOf(userId: string): Promise<BillingAccountView | null> {
    const em = this.orm.em.fork();
    const member = await em.findOne(BillingAccountMemberSchema, { user: userId, billingAccount: { active: true } }, { populate: ['billingAccount'] });
    if (!member) return null;
    return toView(member.billingAccount as unknown as BillingAccount, [userId]);
  }

  /**
   * The monthly invoices of every account for the month before `now` (UTC): one per operator
   * and currency, one line per CDR. Idempotent: the invoices area keys each by its sourceKey.
   */
  async invoicePreviousMonth(now: Date = new Date()): Promise<number> {
    const { cdrs, invoices } = this.billing;
    if (!cdrs || !invoices) throw new Error('billing accounts need a CDR source and an invoice issuer');
    const periodEnd = DateTime.fromJSDate(now, { zone: 'utc' }).startOf('month');
    const periodStart = periodEnd.minus({ months: 1 });
    const month = periodStart.toFormat('yyyy-MM');
    let issued = 0;
    for (const account of await this.list(SYSTEM_CALLER)) {
      if (!account.active || account.memberUserIds.length === 0) continue;
      const records = await cdrs.forUsers(account.memberUserIds, periodStart.toJSDate(), periodEnd.toJSDate());
      const billTo: BillTo = { kind: 'ACCOUNT', billingAccountId: account.id, name: account.name, email: account.email, address: account.address, vatId: account.vatId };
      for (const [key, group] of groupByOperator(records)) {
        const [organisationId, currency] = key.split(' ') as [string, string];
        await invoices.issueForPeriod({
          organisationId,
          billTo,
          sourceKey: `account:${account.id}:${month}:${organisationId}:${currency}`,
          periodStart: periodStart.toJSDate(),
          periodEnd: periodEnd.toJSDate(),
          currency,
          lines: group.map(lineOf),
        });
        issued += 1;
      }
    }
    this.log.info('billing account invoices issued', { month, invoices: issued });
    return issued;
  }

  private async requireVisible(caller: Caller, id: string): Promise<BillingAccount> {
    const account = isUuid(id) ? await this.orm.em.fork().findOne(BillingAccountSchema, { id, ...visibleWhere(caller) }) : null;
    if (!account) throw new PaymentsError('BILLING_ACCOUNT_NOT_FOUND', `no billing account with id ${id}`);
    return account;
  }
}

function visibleWhere(caller: Caller): Record<string, unknown> {
  return visibleRowsWhere(caller.visibility, { organisation: 'organisation' });
}

function groupByOperator(records: readonly CdrView[]): Map<string, CdrView[]> {
  const groups = new Map<string, CdrView[]>();
  for (const cdr of records) {
    // A CDR of a station no operator owns has nobody to invoice it.
    if (!cdr.organisationId) continue;
    const key = `${cdr.organisationId} ${cdr.currency}`;
    groups.set(key, [...(groups.get(key) ?? []), cdr]);
  }
  return groups;
}

function lineOf(cdr: CdrView): InvoiceLineInput {
  const kwh = (cdr.totalEnergyWh / 1000).toFixed(3);
  const day = DateTime.fromJSDate(cdr.startedAt, { zone: 'utc' }).toFormat('yyyy-MM-dd HH:mm');
  const rates = [...new Set(cdr.vatBreakdown.map((v) => v.rate))];
  return {
    description: `${cdr.kind === 'CREDIT' ? 'Correction: ' : ''}Charging at ${cdr.stationIdentity}, ${day} UTC, ${kwh} kWh`,
    quantity: '1',
    unit: 'session',
    unitPriceExclVat: formatMoney(cdr.totalExclVat, cdr.currency),
    vatRate: rates.length === 1 ? (rates[0] ?? null) : null,
    exclVat: formatMoney(cdr.totalExclVat, cdr.currency),
    vat: formatMoney(cdr.totalVat, cdr.currency),
    inclVat: formatMoney(cdr.totalInclVat, cdr.currency),
    cdrId: cdr.id,
  };
}

function toView(a: BillingAccount, memberUserIds: string[]): BillingAccountView {
  return {
    id: a.id,
    organisationId: refId(a.organisation)!,
    name: a.name,
    email: a.email ?? null,
    address: a.address ?? null,
    vatId: a.vatId ?? null,
    active: a.active,
    memberUserIds,
    createdAt: a.createdAt,
  };
}
