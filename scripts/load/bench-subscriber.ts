// One graphql-ws client subscribed to meterValuesReceived for every station, measuring how
// long a reading takes from the charger's timestamp to this subscriber.
import { createClient, type Client } from 'graphql-ws';
import { WebSocket } from 'ws';
import { Series } from './stats.js';

const SUBSCRIPTION = /* GraphQL */ `
  subscription BenchMeterValues {
    meterValuesReceived {
      stationIdentity
      transactionId
      sessionEnergyWh
      samples { sampledAt measurand value unit }
      receivedAt
    }
  }
`;

interface MeterValuesEvent {
  stationIdentity: string;
  transactionId: number | null;
  sessionEnergyWh: number | null;
  samples: { sampledAt: string; measurand: string; value: string; unit: string | null }[];
  receivedAt: string;
}

export interface SubscriberResults {
  /** Events of the bench's stations. */
  events: number;
  /** Events of other stations (ignored for latency). */
  otherEvents: number;
  /** Receive time here minus the sample timestamp the charger set (ms). */
  delivery: Float64Array;
  /** The server's receivedAt minus the sample timestamp: charger -> server part (ms). */
  toServer: Float64Array;
  /** Receive time here minus the server's receivedAt: store + publish + deliver part (ms). */
  fromServer: Float64Array;
  errors: Record<string, number>;
}

export class Subscriber {
  private client: Client | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly delivery = new Series(65536);
  private readonly toServer = new Series(65536);
  private readonly fromServer = new Series(65536);
  private events = 0;
  private otherEvents = 0;
  private lastEventAt = 0;
  private readonly errors: Record<string, number> = {};
  private stopping = false;

  constructor(
    private readonly url: string,
    private readonly identityPrefix: string,
    private readonly token?: string,
  ) {}

  private count(kind: string): void {
    this.errors[kind] = (this.errors[kind] ?? 0) + 1;
  }

  /** Connects and subscribes; resolves once the server acknowledged the connection. */
  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.client = createClient({
        url: this.url,
        webSocketImpl: WebSocket,
        lazy: false,
        retryAttempts: 0,
        connectionParams: this.token ? { authorization: `Bearer ${this.token}` } : undefined,
        // The default prints the CloseEvent to the console when the server goes away.
        onNonLazyError: () => {},
        on: {
          connected: () => resolve(),
          closed: (event) => {
            if (!this.stopping) this.count(`subscription socket closed (${(event as { code?: number })?.code ?? '?'})`);
          },
          error: (error) => {
            this.count(`subscription socket error: ${error instanceof Error ? error.message : String((error as { type?: string })?.type ?? error)}`);
            reject(error instanceof Error ? error : new Error('graphql-ws connection failed'));
          },
        },
      });
      this.unsubscribe = this.client.subscribe<{ meterValuesReceived: MeterValuesEvent }>(
        { query: SUBSCRIPTION },
        {
          next: (result) => this.onEvent(result.data?.meterValuesReceived, result.errors),
          error: (error) => {
            if (!this.stopping) this.count(`subscription error: ${error instanceof Error ? error.message : JSON.stringify(error).slice(0, 120)}`);
          },
          complete: () => {
            if (!this.stopping) this.count('subscription completed early');
          },
        },
      );
    });
    // The subscribe message follows connection_ack; give the server a moment to register it.
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  private onEvent(event: MeterValuesEvent | undefined, errors: readonly unknown[] | undefined): void {
    const now = Date.now();
    if (errors?.length) this.count(`subscription event error: ${String((errors[0] as { message?: string }).message).slice(0, 120)}`);
    if (!event) return;
    if (!event.stationIdentity.startsWith(this.identityPrefix)) {
      this.otherEvents++;
      return;
    }
    this.events++;
    this.lastEventAt = now;
    const sampledAt = Date.parse(event.samples[0]?.sampledAt ?? '');
    const receivedAt = Date.parse(event.receivedAt);
    if (Number.isFinite(sampledAt)) this.delivery.push(now - sampledAt);
    if (Number.isFinite(sampledAt) && Number.isFinite(receivedAt)) this.toServer.push(receivedAt - sampledAt);
    if (Number.isFinite(receivedAt)) this.fromServer.push(now - receivedAt);
  }

  /** Waits until `expected` events arrived, or none arrived for `idleMs`. */
  async drain(expected: number, idleMs = 3000): Promise<number> {
    const since = Date.now();
    while (this.events < expected) {
      const last = Math.max(this.lastEventAt, since);
      if (Date.now() - last > idleMs) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this.events;
  }

  async stop(): Promise<SubscriberResults> {
    this.stopping = true;
    this.unsubscribe?.();
    await this.client?.dispose();
    return {
      events: this.events,
      otherEvents: this.otherEvents,
      delivery: this.delivery.toArray(),
      toServer: this.toServer.toArray(),
      fromServer: this.fromServer.toArray(),
      errors: { ...this.errors },
    };
  }
}
