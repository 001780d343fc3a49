import {
  DAYS_OF_WEEK,
  RESERVATION_RESTRICTIONS,
  TARIFF_DIMENSION_TYPES,
  TARIFF_TYPES,
  type DisplayText,
  type Price,
  type PriceComponent,
  type TariffElement,
  type TariffRestrictions,
} from '../../domain/tariffs/tariff.model.js';
import type { PriceInfoView, PublicTariffView, TariffAssignmentView, TariffView } from '../../domain/tariffs/tariff.views.js';
import { builder } from '../builder.js';
import { pageRequest, toConnection } from '../pagination.js';
import { anyPermission } from '../scopes.js';
import { OrganisationRef } from './organisation.js';

// Tariffs in OCPI 2.2.1's model, in the API's camelCase; `ocpi` gives the OCPI object itself.
// Prices are public (priceAt, PublicTariff); the managed Tariff is staff's.
const TARIFF_READ = anyPermission('billing:read', 'tariffs:manage');
const PUBLIC = { public: true } as const;

const TariffDimensionTypeEnum = builder.enumType('TariffDimensionType', {
  values: TARIFF_DIMENSION_TYPES,
  description: 'ENERGY: per kWh; FLAT: per session; TIME: per hour charging; PARKING_TIME: per hour connected but not charging.',
});
const DayOfWeekEnum = builder.enumType('DayOfWeek', { values: DAYS_OF_WEEK });
const TariffTypeEnum = builder.enumType('TariffType', { values: TARIFF_TYPES, description: 'OCPI TariffType.' });
const ReservationRestrictionEnum = builder.enumType('ReservationRestriction', { values: RESERVATION_RESTRICTIONS });

const DisplayTextRef = builder.objectRef<DisplayText>('DisplayText').implement({
  authScopes: PUBLIC,
  fields: (t) => ({
    language: t.exposeString('language', { description: 'ISO 639-1' }),
    text: t.exposeString('text'),
  }),
});

const TariffPriceRef = builder.objectRef<Price>('TariffPrice').implement({
  authScopes: PUBLIC,
  fields: (t) => ({
    exclVat: t.field({ type: 'Decimal', resolve: (p) => p.excl_vat }),
    inclVat: t.field({ type: 'Decimal', nullable: true, resolve: (p) => p.incl_vat ?? null }),
  }),
});

const PriceComponentRef = builder.objectRef<PriceComponent>('PriceComponent').implement({
  authScopes: PUBLIC,
  fields: (t) => ({
    type: t.field({ type: TariffDimensionTypeEnum, resolve: (c) => c.type }),
    price: t.field({ type: 'Decimal', description: 'Excl. VAT, per unit of the type.', resolve: (c) => c.price }),
    vat: t.field({ type: 'Decimal', nullable: true, description: 'Percent; null: not applicable or not known.', resolve: (c) => c.vat ?? null }),
    stepSize: t.int({
      description: 'Billed in steps of this many units: Wh for ENERGY, seconds for TIME and PARKING_TIME.',
      resolve: (c) => c.step_size,
    }),
  }),
});

const decimalField = (key: keyof TariffRestrictions) => (r: TariffRestrictions) => (r[key] as string | null | undefined) ?? null;

const TariffRestrictionsRef = builder.objectRef<TariffRestrictions>('TariffRestrictions').implement({
  description: "When an element applies. Times and dates are the station's local ones; an end time before the start time wraps midnight.",
  authScopes: PUBLIC,
  fields: (t) => ({
    startTime: t.string({ nullable: true, resolve: (r) => r.start_time ?? null }),
    endTime: t.string({ nullable: true, resolve: (r) => r.end_time ?? null }),
    startDate: t.string({ nullable: true, resolve: (r) => r.start_date ?? null }),
    endDate: t.string({ nullable: true, resolve: (r) => r.end_date ?? null }),
    minKwh: t.field({ type: 'Decimal', nullable: true, resolve: decimalField('min_kwh') }),
    maxKwh: t.field({ type: 'Decimal', nullable: true, resolve: decimalField('max_kwh') }),
    minCurrent: t.field({ type: 'Decimal', nullable: true, resolve: decimalField('min_current') }),
    maxCurrent: t.field({ type: 'Decimal', nullable: true, resolve: decimalField('max_current') }),
    minPower: t.field({ type: 'Decimal', nullable: true, resolve: decimalField('min_power') }),
    maxPower: t.field({ type: 'Decimal', nullable: true, resolve: decimalField('max_power') }),
    minDuration: t.int({ nullable: true, description: 'Seconds since the session started.', resolve: (r) => r.min_duration ?? null }),
    maxDuration: t.int({ nullable: true, resolve: (r) => r.max_duration ?? null }),
    dayOfWeek: t.field({ type: [DayOfWeekEnum], nullable: true, resolve: (r) => r.day_of_week ?? null }),
    reservation: t.field({ type: ReservationRestrictionEnum, nullable: true, resolve: (r) => r.reservation ?? null }),
  }),
});

const TariffElementRef = builder.objectRef<TariffElement>('TariffElement').implement({
  authScopes: PUBLIC,
  fields: (t) => ({
    priceComponents: t.field({ type: [PriceComponentRef], resolve: (e) => e.price_components }),
    restrictions: t.field({ type: TariffRestrictionsRef, nullable: true, resolve: (e) => e.restrictions ?? null }),
  }),
});

// The price fields both tariff types share (no field returns the interface itself).
const TariffPricesRef = builder.interfaceRef<PublicTariffView>('TariffPrices').implement({
  description: 'A tariff version\'s prices, as OCPI 2.2.1 has them.',
  fields: (t) => ({
    id: t.exposeID('id'),
    currency: t.exposeString('currency', { description: 'ISO 4217' }),
    type: t.field({ type: TariffTypeEnum, nullable: true, resolve: (v) => v.type }),
    elements: t.field({ type: [TariffElementRef], resolve: (v) => v.definition.elements }),
    minPrice: t.field({ type: TariffPriceRef, nullable: true, resolve: (v) => v.definition.min_price ?? null }),
    maxPrice: t.field({ type: TariffPriceRef, nullable: true, resolve: (v) => v.definition.max_price ?? null }),
    altText: t.field({ type: [DisplayTextRef], resolve: (v) => v.definition.tariff_alt_text ?? [] }),
    altUrl: t.string({ nullable: true, resolve: (v) => v.definition.tariff_alt_url ?? null }),
    summary: t.exposeString('summary', { description: 'In plain words, e.g. "0.39 EUR/kWh; 1.00 EUR per session".' }),
    ocpi: t.field({ type: 'JSON', description: 'This version as an OCPI 2.2.1 Tariff object.', resolve: (v) => v.ocpi }),
  }),
});

const PublicTariffRef = builder.objectRef<PublicTariffView>('PublicTariff').implement({
  description: 'What anyone may see of a tariff: its prices.',
  interfaces: [TariffPricesRef],
  authScopes: PUBLIC,
  fields: () => ({}),
});

export const TariffRef = builder.objectRef<TariffView>('Tariff');

const TariffAssignmentRef = builder.objectRef<TariffAssignmentView>('TariffAssignment').implement({
  description: "Where a tariff applies: a connector, a station, or (neither) the organisation's default.",
  authScopes: TARIFF_READ,
  fields: (t) => ({
    id: t.exposeID('id'),
    tariff: t.field({ type: TariffRef, nullable: true, resolve: (a, _args, ctx) => ctx.services.tariffs.get(ctx.caller, a.tariffId) }),
    stationIdentity: t.exposeString('stationIdentity', { nullable: true }),
    connectorId: t.exposeInt('connectorId', { nullable: true }),
    organisationId: t.exposeID('organisationId', { nullable: true }),
  }),
});

TariffRef.implement({
  description:
    'A tariff at its current version. Editing makes a new version; a session is priced to its end by the version in force when it started.',
  interfaces: [TariffPricesRef],
  authScopes: TARIFF_READ,
  fields: (t) => ({
    name: t.exposeString('name'),
    organisationId: t.exposeID('organisationId', { nullable: true, description: 'Null: a platform tariff.' }),
    organisation: t.field({
      type: OrganisationRef,
      nullable: true,
      resolve: (v, _args, ctx) => (v.organisationId ? ctx.services.organisations.get(ctx.caller, v.organisationId) : null),
    }),
    version: t.exposeInt('version'),
    versionId: t.exposeID('versionId', { description: 'The version sessions started now are priced with; CDRs name it.' }),
    assignments: t.field({ type: [TariffAssignmentRef], resolve: (v, _args, ctx) => ctx.services.tariffs.assignmentsOf(ctx.caller, v.id) }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const PriceInfoRef = builder.objectRef<PriceInfoView>('PriceInfo').implement({
  description: 'The price of charging here, before starting.',
  authScopes: PUBLIC,
  fields: (t) => ({
    currency: t.exposeString('currency', { nullable: true, description: 'Null when no tariff applies.' }),
    summary: t.exposeString('summary'),
    tariff: t.field({ type: PublicTariffRef, nullable: true, description: 'Null: no tariff applies here.', resolve: (p) => p.tariff }),
  }),
});

// --- inputs ---------------------------------------------------------------------------------

const DisplayTextInput = builder.inputType('DisplayTextInput', {
  fields: (t) => ({ language: t.string({ required: true, description: 'ISO 639-1, e.g. en' }), text: t.string({ required: true }) }),
});
const TariffPriceInput = builder.inputType('TariffPriceInput', {
  fields: (t) => ({ exclVat: t.field({ type: 'Decimal', required: true }), inclVat: t.field({ type: 'Decimal' }) }),
});
const PriceComponentInput = builder.inputType('PriceComponentInput', {
  fields: (t) => ({
    type: t.field({ type: TariffDimensionTypeEnum, required: true }),
    price: t.field({ type: 'Decimal', required: true, description: 'Excl. VAT, per kWh / session / hour.' }),
    vat: t.field({ type: 'Decimal', description: 'Percent, 0-100.' }),
    stepSize: t.int({ required: true, description: 'Wh for ENERGY, seconds for TIME and PARKING_TIME, 1 for FLAT.' }),
  }),
});
const TariffRestrictionsInput = builder.inputType('TariffRestrictionsInput', {
  fields: (t) => ({
    startTime: t.string({ description: '"HH:MM", local time of the station' }),
    endTime: t.string({ description: '"HH:MM"; before startTime: wraps midnight' }),
    startDate: t.string({ description: '"YYYY-MM-DD", inclusive' }),
    endDate: t.string({ description: '"YYYY-MM-DD", exclusive' }),
    minKwh: t.field({ type: 'Decimal' }),
    maxKwh: t.field({ type: 'Decimal' }),
    minCurrent: t.field({ type: 'Decimal' }),
    maxCurrent: t.field({ type: 'Decimal' }),
    minPower: t.field({ type: 'Decimal' }),
    maxPower: t.field({ type: 'Decimal' }),
    minDuration: t.int({ description: 'Seconds' }),
    maxDuration: t.int({ description: 'Seconds' }),
    dayOfWeek: t.field({ type: [DayOfWeekEnum] }),
    reservation: t.field({ type: ReservationRestrictionEnum }),
  }),
});
const TariffElementInput = builder.inputType('TariffElementInput', {
  fields: (t) => ({
    priceComponents: t.field({ type: [PriceComponentInput], required: true }),
    restrictions: t.field({ type: TariffRestrictionsInput }),
  }),
});

const CURRENCY_HELP = 'ISO 4217, e.g. EUR';

// What a tariff's definition is made of, the same in a new tariff and in a new version of one.
const definitionFields = (t: PothosSchemaTypes.InputFieldBuilder<typeof builder.$inferSchemaTypes, 'InputObject'>) => ({
  currency: t.string({ required: true, description: CURRENCY_HELP }),
  type: t.field({ type: TariffTypeEnum }),
  altText: t.field({ type: [DisplayTextInput] }),
  altUrl: t.string(),
  minPrice: t.field({ type: TariffPriceInput }),
  maxPrice: t.field({ type: TariffPriceInput }),
  elements: t.field({ type: [TariffElementInput], required: true }),
});

const CreateTariffInput = builder.inputType('CreateTariffInput', {
  fields: (t) => ({
    organisationId: t.id({ description: "Admins: the operator it is for (none: a platform tariff). Operators: their own." }),
    name: t.string({ required: true }),
    ...definitionFields(t),
  }),
});

const UpdateTariffInput = builder.inputType('UpdateTariffInput', {
  description: 'Replaces the definition: a new version. Sessions already started keep their version.',
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string({ description: 'Unchanged when left out.' }),
    ...definitionFields(t),
  }),
});

const TariffFilter = builder.inputType('TariffFilter', {
  fields: (t) => ({ organisationId: t.id(), currency: t.string() }),
});

const AssignTariffInput = builder.inputType('AssignTariffInput', {
  fields: (t) => ({
    tariffId: t.id({ required: true }),
    stationIdentity: t.string({ description: "None: the organisation's default." }),
    connectorId: t.int({ description: 'With stationIdentity: this connector only (overrides the station).' }),
    organisationId: t.id({ description: "The organisation whose default this is (admins; operators: their own)." }),
  }),
});

const UnassignTariffInput = builder.inputType('UnassignTariffInput', {
  fields: (t) => ({ stationIdentity: t.string(), connectorId: t.int(), organisationId: t.id() }),
});

const idOrNull = (id: string | number | null | undefined) => (id == null ? null : String(id));

// --- operations -----------------------------------------------------------------------------

builder.queryFields((t) => ({
  tariff: t.field({
    type: TariffRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    authScopes: TARIFF_READ,
    resolve: (_root, args, ctx) => ctx.services.tariffs.get(ctx.caller, String(args.id)),
  }),
  tariffs: t.connection({
    type: TariffRef,
    description: "By name. Operators and API keys: their organisation's; admins: all.",
    args: { filter: t.arg({ type: TariffFilter }) },
    authScopes: TARIFF_READ,
    resolve: async (_root, args, ctx) =>
      toConnection(
        await ctx.services.tariffs.list(
          ctx.caller,
          { organisationId: idOrNull(args.filter?.organisationId), currency: args.filter?.currency ?? null },
          pageRequest(args),
        ),
      ),
  }),
  priceAt: t.field({
    type: PriceInfoRef,
    description: 'What charging at this connector would cost the caller now (a driver with a plan: the plan\'s tariff). Anyone may ask.',
    args: { stationIdentity: t.arg.string({ required: true }), connectorId: t.arg.int({ required: true }) },
    authScopes: PUBLIC,
    resolve: (_root, args, ctx) => ctx.services.tariffs.priceAt(ctx.caller, args.stationIdentity, args.connectorId),
  }),
}));

builder.mutationFields((t) => ({
  createTariff: t.field({
    type: TariffRef,
    args: { input: t.arg({ type: CreateTariffInput, required: true }) },
    authScopes: { permission: 'tariffs:manage' },
    resolve: (_root, { input }, ctx) => ctx.services.tariffs.create(ctx.caller, { ...input, organisationId: idOrNull(input.organisationId) }),
  }),
  importOcpiTariff: t.field({
    type: TariffRef,
    description: 'Takes an OCPI 2.2.1 Tariff object as is; its id and party are replaced by ours.',
    args: { ocpi: t.arg({ type: 'JSON', required: true }), organisationId: t.arg.id() },
    authScopes: { permission: 'tariffs:manage' },
    resolve: (_root, args, ctx) => ctx.services.tariffs.importOcpi(ctx.caller, args.ocpi, idOrNull(args.organisationId)),
  }),
  updateTariff: t.field({
    type: TariffRef,
    args: { input: t.arg({ type: UpdateTariffInput, required: true }) },
    authScopes: { permission: 'tariffs:manage' },
    resolve: (_root, { input }, ctx) => {
      const { id, ...rest } = input;
      return ctx.services.tariffs.update(ctx.caller, String(id), rest);
    },
  }),
  assignTariff: t.field({
    type: TariffAssignmentRef,
    description: "Assigns at a connector, a station, or (no station) as the organisation's default; replaces what was there.",
    args: { input: t.arg({ type: AssignTariffInput, required: true }) },
    authScopes: { permission: 'tariffs:manage' },
    resolve: (_root, { input }, ctx) =>
      ctx.services.tariffs.assign(ctx.caller, { ...input, tariffId: String(input.tariffId), organisationId: idOrNull(input.organisationId) }),
  }),
  unassignTariff: t.boolean({
    description: 'False when nothing was assigned there.',
    args: { input: t.arg({ type: UnassignTariffInput, required: true }) },
    authScopes: { permission: 'tariffs:manage' },
    resolve: (_root, { input }, ctx) => ctx.services.tariffs.unassign(ctx.caller, { ...input, organisationId: idOrNull(input.organisationId) }),
  }),
}));
