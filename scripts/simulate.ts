// Simulates OCPP 1.6J chargers against a running CSMS: registers the stations and one RFID
// tag each through GraphQL, then every charger boots, heartbeats and runs charging sessions
// in a loop until Ctrl-C or --duration.
//
//   npm run simulate -- --stations 3 [--url http://127.0.0.1:4000] [--interval 10] [--duration 0]
import { connectCharger, type ChargerClient, type ChargerClientOptions } from '../test/helpers/charger-client.js';
import { parseFlags } from './load/args.js';
import { ensureIdTokens, ensureStations, loginToken, setBearerToken } from './load/graphql.js';
import {
  AcSession,
  bootNotification,
  ENERGY,
  errorKind,
  isoNow,
  pick,
  randFloat,
  randInt,
  rfidUid,
  statusNotification,
  type ConnectorStatus,
  type SampledValue,
} from './load/ocpp16.js';

const flags = parseFlags(
  process.argv.slice(2),
  {
    stations: { default: 1, integer: true, min: 1, help: 'how many chargers to simulate' },
    url: { default: 'http://127.0.0.1:4000', help: 'base URL of the running CSMS' },
    interval: { default: 10, min: 0.1, help: 'seconds between MeterValues while charging' },
    duration: { default: 0, min: 0, help: 'stop after this many seconds; 0 runs until Ctrl-C' },
    connectors: { default: 2, integer: true, min: 1, help: 'connectors per charger' },
    token: { default: '', help: 'bearer token for the GraphQL API (or CSMS_API_TOKEN)' },
    prefix: { default: 'SIM', help: 'identity prefix: <prefix>-0001, <prefix>-0002, ...' },
    'min-samples': { default: 3, integer: true, min: 1, help: 'fewest MeterValues per session' },
    'max-samples': { default: 12, integer: true, min: 1, help: 'most MeterValues per session' },
  },
  'Usage: npm run simulate -- --stations N [options]',
);

const baseUrl = flags.url.replace(/\/+$/, '');
// Registering stations needs a caller: a token, or the admin account the server was started with.
const { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword } = process.env;
setBearerToken(
  flags.token ||
    process.env.CSMS_API_TOKEN ||
    (adminEmail && adminPassword ? await loginToken(baseUrl, adminEmail, adminPassword) : undefined),
);
const ocppUrl = `${baseUrl.replace(/^http/, 'ws')}/ocpp`;
const width = Math.max(4, String(flags.stations).length);
const identityOf = (i: number) => `${flags.prefix}-${String(i + 1).padStart(width, '0')}`;
// One RFID card per charger, as its driver would hold.
const tagOf = (i: number) => rfidUid(`simulate:${flags.prefix}`, i + 1);

const time = () => new Date().toISOString().slice(11, 23);
const say = (line: string) => process.stdout.write(`${time()} ${line}\n`);
const warn = (line: string) => process.stderr.write(`${time()} ${line}\n`);

const stats = { started: 0, stopped: 0, energyWh: 0, errors: new Map<string, number>() };
const countError = (kind: string) => stats.errors.set(kind, (stats.errors.get(kind) ?? 0) + 1);

interface Connector {
  id: number;
  registerWh: number;
  status: ConnectorStatus;
}

interface Transaction {
  transactionId: number;
  connector: Connector;
  idTag: string;
  meterStart: number;
  startedAt: string;
  startedMs: number;
  lastAdvanceMs: number;
  ac: AcSession;
  samples: number;
  target: number;
}

type CallErrorReply = { code: string; description: string };
const notImplemented = (action: string): CallErrorReply => ({ code: 'NotImplemented', description: `${action} is not implemented by the simulator` });

/** Keys answered to GetConfiguration; the writable ones can be changed with ChangeConfiguration. */
interface ConfigKey {
  value: string;
  readonly: boolean;
}

class SimulatedCharger {
  private client: ChargerClient | null = null;
  private onlineWaiters: Array<() => void> = [];
  private queue: Promise<unknown> = Promise.resolve();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private wakers = new Set<() => void>();
  private connectors: Connector[];
  private tx: Transaction | null = null;
  private remoteStart: { idTag: string; connectorId: number | null } | null = null;
  private remoteStop = false;
  private resetType: 'Soft' | 'Hard' | null = null;
  private stopping = false;
  private readonly config = new Map<string, ConfigKey>();

  constructor(
    readonly identity: string,
    readonly idTag: string,
    private readonly index: number,
  ) {
    // Each meter has some history: registers start somewhere between 0.5 and 20 MWh.
    this.connectors = Array.from({ length: flags.connectors }, (_, i) => ({
      id: i + 1,
      registerWh: randInt(500_000, 20_000_000),
      status: 'Available' as ConnectorStatus,
    }));
    this.config.set('HeartbeatInterval', { value: '300', readonly: false });
    this.config.set('MeterValueSampleInterval', { value: String(flags.interval), readonly: false });
    this.config.set('MeterValuesSampledData', {
      value: `${ENERGY},Power.Active.Import,Current.Import,Voltage,SoC`,
      readonly: false,
    });
    this.config.set('NumberOfConnectors', { value: String(flags.connectors), readonly: true });
    this.config.set('AuthorizeRemoteTxRequests', { value: 'false', readonly: false });
    this.config.set('ConnectionTimeOut', { value: '60', readonly: false });
    this.config.set('SupportedFeatureProfiles', { value: 'Core,RemoteTrigger', readonly: true });
  }

  private get meterIntervalMs(): number {
    return Math.max(100, Number(this.config.get('MeterValueSampleInterval')!.value) * 1000);
  }

  /** Connect, then run sessions until stop(); stops a running transaction on the way out. */
  async run(): Promise<void> {
    await this.connect();
    while (!this.stopping) {
      if (this.resetType) {
        await this.reboot();
        continue;
      }
      if (!this.remoteStart) await this.sleep(randFloat(1, 3) * this.meterIntervalMs);
      if (this.stopping) break;
      if (this.resetType) continue;
      try {
        await this.session();
      } catch (error) {
        countError(errorKind(error));
        warn(`${this.identity} session failed: ${errorKind(error)}`);
        await this.sleep(this.meterIntervalMs);
      }
    }
    this.clearHeartbeat();
    const client = this.client;
    this.client = null;
    await client?.close(1000);
  }

  stop(): void {
    this.stopping = true;
    this.wakeAll();
    this.releaseOnlineWaiters();
  }

  // ---- connection ------------------------------------------------------------------

  private async connect(): Promise<void> {
    let backoffMs = 1000;
    let lastError = '';
    while (!this.stopping) {
      let client: ChargerClient | undefined;
      try {
        client = await connectCharger(ocppUrl, this.identity, {
          protocol: 'ocpp1.6',
          onCall: (action, payload) => this.onCall(action, payload),
          callTimeoutMs: 30_000,
        } satisfies ChargerClientOptions);
        client.ws.on('error', (error) => countError(`socket error ${(error as { code?: string }).code ?? error.message}`));
        await this.boot(client);
        if (this.stopping) {
          await client.close(1000);
          return;
        }
        this.client = client;
        this.releaseOnlineWaiters();
        this.startHeartbeat();
        void client.closed.then(({ code, reason }) => this.onClosed(client!, code, reason));
        return;
      } catch (error) {
        await client?.close(1000).catch(() => {});
        const kind = errorKind(error);
        if (kind !== lastError) warn(`${this.identity} cannot connect (${kind}); retrying with backoff`);
        lastError = kind;
        countError(`connect: ${kind}`);
        await this.sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 30_000);
      }
    }
  }

  private onClosed(client: ChargerClient, code: number, reason: string): void {
    if (this.client !== client) return; // closed on purpose (reboot, shutdown)
    this.client = null;
    this.clearHeartbeat();
    if (this.stopping) return;
    warn(`${this.identity} connection lost (${code}${reason ? ` ${reason}` : ''}); reconnecting`);
    countError(`connection lost ${code}`);
    void this.connect();
  }

  /** BootNotification until Accepted (Pending/Rejected retry after the interval), then the statuses. */
  private async boot(client: ChargerClient): Promise<void> {
    const payload = bootNotification({
      vendor: 'Voltline Sim',
      model: this.index % 3 === 0 ? 'VL-AC22-DUO' : 'VL-AC11-DUO',
      serial: `VLS${this.identity.replace(/[^A-Za-z0-9]/g, '')}`,
      firmware: '1.6.4-sim',
    });
    for (;;) {
      const res = (await client.call('BootNotification', payload)) as { status: string; interval: number };
      if (res.status === 'Accepted') {
        if (res.interval > 0) this.config.get('HeartbeatInterval')!.value = String(res.interval);
        break;
      }
      warn(`${this.identity} boot ${res.status}; retrying in ${res.interval || 10} s`);
      await this.sleep((res.interval || 10) * 1000);
      if (this.stopping) return;
    }
    await client.call('StatusNotification', statusNotification(0, 'Available'));
    for (const c of this.connectors) await client.call('StatusNotification', statusNotification(c.id, c.status));
  }

  private async reboot(): Promise<void> {
    const type = this.resetType;
    this.resetType = null;
    say(`${this.identity} ${type} reset: rebooting`);
    this.clearHeartbeat();
    const client = this.client;
    this.client = null;
    await client?.close(1000);
    await this.sleep(type === 'Hard' ? 3000 : 1000);
    await this.connect();
  }

  private startHeartbeat(): void {
    this.clearHeartbeat();
    const seconds = Number(this.config.get('HeartbeatInterval')!.value);
    if (!(seconds > 0)) return;
    this.heartbeatTimer = setInterval(() => {
      if (!this.client) return;
      this.call('Heartbeat', {}, { waitForConnection: false }).catch((error) => countError(`Heartbeat: ${errorKind(error)}`));
    }, seconds * 1000);
  }

  private clearHeartbeat(): void {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  private releaseOnlineWaiters(): void {
    const waiters = this.onlineWaiters;
    this.onlineWaiters = [];
    for (const w of waiters) w();
  }

  /**
   * One CALL at a time per charger (OCPP-J), in order. Transaction messages wait for the
   * connection while it is down and are retried after a reconnect, as a real charger does.
   */
  private call(action: string, payload: unknown, options: { waitForConnection?: boolean } = {}): Promise<any> {
    const waitForConnection = options.waitForConnection ?? true;
    const run = async (): Promise<unknown> => {
      for (;;) {
        const client = this.client;
        if (!client) {
          if (!waitForConnection || this.stopping) throw new Error('Socket is not open');
          await new Promise<void>((resolve) => this.onlineWaiters.push(resolve));
          continue;
        }
        try {
          return await client.call(action, payload);
        } catch (error) {
          const kind = errorKind(error);
          const lost = kind === 'socket closed before answer' || kind === 'socket not open';
          if (lost && waitForConnection && !this.stopping) continue;
          throw error;
        }
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => {});
    return result;
  }

  private async status(connector: Connector, status: ConnectorStatus): Promise<void> {
    connector.status = status;
    await this.call('StatusNotification', statusNotification(connector.id, status));
  }

  // ---- sessions --------------------------------------------------------------------

  private async session(): Promise<void> {
    const remote = this.remoteStart;
    this.remoteStart = null;
    const free = this.connectors.filter((c) => c.status === 'Available');
    const connector = (remote?.connectorId ? free.find((c) => c.id === remote.connectorId) : pick(free)) ?? free[0];
    if (!connector) return;
    const idTag = remote?.idTag ?? this.idTag;

    // Cable plugged in; a local start then waits for the driver's card.
    await this.status(connector, 'Preparing');
    if (!remote) {
      await this.sleep(randFloat(0.5, 2) * 1000);
      if (this.stopping || this.resetType) {
        await this.status(connector, 'Available');
        return;
      }
      const auth = (await this.call('Authorize', { idTag })) as { idTagInfo: { status: string } };
      if (auth.idTagInfo.status !== 'Accepted') {
        say(`${this.identity} tag ${idTag} not accepted (${auth.idTagInfo.status}); driver unplugs`);
        await this.status(connector, 'Available');
        return;
      }
    }

    const ac = new AcSession(connector.registerWh);
    const meterStart = Math.round(connector.registerWh);
    const startedAt = isoNow();
    const res = (await this.call('StartTransaction', { connectorId: connector.id, idTag, meterStart, timestamp: startedAt })) as {
      transactionId: number;
      idTagInfo: { status: string };
    };
    const now = Date.now();
    const tx: Transaction = {
      transactionId: res.transactionId,
      connector,
      idTag,
      meterStart,
      startedAt,
      startedMs: now,
      lastAdvanceMs: now,
      ac,
      samples: 0,
      target: randInt(flags['min-samples'], Math.max(flags['min-samples'], flags['max-samples'])),
    };
    this.tx = tx;
    stats.started++;
    say(
      `${this.identity} tx ${tx.transactionId} started on connector ${connector.id}: tag ${idTag}${remote ? ' (remote)' : ''}, ` +
        `meterStart ${meterStart} Wh, ${(ac.powerW / 1000).toFixed(1)} kW (${ac.phases}x${ac.amps} A), SoC ${ac.soc.toFixed(0)}%`,
    );
    if (res.idTagInfo.status !== 'Accepted') {
      await this.stopTransaction('DeAuthorized');
      return;
    }
    await this.status(connector, 'Charging');

    for (;;) {
      await this.sleep(this.meterIntervalMs);
      const reason = this.interruption();
      if (reason) {
        await this.stopTransaction(reason);
        return;
      }
      this.advance(tx);
      await this.call('MeterValues', {
        connectorId: connector.id,
        transactionId: tx.transactionId,
        meterValue: [{ timestamp: isoNow(), sampledValue: ac.sampledValues('Sample.Periodic') }],
      });
      tx.samples++;
      if (ac.soc >= 100) {
        await this.stopTransaction('EVDisconnected');
        return;
      }
      if (tx.samples >= tx.target) {
        await this.stopTransaction(pick(['Local', 'EVDisconnected'] as const));
        return;
      }
    }
  }

  private interruption(): string | null {
    if (this.stopping) return 'Local';
    if (this.resetType) return this.resetType === 'Hard' ? 'HardReset' : 'SoftReset';
    if (this.remoteStop) {
      this.remoteStop = false;
      return 'Remote';
    }
    return null;
  }

  private advance(tx: Transaction): void {
    const now = Date.now();
    tx.ac.advance((now - tx.lastAdvanceMs) / 1000);
    tx.lastAdvanceMs = now;
    tx.connector.registerWh = tx.ac.registerWh;
  }

  private async stopTransaction(reason: string): Promise<void> {
    const tx = this.tx!;
    this.advance(tx);
    const meterStop = Math.round(tx.ac.registerWh);
    const timestamp = isoNow();
    const begin: SampledValue = { value: String(tx.meterStart), context: 'Transaction.Begin', measurand: ENERGY, location: 'Outlet', unit: 'Wh' };
    const payload: Record<string, unknown> = {
      transactionId: tx.transactionId,
      meterStop,
      timestamp,
      reason,
      transactionData: [
        { timestamp: tx.startedAt, sampledValue: [begin] },
        { timestamp, sampledValue: [tx.ac.registerValue('Transaction.End')] },
      ],
    };
    // A driver who stops locally presents the card again.
    if (reason === 'Local') payload.idTag = tx.idTag;
    try {
      await this.call('StopTransaction', payload);
    } finally {
      this.tx = null;
    }
    const kwh = (meterStop - tx.meterStart) / 1000;
    stats.stopped++;
    stats.energyWh += meterStop - tx.meterStart;
    say(
      `${this.identity} tx ${tx.transactionId} stopped on connector ${tx.connector.id}: ${reason}, ${kwh.toFixed(3)} kWh in ` +
        `${Math.round((Date.now() - tx.startedMs) / 1000)} s, ${tx.samples} MeterValues, meterStop ${meterStop} Wh, SoC ${tx.ac.soc.toFixed(0)}%`,
    );
    await this.status(tx.connector, 'Finishing');
    if (!this.stopping && !this.resetType) await this.sleep(randFloat(1, 3) * 1000); // unplugging
    await this.status(tx.connector, 'Available');
  }

  // ---- CSMS-initiated calls --------------------------------------------------------

  private onCall(action: string, payload: any): unknown {
    switch (action) {
      case 'Reset':
        this.resetType = payload.type === 'Hard' ? 'Hard' : 'Soft';
        setTimeout(() => this.wakeAll(), 50);
        return { status: 'Accepted' };
      case 'RemoteStartTransaction': {
        if (this.tx || this.remoteStart || this.stopping) return { status: 'Rejected' };
        const connectorId = typeof payload.connectorId === 'number' ? payload.connectorId : null;
        const connector = connectorId === null ? this.connectors.find((c) => c.status === 'Available') : this.connectors.find((c) => c.id === connectorId);
        if (!connector || connector.status !== 'Available') return { status: 'Rejected' };
        this.remoteStart = { idTag: String(payload.idTag), connectorId: connector.id };
        this.wakeAll();
        return { status: 'Accepted' };
      }
      case 'RemoteStopTransaction':
        if (!this.tx || this.tx.transactionId !== payload.transactionId) return { status: 'Rejected' };
        this.remoteStop = true;
        this.wakeAll();
        return { status: 'Accepted' };
      case 'ChangeConfiguration': {
        const entry = this.config.get(payload.key);
        if (!entry) return { status: 'NotSupported' };
        if (entry.readonly) return { status: 'Rejected' };
        if ((payload.key === 'HeartbeatInterval' || payload.key === 'MeterValueSampleInterval') && !(Number(payload.value) > 0)) {
          return { status: 'Rejected' };
        }
        entry.value = String(payload.value);
        if (payload.key === 'HeartbeatInterval' && this.client) this.startHeartbeat();
        return { status: 'Accepted' };
      }
      case 'GetConfiguration': {
        const wanted: string[] | undefined = Array.isArray(payload.key) && payload.key.length ? payload.key : undefined;
        const keys = wanted ?? [...this.config.keys()];
        return {
          configurationKey: keys
            .filter((k) => this.config.has(k))
            .map((key) => ({ key, readonly: this.config.get(key)!.readonly, value: this.config.get(key)!.value })),
          unknownKey: keys.filter((k) => !this.config.has(k)),
        };
      }
      case 'ChangeAvailability':
        return { status: this.tx && (payload.connectorId === 0 || payload.connectorId === this.tx.connector.id) ? 'Scheduled' : 'Accepted' };
      case 'UnlockConnector':
        return { status: 'Unlocked' };
      case 'ClearCache':
        return { status: 'Accepted' };
      case 'DataTransfer':
        return { status: 'UnknownVendorId' };
      case 'TriggerMessage':
        return this.trigger(payload.requestedMessage, payload.connectorId);
      default:
        throw notImplemented(action);
    }
  }

  private trigger(message: string, connectorId: number | undefined): { status: string } {
    const send = (fn: () => Promise<unknown>) =>
      setTimeout(() => void fn().catch((error) => countError(`TriggerMessage ${message}: ${errorKind(error)}`)), 20);
    switch (message) {
      case 'Heartbeat':
        send(() => this.call('Heartbeat', {}));
        return { status: 'Accepted' };
      case 'StatusNotification': {
        const targets = connectorId === undefined ? [null, ...this.connectors] : [connectorId === 0 ? null : this.connectors.find((c) => c.id === connectorId)];
        if (targets.some((t) => t === undefined)) return { status: 'Rejected' };
        send(async () => {
          for (const c of targets) await this.call('StatusNotification', statusNotification(c ? c.id : 0, c ? c.status : 'Available'));
        });
        return { status: 'Accepted' };
      }
      case 'MeterValues': {
        const tx = this.tx;
        send(async () => {
          const connector = tx?.connector ?? this.connectors.find((c) => c.id === connectorId) ?? this.connectors[0]!;
          const sampledValue: SampledValue[] = tx
            ? tx.ac.sampledValues('Trigger')
            : [{ value: String(Math.round(connector.registerWh)), context: 'Trigger', measurand: ENERGY, location: 'Outlet', unit: 'Wh' }];
          await this.call('MeterValues', {
            connectorId: connector.id,
            ...(tx ? { transactionId: tx.transactionId } : {}),
            meterValue: [{ timestamp: isoNow(), sampledValue }],
          });
        });
        return { status: 'Accepted' };
      }
      case 'BootNotification':
        send(async () => {
          await this.call('BootNotification', bootNotification({ vendor: 'Voltline Sim', model: 'VL-AC11-DUO', serial: `VLS${this.identity}`, firmware: '1.6.4-sim' }));
        });
        return { status: 'Accepted' };
      default:
        return { status: 'NotImplemented' };
    }
  }

  // ---- timing ----------------------------------------------------------------------

  /** Sleeps `ms`, or less if woken (remote command, reset, shutdown). */
  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  private wakeAll(): void {
    for (const wake of [...this.wakers]) wake();
  }
}

// ---- main --------------------------------------------------------------------------

const identities = Array.from({ length: flags.stations }, (_, i) => identityOf(i));
say(`CSMS ${baseUrl}: registering ${identities.length} station(s) and RFID tags`);
try {
  const s = await ensureStations(
    baseUrl,
    identities.map((identity, i) => ({ identity, name: `Simulated charger ${i + 1}` })),
  );
  const t = await ensureIdTokens(baseUrl, identities.map((_, i) => tagOf(i)));
  say(`stations: ${s.created} created, ${s.existing} already registered; tags: ${t.created} issued, ${t.existing} already known`);
} catch (error) {
  warn(`setup through GraphQL failed: ${error instanceof Error ? error.message : String(error)}`);
  warn(`is the CSMS running at ${baseUrl}?`);
  process.exit(1);
}

const chargers = identities.map((identity, i) => new SimulatedCharger(identity, tagOf(i), i));
// Spread the connects a little, as real chargers never all boot in the same millisecond.
const runs = chargers.map(
  (c, i) =>
    new Promise<void>((resolve) => setTimeout(resolve, Math.min(i * 20, 5000))).then(() =>
      c.run().catch((error) => {
        countError(errorKind(error));
        warn(`${c.identity} stopped with an error: ${errorKind(error)}`);
      }),
    ),
);
say(`${chargers.length} charger(s) connecting to ${ocppUrl}; MeterValues every ${flags.interval} s${flags.duration ? `, for ${flags.duration} s` : ', Ctrl-C to stop'}`);

let shuttingDown = false;
async function shutdown(why: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  say(`${why}: stopping transactions and closing connections`);
  for (const c of chargers) c.stop();
  const force = setTimeout(() => {
    warn('chargers did not stop within 20 s; exiting');
    process.exit(1);
  }, 20_000);
  await Promise.all(runs);
  clearTimeout(force);
  const errors = [...stats.errors.entries()].map(([k, n]) => `${k}: ${n}`).join(', ');
  say(
    `done: ${stats.started} sessions started, ${stats.stopped} stopped, ${(stats.energyWh / 1000).toFixed(2)} kWh delivered` +
      `${errors ? `; errors: ${errors}` : '; no errors'}`,
  );
  process.exit(stats.errors.size ? 1 : 0);
}

process.once('SIGINT', () => {
  process.once('SIGINT', () => process.exit(130));
  void shutdown('Ctrl-C');
});
process.once('SIGTERM', () => void shutdown('SIGTERM'));
if (flags.duration > 0) setTimeout(() => void shutdown(`${flags.duration} s elapsed`), flags.duration * 1000);
