import { createContextCache } from '@pothos/core';
import DataLoader from 'dataloader';
import type { CdrView } from '../../domain/cdrs/cdr.types.js';
import { CDR_KINDS } from '../../domain/cdrs/cdr.types.js';
import { finalCostOf } from '../../domain/cdrs/session-costs.js';
import type { CostLine, SessionCost, VatAmount } from '../../domain/pricing/pricing.types.js';
import type { SessionView } from '../../domain/sessions/session.types.js';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import { badInput } from '../errors.js';
import { pageRequest, toConnection } from '../pagination.js';
import { anyPermission } from '../scopes.js';
import { ChargingSessionRef } from './session.js';

// Costs and charge detail records. A session's cost is its CDR's once it stopped and the running
// estimate while it charges; CDRs are listed for drivers (their own), operators (their
// stations') and admins, as the service decides.

const COST_LINE_KINDS = ['ENERGY', 'FLAT', 'PARKING_TIME', 'TIME', 'PLAN_ALLOWANCE', 'PLAN_DISCOUNT', 'MIN_PRICE', 'MAX_PRICE'] as const;
const CostLineKindEnum = builder.enumType('CostLineKind', { values: COST_LINE_KINDS });
const CdrKindEnum = builder.enumType('CdrKind', { values: CDR_KINDS });

const CostLineRef = builder.objectRef<CostLine>('CostLine').implement({
  description: 'One line of a bill; money rounded to the currency\'s minor unit, negative for credits.',
  authScopes: { permission: 'sessions:read' },
  fields: (t) => ({
    kind: t.expose('kind', { type: CostLineKindEnum }),
    elementIndex: t.exposeInt('elementIndex', { nullable: true, description: 'The tariff element the line comes from.' }),
    description: t.exposeString('description'),
    quantity: t.expose('quantity', { type: 'Decimal', description: 'Billed quantity after step_size: kWh, hours or 1.' }),
    unit: t.exposeString('unit', { nullable: true }),
    unitPrice: t.expose('unitPrice', { type: 'Decimal', nullable: true, description: 'Excl. VAT, per unit.' }),
    vatRate: t.expose('vatRate', { type: 'Decimal', nullable: true, description: 'Percent.' }),
    exclVat: t.expose('exclVat', { type: 'Decimal' }),
    vat: t.expose('vat', { type: 'Decimal' }),
    inclVat: t.expose('inclVat', { type: 'Decimal' }),
  }),
});

const VatAmountRef = builder.objectRef<VatAmount>('VatAmount').implement({
  authScopes: { permission: 'sessions:read' },
  fields: (t) => ({
    rate: t.expose('rate', { type: 'Decimal', nullable: true, description: 'Percent; null where no VAT applies.' }),
    exclVat: t.expose('exclVat', { type: 'Decimal' }),
    vat: t.expose('vat', { type: 'Decimal' }),
  }),
});

const SessionCostRef = builder.objectRef<SessionCost>('SessionCost').implement({
  description: 'What a session costs: final once its CDR exists, a running estimate while it charges.',
  authScopes: { permission: 'sessions:read' },
  fields: (t) => ({
    currency: t.exposeString('currency', { description: 'ISO 4217.' }),
    totalExclVat: t.expose('totalExclVat', { type: 'Decimal' }),
    totalVat: t.expose('totalVat', { type: 'Decimal' }),
    totalInclVat: t.expose('totalInclVat', { type: 'Decimal' }),
    lines: t.field({ type: [CostLineRef], resolve: (c) => c.lines }),
    final: t.exposeBoolean('final', { description: 'False while the session runs: the cost so far.' }),
    asOf: t.expose('asOf', { type: 'DateTime', description: 'The instant priced up to.' }),
  }),
});

export const CdrRef = builder.objectRef<CdrView>('Cdr').implement({
  description: 'A charge detail record: the fixed price of one session and the tariff that made it. Never changes; a correction is a credit record.',
  authScopes: { permission: 'sessions:read' },
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.expose('kind', { type: CdrKindEnum }),
    creditsCdrId: t.exposeID('creditsCdrId', { nullable: true, description: 'For a credit: the record it reverses.' }),
    sessionId: t.exposeID('sessionId'),
    transactionId: t.exposeInt('transactionId'),
    stationIdentity: t.exposeString('stationIdentity'),
    connectorId: t.exposeInt('connectorId'),
    organisationId: t.exposeID('organisationId', { nullable: true }),
    userId: t.exposeID('userId', { nullable: true }),
    idTag: t.exposeString('idTag'),
    tariffId: t.exposeID('tariffId', { nullable: true }),
    tariffVersionId: t.exposeID('tariffVersionId', { nullable: true }),
    currency: t.exposeString('currency'),
    totalExclVat: t.expose('totalExclVat', { type: 'Decimal' }),
    totalVat: t.expose('totalVat', { type: 'Decimal' }),
    totalInclVat: t.expose('totalInclVat', { type: 'Decimal' }),
    totalEnergyWh: t.expose('totalEnergyWh', { type: 'WattHours' }),
    totalTimeSeconds: t.exposeInt('totalTimeSeconds'),
    totalParkingSeconds: t.exposeInt('totalParkingSeconds'),
    lines: t.field({ type: [CostLineRef], resolve: (c) => c.lines }),
    vatBreakdown: t.field({ type: [VatAmountRef], resolve: (c) => c.vatBreakdown }),
    dataNotes: t.exposeStringList('dataNotes', { description: 'How odd meter data was read.' }),
    reason: t.exposeString('reason', { nullable: true, description: "A credit's reason." }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    stoppedAt: t.expose('stoppedAt', { type: 'DateTime' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    ocpi: t.expose('ocpi', { type: 'JSON', description: 'The OCPI 2.2.1 CDR object.' }),
  }),
});

// A session's record, read once per response for every session that asks (its cost, its OCPI
// object, the record itself): batched, not memoized, as a subscription keeps one context for
// all its events and each event must show the record as it is then.
const cdrOfSession = createContextCache(
  (ctx: GraphQLContext) =>
    new DataLoader<string, CdrView | null>(
      async (ids) => {
        const found = await ctx.services.cdrs.ofSessions(ids);
        return ids.map((id) => found.get(id) ?? null);
      },
      { cache: false },
    ),
);

const recordOf = (s: SessionView, ctx: GraphQLContext) => (s.status === 'COMPLETED' ? cdrOfSession(ctx).load(s.id) : null);

builder.objectFields(ChargingSessionRef, (t) => ({
  cost: t.field({
    type: SessionCostRef,
    nullable: true,
    description: 'The final cost once stopped (from its CDR); the running cost while charging. Null until known.',
    resolve: async (s, _args, ctx) => {
      if (s.cost !== undefined && (s.cost?.final || s.status === 'ACTIVE')) return s.cost;
      const cdr = await recordOf(s, ctx);
      if (cdr) return finalCostOf(cdr);
      return ctx.services.liveCosts.current(s.id) ?? ctx.services.cdrs.estimate(s.id);
    },
  }),
  chargeDetailRecord: t.field({
    type: CdrRef,
    nullable: true,
    description: 'The CDR of the finished session; null while it runs.',
    resolve: (s, _args, ctx) => recordOf(s, ctx),
  }),
  cdr: t.field({
    type: 'JSON',
    nullable: true,
    description: 'The OCPI 2.2.1 CDR object of the finished session; null while it runs.',
    resolve: async (s, _args, ctx) => (await recordOf(s, ctx))?.ocpi ?? null,
  }),
}));

const CdrFilter = builder.inputType('CdrFilter', {
  fields: (t) => ({
    stationIdentity: t.string(),
    organisationId: t.id(),
    userId: t.id(),
    sessionId: t.id(),
    from: t.field({ type: 'DateTime', description: 'Stopped at or after.' }),
    to: t.field({ type: 'DateTime', description: 'Stopped before.' }),
  }),
});

const CreditCdrInput = builder.inputType('CreditCdrInput', {
  fields: (t) => ({
    cdrId: t.id({ required: true }),
    reason: t.string({ required: true }),
  }),
});

builder.queryFields((t) => ({
  cdrs: t.connection({
    type: CdrRef,
    description: 'Newest first. Drivers: their own; operators and API keys: their stations\'; admins: all.',
    args: { filter: t.arg({ type: CdrFilter }) },
    authScopes: anyPermission('sessions:read', 'billing:read'),
    resolve: async (_root, args, ctx) => {
      const f = args.filter ?? {};
      if (f.from && f.to && f.from >= f.to) throw badInput('filter.from must be before filter.to', 'filter.from');
      return toConnection(
        await ctx.services.cdrs.list(ctx.caller, pageRequest(args), {
          ...f,
          organisationId: f.organisationId ? String(f.organisationId) : null,
          userId: f.userId ? String(f.userId) : null,
          sessionId: f.sessionId ? String(f.sessionId) : null,
        }),
      );
    },
  }),
  cdr: t.field({
    type: CdrRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    authScopes: anyPermission('sessions:read', 'billing:read'),
    resolve: (_root, args, ctx) => ctx.services.cdrs.get(ctx.caller, String(args.id)),
  }),
}));

builder.mutationFields((t) => ({
  creditCdr: t.field({
    type: CdrRef,
    description: 'Reverses a record with a credit record (negative amounts); billing issues the credit note.',
    args: { input: t.arg({ type: CreditCdrInput, required: true }) },
    authScopes: { permission: 'billing:manage' },
    resolve: (_root, { input }, ctx) => ctx.services.cdrs.credit(ctx.caller, String(input.cdrId), input.reason),
  }),
}));
