import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StationRepository } from '../../src/domain/stations/station.repository.js';
import { TariffService } from '../../src/domain/tariffs/tariff.service.js';
import { COMPLEX_OCPI_TARIFF } from '../unit/tariffs/ocpi-examples.js';
import { aDriver, anOperator, aStation, dataOf, type GqlResponse, startTestApp, type TestApp, type TestUser } from '../helpers/test-app.js';

// Tariffs through the API as operators, drivers and anonymous callers use it, on real PostgreSQL.

const TARIFF_FIELDS = `id name organisationId currency type version versionId summary ocpi createdAt updatedAt
  minPrice { exclVat inclVat } maxPrice { exclVat inclVat } altText { language text }
  elements { priceComponents { type price vat stepSize } restrictions { startTime endTime minKwh maxKwh dayOfWeek } }`;

const CREATE = `mutation($input: CreateTariffInput!) { createTariff(input: $input) { ${TARIFF_FIELDS} } }`;
const IMPORT = `mutation($ocpi: JSON!, $org: ID) { importOcpiTariff(ocpi: $ocpi, organisationId: $org) { ${TARIFF_FIELDS} } }`;
const UPDATE = `mutation($input: UpdateTariffInput!) { updateTariff(input: $input) { ${TARIFF_FIELDS} } }`;
const GET = `query($id: ID!) { tariff(id: $id) { id name version assignments { stationIdentity connectorId organisationId } } }`;
const LIST = `query($f: TariffFilter) { tariffs(first: 50, filter: $f) { edges { node { id name } } } }`;
const ASSIGN = `mutation($input: AssignTariffInput!) { assignTariff(input: $input) { id tariff { id } stationIdentity connectorId organisationId } }`;
const UNASSIGN = `mutation($input: UnassignTariffInput!) { unassignTariff(input: $input) }`;
const PRICE_AT = `query($s: String!, $c: Int!) { priceAt(stationIdentity: $s, connectorId: $c) { currency summary tariff { id currency elements { priceComponents { price } } ocpi } } }`;

type Tariff = { id: string; name: string; version: number; versionId: string; ocpi: Record<string, unknown>; [k: string]: unknown };

let app: TestApp;
let operatorA: TestUser & { organisationId: string };
let operatorB: TestUser & { organisationId: string };
let driver: TestUser;
let stationA: { id: string; identity: string };
let stationB: { id: string; identity: string };

const anInput = (name: string, price = '0.39', extra: Record<string, unknown> = {}) => ({
  name,
  currency: 'EUR',
  elements: [{ priceComponents: [{ type: 'ENERGY', price, vat: '19', stepSize: 1 }] }],
  ...extra,
});

async function createAs(user: { accessToken: string }, input: Record<string, unknown>): Promise<Tariff> {
  return dataOf(await app.gqlAs<{ createTariff: Tariff }>(user.accessToken, CREATE, { input })).createTariff;
}

function errorOf(res: GqlResponse<unknown>) {
  expect(res.errors, JSON.stringify(res)).toHaveLength(1);
  return res.errors![0]!.extensions as { code: string; field?: string };
}

async function priceAt(identity: string, connectorId: number, credential: string | null = null) {
  return dataOf(await app.gqlAs<{ priceAt: { currency: string | null; summary: string; tariff: { id: string } | null } }>(credential, PRICE_AT, { s: identity, c: connectorId })).priceAt;
}

async function tariffNamesOf(organisationId: string): Promise<string[]> {
  const res = await app.gql<{ tariffs: { edges: { node: { name: string } }[] } }>(LIST, { f: { organisationId } });
  return dataOf(res).tariffs.edges.map((e) => e.node.name);
}

beforeAll(async () => {
  // Our OCPI party is the example's, so an imported example reads back field for field.
  app = await startTestApp({ OCPI_COUNTRY_CODE: 'DE', OCPI_PARTY_ID: 'ALL' });
  operatorA = await anOperator(app);
  operatorB = await anOperator(app);
  driver = await aDriver(app);
  stationA = await aStation(app, { organisationId: operatorA.organisationId });
  stationB = await aStation(app, { organisationId: operatorB.organisationId });
});
afterAll(() => app?.stop());

describe('creating and importing', () => {
  it('an operator creates a tariff for their organisation: version 1, exposed as OCPI with our id and party', async () => {
    const t = await createAs(operatorA, anInput('Standard A', '0.390', { minPrice: { exclVat: '1.00', inclVat: '1.19' } }));
    expect(t).toMatchObject({ name: 'Standard A', organisationId: operatorA.organisationId, currency: 'EUR', version: 1 });
    expect(t.elements).toEqual([{ priceComponents: [{ type: 'ENERGY', price: '0.39', vat: '19', stepSize: 1 }], restrictions: null }]);
    expect(t.minPrice).toEqual({ exclVat: '1', inclVat: '1.19' });
    expect(t.summary).toContain('0.4641 EUR/kWh'); // 0.39 + 19 % VAT: drivers are shown what they pay
    expect(t.ocpi).toEqual({
      country_code: 'DE',
      party_id: 'ALL',
      id: t.id,
      currency: 'EUR',
      min_price: { excl_vat: 1, incl_vat: 1.19 },
      elements: [{ price_components: [{ type: 'ENERGY', price: 0.39, vat: 19, step_size: 1 }] }],
      // The version's own creation instant (the tariff row is written a moment before it).
      last_updated: expect.any(String),
    });
    expect(Math.abs(Date.parse(String(t.ocpi.last_updated)) - Date.parse(String(t.createdAt)))).toBeLessThan(1000);
  });

  it('an OCPI 2.2.1 Tariff imports as is and reads back equal on every field we keep', async () => {
    const t = dataOf(await app.gqlAs<{ importOcpiTariff: Tariff }>(operatorA.accessToken, IMPORT, { ocpi: COMPLEX_OCPI_TARIFF })).importOcpiTariff;
    expect(t.organisationId).toBe(operatorA.organisationId);
    expect(t.ocpi).toEqual({ ...COMPLEX_OCPI_TARIFF, id: t.id, last_updated: expect.any(String) });
    expect(new Date(t.ocpi.last_updated as string).getTime()).toBeGreaterThan(Date.now() - 60_000);
    // The typed view of the same version: decimals as strings, the night band wrapping midnight.
    const elements = t.elements as { priceComponents: { price: string }[]; restrictions: Record<string, unknown> | null }[];
    expect(elements[6]).toMatchObject({ priceComponents: [{ price: '0.1875' }], restrictions: { startTime: '23:00', endTime: '07:00' } });
    expect(elements[7]!.restrictions).toMatchObject({ minKwh: '0', maxKwh: '20.5' });
    // And read again later, not just as the mutation answered.
    const again = dataOf(await app.gqlAs<{ tariff: { id: string } & Record<string, unknown> }>(operatorA.accessToken, `query($id: ID!) { tariff(id: $id) { ocpi } }`, { id: t.id })).tariff;
    expect(again.ocpi).toEqual(t.ocpi);
  });

  it('an admin may make a platform tariff (no organisation)', async () => {
    const t = dataOf(await app.gql<{ createTariff: Tariff }>(CREATE, { input: anInput('Platform') })).createTariff;
    expect(t.organisationId).toBeNull();
  });
});

describe('bad input is BAD_USER_INPUT naming the field, and nothing is saved', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['negative price', anInput('Bad 1', '-0.10'), 'elements[0].priceComponents[0].price'],
    ['unknown currency', { ...anInput('Bad 2'), currency: 'EUX' }, 'currency'],
    [
      'min_kwh above max_kwh',
      { ...anInput('Bad 3'), elements: [{ priceComponents: [{ type: 'ENERGY', price: '0.3', stepSize: 1 }], restrictions: { minKwh: '50', maxKwh: '10' } }] },
      'elements[0].restrictions.maxKwh',
    ],
    [
      'a band that starts where it ends',
      { ...anInput('Bad 4'), elements: [{ priceComponents: [{ type: 'TIME', price: '1', stepSize: 60 }], restrictions: { startTime: '08:00', endTime: '08:00' } }] },
      'elements[0].restrictions.endTime',
    ],
    ['min price above max price', { ...anInput('Bad 5'), minPrice: { exclVat: '10' }, maxPrice: { exclVat: '5' } }, 'maxPrice.exclVat'],
  ])('createTariff with %s', async (_name, input, field) => {
    const res = await app.gqlAs(operatorA.accessToken, CREATE, { input });
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await tariffNamesOf(operatorA.organisationId)).not.toContain(input.name);
  });

  it.each<[string, unknown, string]>([
    ['not an object', 'EUR 0.39/kWh', 'ocpi'],
    ['a list', [COMPLEX_OCPI_TARIFF], 'ocpi'],
    ['a price as a string', { ...COMPLEX_OCPI_TARIFF, elements: [{ price_components: [{ type: 'ENERGY', price: '0.39', step_size: 1 }] }] }, 'elements[0].price_components[0].price'],
    ['a field OCPI does not have', { ...COMPLEX_OCPI_TARIFF, tarif_alt_text: [] }, 'tarif_alt_text'],
    ['no elements', { ...COMPLEX_OCPI_TARIFF, elements: [] }, 'elements'],
  ])('importOcpiTariff with %s', async (_name, ocpi, field) => {
    const before = await tariffNamesOf(operatorB.organisationId);
    const res = await app.gqlAs(operatorB.accessToken, IMPORT, { ocpi });
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await tariffNamesOf(operatorB.organisationId)).toEqual(before);
  });
});

describe('editing makes a new version', () => {
  it('version 2 for new sessions; version 1 stays as it was, and prices a session that started under it', async () => {
    const v1 = await createAs(operatorA, anInput('Versioned'));
    dataOf(await app.gqlAs(operatorA.accessToken, ASSIGN, { input: { tariffId: v1.id, stationIdentity: stationA.identity, connectorId: 3 } }));
    const startedUnderV1 = new Date();
    await new Promise((r) => setTimeout(r, 20));

    const v2 = dataOf(await app.gqlAs<{ updateTariff: Tariff }>(operatorA.accessToken, UPDATE, { input: { id: v1.id, ...anInput('Versioned', '0.59') } })).updateTariff;
    expect(v2).toMatchObject({ id: v1.id, version: 2 });
    expect(v2.versionId).not.toBe(v1.versionId);
    expect(v2.elements).toEqual([{ priceComponents: [{ type: 'ENERGY', price: '0.59', vat: '19', stepSize: 1 }], restrictions: null }]);

    const lookup = app.services.tariffs;
    expect((await lookup.version(v1.versionId))?.definition.elements[0]!.price_components[0]!.price).toBe('0.39');
    expect((await lookup.version(v2.versionId))?.version).toBe(2);
    // Now: version 2. A transaction the charger reports late, started before the edit: version 1.
    expect((await lookup.forSession(stationA.id, 3, null, new Date()))?.versionId).toBe(v2.versionId);
    expect((await lookup.forSession(stationA.id, 3, null, startedUnderV1))?.versionId).toBe(v1.versionId);
    expect((await priceAt(stationA.identity, 3)).tariff?.id).toBe(v1.id);
  });

  it('a bad edit changes nothing', async () => {
    const t = await createAs(operatorA, anInput('Stays'));
    const res = await app.gqlAs(operatorA.accessToken, UPDATE, { input: { id: t.id, ...anInput('Stays', '-1') } });
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'elements[0].priceComponents[0].price' });
    expect(dataOf(await app.gql(GET, { id: t.id })).tariff.version).toBe(1);
  });
});

describe('assignment and the price before charging', () => {
  it('a connector overrides its station, which overrides the organisation default; unassigning falls back in order', async () => {
    const station = await aStation(app, { organisationId: operatorB.organisationId });
    const [orgDefault, stationWide, connector2] = [
      await createAs(operatorB, anInput('B default', '0.30')),
      await createAs(operatorB, anInput('B station', '0.40')),
      await createAs(operatorB, anInput('B connector', '0.50')),
    ];
    const assign = async (input: Record<string, unknown>) =>
      dataOf(await app.gqlAs<{ assignTariff: Record<string, unknown> }>(operatorB.accessToken, ASSIGN, { input })).assignTariff;
    const unassign = async (input: Record<string, unknown>) =>
      dataOf(await app.gqlAs<{ unassignTariff: boolean }>(operatorB.accessToken, UNASSIGN, { input })).unassignTariff;
    const tariffAt = async (c: number) => (await priceAt(station.identity, c))?.tariff?.id ?? null;

    expect(await tariffAt(1)).toBeNull();
    expect(await assign({ tariffId: orgDefault.id })).toMatchObject({
      tariff: { id: orgDefault.id },
      stationIdentity: null,
      connectorId: null,
      organisationId: operatorB.organisationId,
    });
    expect([await tariffAt(1), await tariffAt(2)]).toEqual([orgDefault.id, orgDefault.id]);

    expect(await assign({ tariffId: stationWide.id, stationIdentity: station.identity })).toMatchObject({ stationIdentity: station.identity, connectorId: null });
    expect([await tariffAt(1), await tariffAt(2)]).toEqual([stationWide.id, stationWide.id]);

    await assign({ tariffId: connector2.id, stationIdentity: station.identity, connectorId: 2 });
    expect([await tariffAt(1), await tariffAt(2)]).toEqual([stationWide.id, connector2.id]);
    // Another station of the organisation still has the default.
    expect((await priceAt(stationB.identity, 1)).tariff?.id).toBe(orgDefault.id);

    const assignments = dataOf(await app.gqlAs(operatorB.accessToken, GET, { id: connector2.id })).tariff.assignments;
    expect(assignments).toEqual([{ stationIdentity: station.identity, connectorId: 2, organisationId: operatorB.organisationId }]);

    // Reassigning a slot replaces its tariff.
    await assign({ tariffId: orgDefault.id, stationIdentity: station.identity, connectorId: 2 });
    expect(await tariffAt(2)).toBe(orgDefault.id);
    await assign({ tariffId: connector2.id, stationIdentity: station.identity, connectorId: 2 });

    expect(await unassign({ stationIdentity: station.identity, connectorId: 2 })).toBe(true);
    expect(await tariffAt(2)).toBe(stationWide.id);
    expect(await unassign({ stationIdentity: station.identity, connectorId: 2 })).toBe(false);
    expect(await unassign({ stationIdentity: station.identity })).toBe(true);
    expect(await tariffAt(2)).toBe(orgDefault.id);
    expect(await unassign({})).toBe(true);
    expect(await priceAt(station.identity, 2)).toMatchObject({ currency: null, tariff: null });
  });

  it('anyone may ask the price, logged in or not; an unknown station is NOT_FOUND', async () => {
    const t = await createAs(operatorA, anInput('Public', '0.45'));
    dataOf(await app.gqlAs(operatorA.accessToken, ASSIGN, { input: { tariffId: t.id, stationIdentity: stationA.identity } }));
    for (const credential of [null, driver.accessToken, operatorB.accessToken]) {
      const info = await priceAt(stationA.identity, 1, credential);
      expect(info).toMatchObject({ currency: 'EUR', tariff: { id: t.id, currency: 'EUR', elements: [{ priceComponents: [{ price: '0.45' }] }] } });
      expect(info.summary).toContain('0.5355 EUR/kWh'); // 0.45 + 19 % VAT
    }
    expect(errorOf(await app.gqlAs(null, PRICE_AT, { s: 'NO-SUCH-STATION', c: 1 })).code).toBe('NOT_FOUND');
    expect(errorOf(await app.gqlAs(null, PRICE_AT, { s: stationA.identity, c: 0 }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'connectorId' });
  });

  it("a driver's plan tariff comes before any assignment", async () => {
    const planTariff = await createAs(operatorA, anInput('Plan', '0.25'));
    const stationTariff = await createAs(operatorA, anInput('Plain', '0.49'));
    dataOf(await app.gqlAs(operatorA.accessToken, ASSIGN, { input: { tariffId: stationTariff.id, stationIdentity: stationA.identity, connectorId: 5 } }));
    const orm = app.database.orm;
    const lookup = new TariffService(orm, new StationRepository(orm, app.database.pool), {
      ocpi: { countryCode: 'DE', partyId: 'ALL' },
      planTariffs: { tariffIdFor: async (userId) => (userId === driver.id ? planTariff.id : null) },
    });
    expect((await lookup.forSession(stationA.id, 5, driver.id, new Date()))?.tariffId).toBe(planTariff.id);
    expect((await lookup.forSession(stationA.id, 5, 'someone-else', new Date()))?.tariffId).toBe(stationTariff.id);
    expect((await lookup.forSession(stationA.id, 5, null, new Date()))?.tariffId).toBe(stationTariff.id);
  });
});

describe('who sees what', () => {
  it("operator B neither sees nor edits nor assigns operator A's tariffs, nor assigns at A's stations", async () => {
    const a = await createAs(operatorA, anInput('A only'));
    const b = await createAs(operatorB, anInput('B only'));
    const asB = (doc: string, vars: Record<string, unknown>) => app.gqlAs(operatorB.accessToken, doc, vars);

    expect(dataOf(await asB(GET, { id: a.id })).tariff).toBeNull();
    const names = dataOf(await asB(LIST, {})).tariffs.edges.map((e: { node: { name: string } }) => e.node.name);
    expect(names).toContain('B only');
    expect(names).not.toContain('A only');
    expect(dataOf(await asB(LIST, { f: { organisationId: operatorA.organisationId } })).tariffs.edges).toEqual([]);
    expect(errorOf(await asB(UPDATE, { input: { id: a.id, ...anInput('A only', '0.01') } })).code).toBe('NOT_FOUND');
    expect(errorOf(await asB(ASSIGN, { input: { tariffId: a.id, stationIdentity: stationB.identity } })).code).toBe('NOT_FOUND');
    expect(errorOf(await asB(ASSIGN, { input: { tariffId: b.id, stationIdentity: stationA.identity } })).code).toBe('NOT_FOUND');
    expect(errorOf(await asB(ASSIGN, { input: { tariffId: b.id, organisationId: operatorA.organisationId } })).code).toBe('FORBIDDEN');
    expect(errorOf(await asB(UNASSIGN, { input: { stationIdentity: stationA.identity } })).code).toBe('NOT_FOUND');
    expect(errorOf(await asB(CREATE, { input: { ...anInput('Sneaky'), organisationId: operatorA.organisationId } })).code).toBe('FORBIDDEN');
    expect(await tariffNamesOf(operatorA.organisationId)).not.toContain('Sneaky');
    // A's tariff is untouched.
    expect(dataOf(await app.gql(GET, { id: a.id })).tariff.version).toBe(1);
  });

  it('an admin sees every organisation\'s tariffs but cannot put one organisation\'s tariff on another\'s station', async () => {
    const a = await createAs(operatorA, anInput('A for admin'));
    expect(dataOf(await app.gql(GET, { id: a.id })).tariff.name).toBe('A for admin');
    expect(errorOf(await app.gql(ASSIGN, { input: { tariffId: a.id, stationIdentity: stationB.identity } }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'tariffId',
    });
  });

  it('drivers may not list tariffs or read one', async () => {
    expect(errorOf(await app.gqlAs(driver.accessToken, LIST, {})).code).toBe('FORBIDDEN');
    expect(errorOf(await app.gqlAs(driver.accessToken, GET, { id: '00000000-0000-4000-8000-000000000000' })).code).toBe('FORBIDDEN');
    expect(errorOf(await app.gqlAs(null, LIST, {})).code).toBe('UNAUTHENTICATED');
  });
});
