import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCharger, type ChargerClient } from '../helpers/charger-client.js';
import { energySample, meterValues, startTransaction, statusNotification, stopTransaction } from '../helpers/ocpp16-messages.js';
import { aDriver, anIdToken, anOperator, anOrganisation, aStation, dataOf, logIn, startTestApp, subscribe, type TestApp } from '../helpers/test-app.js';

// From a charger's session (charger timestamps hours in the past, as from an offline queue) to a
// priced, fixed CDR. Every expected figure below is worked by hand from the tariff.
//
// Tariff (EUR): element 0: ENERGY 0.30/kWh (VAT 20 %, step 1 Wh) and FLAT 1.00 (VAT 20 %);
//               element 1: PARKING_TIME 6.00/h (VAT 20 %, step 60 s).
// Session: 09:00Z start at 1,000 Wh; charging until 10:00Z (SuspendedEV), stop 10:20Z at 16,000 Wh.
//   energy  15.000 kWh x 0.30 = 4.50  VAT 0.90  incl. 5.40
//   flat     1 x 1.00          = 1.00  VAT 0.20  incl. 1.20
//   parking 20 min = 1/3 h x 6.00 = 2.00 VAT 0.40 incl. 2.40   (1,200 s, a multiple of 60)
//   total excl. 7.50, VAT 1.50, incl. 9.00; TIME not priced; total_time 1.333333 h, parking 0.333333 h.

const TARIFF = {
  currency: 'EUR',
  name: 'City AC',
  elements: [
    {
      priceComponents: [
        { type: 'ENERGY', price: '0.30', vat: '20', stepSize: 1 },
        { type: 'FLAT', price: '1.00', vat: '20', stepSize: 1 },
      ],
    },
    { priceComponents: [{ type: 'PARKING_TIME', price: '6.00', vat: '20', stepSize: 60 }] },
  ],
};

const day = '2026-11-10';
const at = (hhmm: string) => `${day}T${hhmm}:00.000Z`;

describe('a session priced into a charge detail record', () => {
  let app: TestApp;
  let org: { id: string };
  let operatorToken: string;
  let station: { id: string; identity: string };
  let charger: ChargerClient;

  beforeAll(async () => {
    // Re-price on every sample, so each event shows the cost after it.
    app = await startTestApp({ LIVE_COST_INTERVAL: '0' });
    org = await anOrganisation(app);
    const op = await anOperator(app, org.id);
    operatorToken = (await logIn(app, op.email, op.password)).accessToken;
    station = await aStation(app, { organisationId: org.id, timeZone: 'Europe/Berlin' });
    const created = dataOf(
      await app.gqlAs(operatorToken, `mutation($i: CreateTariffInput!) { createTariff(input: $i) { id versionId } }`, {
        i: { ...TARIFF, organisationId: org.id },
      }),
    );
    dataOf(
      await app.gqlAs(operatorToken, `mutation($i: AssignTariffInput!) { assignTariff(input: $i) { id } }`, {
        i: { tariffId: created.createTariff.id, stationIdentity: station.identity },
      }),
    );
    charger = await connectCharger(app.ocppUrl, station.identity);
    await charger.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
  });
  afterAll(async () => {
    await charger?.close();
    await app?.stop();
  });

  async function chargeOnce(idTag: string) {
    await charger.call('StatusNotification', statusNotification(1, 'Preparing', { timestamp: at('08:59') }));
    const started = await charger.call('StartTransaction', startTransaction(idTag, { meterStart: 1000, timestamp: at('09:00') }));
    await charger.call('StatusNotification', statusNotification(1, 'Charging', { timestamp: at('09:00') }));
    await charger.call(
      'MeterValues',
      meterValues(started.transactionId, [energySample(8500)], { meterValue: [{ timestamp: at('09:30'), sampledValue: [energySample(8500)] }] }),
    );
    await charger.call(
      'MeterValues',
      meterValues(started.transactionId, [], { meterValue: [{ timestamp: at('10:00'), sampledValue: [energySample(16000)] }] }),
    );
    await charger.call('StatusNotification', statusNotification(1, 'SuspendedEV', { timestamp: at('10:00') }));
    await charger.call('StopTransaction', stopTransaction(started.transactionId, 16000, { timestamp: at('10:20'), reason: 'EVDisconnected' }));
    await charger.call('StatusNotification', statusNotification(1, 'Available', { timestamp: at('10:21') }));
    return started.transactionId as number;
  }

  it('fixes the cost at stop, by the charger\'s own times, with an OCPI CDR and the tariff snapshot', async () => {
    const driver = await aDriver(app);
    const tag = await anIdToken(app, { userId: driver.id });
    const transactionId = await chargeOnce(tag.value);

    const res = dataOf(
      await app.gqlAs(
        operatorToken,
        `query($s: String) { chargingSessions(first: 5, filter: { stationIdentity: $s }) { edges { node {
          transactionId status energyWh
          cost { currency totalExclVat totalVat totalInclVat final lines { kind quantity unit unitPrice vatRate exclVat vat inclVat } }
          cdr
        } } } }`,
        { s: station.identity },
      ),
    );
    const session = res.chargingSessions.edges.map((e: any) => e.node).find((n: any) => n.transactionId === transactionId);
    expect(session.status).toBe('COMPLETED');
    expect(session.energyWh).toBe(15000);
    expect(session.cost).toMatchObject({ currency: 'EUR', totalExclVat: '7.50', totalVat: '1.50', totalInclVat: '9.00', final: true });
    const byKind = Object.fromEntries(session.cost.lines.map((l: any) => [l.kind, l]));
    expect(byKind.ENERGY).toMatchObject({ exclVat: '4.50', vat: '0.90', inclVat: '5.40', vatRate: '20' });
    expect(byKind.FLAT).toMatchObject({ exclVat: '1.00', vat: '0.20', inclVat: '1.20' });
    expect(byKind.PARKING_TIME).toMatchObject({ exclVat: '2.00', vat: '0.40', inclVat: '2.40' });
    expect(byKind.TIME).toBeUndefined();

    const cdr = session.cdr;
    expect(cdr).toMatchObject({
      currency: 'EUR',
      start_date_time: at('09:00'),
      end_date_time: at('10:20'),
      total_cost: { excl_vat: 7.5, incl_vat: 9 },
      total_energy: 15,
      total_parking_time: expect.closeTo(1 / 3, 5),
      total_time: expect.closeTo(4 / 3, 5),
      total_energy_cost: { excl_vat: 4.5, incl_vat: 5.4 },
      total_fixed_cost: { excl_vat: 1, incl_vat: 1.2 },
      total_parking_cost: { excl_vat: 2, incl_vat: 2.4 },
      credit: false,
    });
    expect(cdr.tariffs).toHaveLength(1);
    expect(cdr.tariffs[0]).toMatchObject({ currency: 'EUR' });
    expect(cdr.charging_periods.length).toBeGreaterThanOrEqual(2);
    expect(cdr.cdr_location).toMatchObject({ id: station.identity, connector_id: '1' });

    // The driver sees it too; another operator does not.
    const driverToken = (await logIn(app, driver.email, driver.password)).accessToken;
    const mine = dataOf(await app.gqlAs(driverToken, `{ cdrs(first: 10) { edges { node { transactionId totalInclVat kind } } } }`));
    expect(mine.cdrs.edges.map((e: any) => e.node)).toEqual([{ transactionId, totalInclVat: '9.00', kind: 'SESSION' }]);
    const other = await anOperator(app, (await anOrganisation(app)).id);
    const otherToken = (await logIn(app, other.email, other.password)).accessToken;
    expect(dataOf(await app.gqlAs(otherToken, `{ cdrs(first: 10) { edges { node { id } } } }`)).cdrs.edges).toEqual([]);
  });

  it('keeps pricing a running session by the version it started with, and corrects a record only by a credit', async () => {
    const tag = await anIdToken(app);
    const sub = await subscribe(
      app.url,
      `subscription($s: String) { chargingSessionUpdated(stationIdentity: $s) { transactionId status cost { totalInclVat final } } }`,
      { s: station.identity },
    );
    const transactionId = await chargeOnce(tag.value);
    const stopped = await sub.next((e) => e.chargingSessionUpdated.transactionId === transactionId && e.chargingSessionUpdated.status === 'COMPLETED');
    expect(stopped.chargingSessionUpdated.cost).toEqual({ totalInclVat: '9.00', final: true });
    await sub.close();

    const list = dataOf(await app.gql(`query { cdrs(first: 20) { edges { node { id transactionId totalInclVat } } } }`, {}));
    const record = list.cdrs.edges.map((e: any) => e.node).find((n: any) => n.transactionId === transactionId);
    const credited = dataOf(
      await app.gql(`mutation($i: CreditCdrInput!) { creditCdr(input: $i) { kind creditsCdrId totalInclVat ocpi } }`, {
        i: { cdrId: record.id, reason: 'charger reported a wrong register' },
      }),
    ).creditCdr;
    expect(credited).toMatchObject({ kind: 'CREDIT', creditsCdrId: record.id, totalInclVat: '-9.00' });
    expect(credited.ocpi).toMatchObject({ credit: true, credit_reference_id: record.id, total_cost: { excl_vat: -7.5, incl_vat: -9 } });
    const again = await app.gql(`mutation($i: CreditCdrInput!) { creditCdr(input: $i) { id } }`, { i: { cdrId: record.id, reason: 'twice' } });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    // The original is unchanged.
    const original = dataOf(await app.gql(`query($id: ID!) { cdr(id: $id) { totalInclVat kind } }`, { id: record.id })).cdr;
    expect(original).toEqual({ totalInclVat: '9.00', kind: 'SESSION' });
  });

  it('shows the running cost on every meter update and on the session while charging', async () => {
    const tag = await anIdToken(app);
    const sub = await subscribe(
      app.url,
      `subscription($s: String) { chargingSessionUpdated(stationIdentity: $s) { transactionId status energyWh cost { totalExclVat totalInclVat final } } }`,
      { s: station.identity },
    );
    const t0 = Date.now() - 10 * 60_000;
    const iso = (ms: number) => new Date(t0 + ms).toISOString();
    const started = await charger.call('StartTransaction', startTransaction(tag.value, { meterStart: 20_000, timestamp: iso(0) }));
    await charger.call('StatusNotification', statusNotification(1, 'Charging', { timestamp: iso(0) }));
    const first = await sub.next((e) => e.chargingSessionUpdated.transactionId === started.transactionId);
    // Only the flat fee so far: 1.00 + 20 % = 1.20.
    expect(first.chargingSessionUpdated.cost).toEqual({ totalExclVat: '1.00', totalInclVat: '1.20', final: false });

    await charger.call(
      'MeterValues',
      meterValues(started.transactionId, [], { meterValue: [{ timestamp: iso(5 * 60_000), sampledValue: [energySample(25_000)] }] }),
    );
    // 5 kWh x 0.30 = 1.50, + flat 1.00 = 2.50 excl.; + 20 % = 3.00.
    const metered = await sub.next((e) => e.chargingSessionUpdated.transactionId === started.transactionId && e.chargingSessionUpdated.energyWh === 5000);
    expect(metered.chargingSessionUpdated.cost).toEqual({ totalExclVat: '2.50', totalInclVat: '3.00', final: false });
    const queried = dataOf(
      await app.gql(`query($s: String) { chargingSessions(first: 1, filter: { active: true, stationIdentity: $s }) { edges { node { transactionId cost { totalInclVat final } } } } }`, { s: station.identity }),
    );
    expect(queried.chargingSessions.edges[0].node).toEqual({ transactionId: started.transactionId, cost: { totalInclVat: '3.00', final: false } });
    await sub.close();
    await charger.call('StopTransaction', stopTransaction(started.transactionId, 25_000, { timestamp: iso(6 * 60_000) }));
  });
});
