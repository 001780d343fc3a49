import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCharger } from '../helpers/charger-client.js';
import {
  bootNotification,
  energySample,
  meterValues,
  startTransaction,
  statusNotification,
  stopTransaction,
} from '../helpers/ocpp16-messages.js';
import { aStation, anIdToken, dataOf, startTestApp, subscribe, type TestApp } from '../helpers/test-app.js';

// The whole first slice, as an operator and a charger meet it: register, connect, boot,
// status, authorize, charge with meter values, stop; read it back and watch it live.
describe('a charging session end to end', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  it('lands in PostgreSQL, reads back through GraphQL and streams over graphql-ws', async () => {
    const station = await aStation(app, { address: 'Main St 1', latitude: 52.52, longitude: 13.405, timeZone: 'Europe/Berlin' });
    const tag = await anIdToken(app);

    const statusSub = await subscribe(app.url, `subscription($s: String) { stationStatusChanged(stationIdentity: $s) { kind stationIdentity connectorId status errorCode online } }`, { s: station.identity });
    const meterSub = await subscribe(app.url, `subscription($s: String) { meterValuesReceived(stationIdentity: $s) { stationIdentity transactionId sessionId sessionEnergyWh samples { measurand value unit } } }`, { s: station.identity });
    const sessionSub = await subscribe(app.url, `subscription { chargingSessionUpdated { transactionId stationIdentity status energyWh } }`);

    const charger = await connectCharger(app.ocppUrl, station.identity);
    expect((await statusSub.next((e) => e.stationStatusChanged.kind === 'CONNECTION')).stationStatusChanged.online).toBe(true);

    const boot = await charger.call('BootNotification', bootNotification());
    expect(boot).toMatchObject({ status: 'Accepted', interval: 300 });
    expect(Date.parse(boot.currentTime)).not.toBeNaN();
    expect(await charger.call('Heartbeat', {})).toHaveProperty('currentTime');

    await charger.call('StatusNotification', statusNotification(0, 'Available'));
    await charger.call('StatusNotification', statusNotification(1, 'Preparing'));
    const statusEvent = await statusSub.next((e) => e.stationStatusChanged.connectorId === 1);
    expect(statusEvent.stationStatusChanged).toMatchObject({ status: 'PREPARING', errorCode: 'NO_ERROR' });

    expect(await charger.call('Authorize', { idTag: tag.value })).toEqual({ idTagInfo: { status: 'Accepted' } });
    const started = await charger.call('StartTransaction', startTransaction(tag.value, { meterStart: 12_000 }));
    expect(started.idTagInfo.status).toBe('Accepted');
    expect(Number.isInteger(started.transactionId)).toBe(true);
    await charger.call('StatusNotification', statusNotification(1, 'Charging'));

    await charger.call('MeterValues', meterValues(started.transactionId, [
      energySample(12_500),
      { value: '7200', measurand: 'Power.Active.Import', unit: 'W' },
      { value: '16.1', measurand: 'Current.Import', unit: 'A', phase: 'L1' },
      { value: '55', measurand: 'SoC', unit: 'Percent', location: 'EV' },
    ]));
    const live = await meterSub.next();
    expect(live.meterValuesReceived).toMatchObject({ transactionId: started.transactionId, sessionEnergyWh: 500 });
    expect(live.meterValuesReceived.samples).toHaveLength(4);

    await charger.call('MeterValues', meterValues(started.transactionId, [energySample('13.1', { unit: 'kWh' })]));
    const stopped = await charger.call('StopTransaction', stopTransaction(started.transactionId, 13_400, { idTag: tag.value, reason: 'EVDisconnected' }));
    expect(stopped).toEqual({ idTagInfo: { status: 'Accepted' } });

    const sessionEvents = [
      await sessionSub.next((e) => e.chargingSessionUpdated.status === 'ACTIVE' && e.chargingSessionUpdated.transactionId === started.transactionId),
      await sessionSub.next((e) => e.chargingSessionUpdated.status === 'COMPLETED' && e.chargingSessionUpdated.transactionId === started.transactionId),
    ];
    expect(sessionEvents[1].chargingSessionUpdated.energyWh).toBe(1400);

    const read = dataOf(
      await app.gql(
        `query($s: String!) {
          station(identity: $s) {
            identity online vendor model serialNumber firmwareVersion latitude timeZone lastBootAt lastHeartbeatAt
            connectors { connectorId status errorCode updatedAt }
          }
          chargingSessions(first: 5, filter: { stationIdentity: $s }) {
            edges { node {
              id transactionId stationIdentity connectorId idTag status stopReason startedAt stoppedAt
              meterStartWh meterStopWh energyWh idToken { value } station { identity }
              meterSamples { measurand value unit phase location context }
            } }
          }
        }`,
        { s: station.identity },
      ),
    ) as any;
    expect(read.station).toMatchObject({
      identity: station.identity,
      online: true,
      vendor: 'Voltline Labs',
      model: 'VL-22',
      serialNumber: 'SN-0001',
      firmwareVersion: '1.2.3',
      latitude: 52.52,
      timeZone: 'Europe/Berlin',
    });
    expect(read.station.connectors.map((c: any) => [c.connectorId, c.status])).toEqual([
      [0, 'AVAILABLE'],
      [1, 'CHARGING'],
    ]);
    const [session] = read.chargingSessions.edges.map((e: any) => e.node);
    expect(session).toMatchObject({
      transactionId: started.transactionId,
      stationIdentity: station.identity,
      connectorId: 1,
      idTag: tag.value,
      status: 'COMPLETED',
      stopReason: 'EV_DISCONNECTED',
      meterStartWh: 12_000,
      meterStopWh: 13_400,
      energyWh: 1400,
      idToken: { value: tag.value },
      station: { identity: station.identity },
    });
    expect(session.meterSamples.map((s: any) => s.measurand)).toEqual([
      'Energy.Active.Import.Register',
      'Power.Active.Import',
      'Current.Import',
      'SoC',
      'Energy.Active.Import.Register',
    ]);
    expect(session.meterSamples[2]).toMatchObject({ phase: 'L1', unit: 'A' });
    expect(session.meterSamples[3]).toMatchObject({ location: 'EV', unit: 'Percent' });

    const single = dataOf(await app.gql(`query($id: ID!) { chargingSession(id: $id) { transactionId energyWh durationSeconds } }`, { id: session.id })) as any;
    expect(single.chargingSession).toMatchObject({ transactionId: started.transactionId, energyWh: 1400 });

    await charger.close();
    const offline = await statusSub.next((e) => e.stationStatusChanged.kind === 'CONNECTION' && !e.stationStatusChanged.online);
    expect(offline.stationStatusChanged.stationIdentity).toBe(station.identity);
    const after = dataOf(await app.gql(`query($s: String!) { station(identity: $s) { online disconnectedAt lastSeenAt } }`, { s: station.identity })) as any;
    expect(after.station.online).toBe(false);
    expect(after.station.disconnectedAt).not.toBeNull();

    await Promise.all([statusSub.close(), meterSub.close(), sessionSub.close()]);
  });
});
