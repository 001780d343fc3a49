import { randomUUID } from 'node:crypto';
import { WebSocket, type RawData } from 'ws';
import type { Logger } from '../logger.js';
import {
  OcppCallError,
  OcppError,
  OcppTimeoutError,
  StationOfflineError,
  wireErrorCode,
} from './ocpp-error.js';
import {
  parseFrame,
  serializeCall,
  serializeCallError,
  serializeCallResult,
  type CallErrorFrame,
  type CallFrame,
  type CallResultFrame,
  type ParseResult,
} from './rpc.js';
import { checkPayloadLimits } from './payload-limits.js';
import { hasAction, validateRequest, validateResponse } from './schema-validator.js';
import type { OcppGateway, StationContext } from './types.js';

export type TransportLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface StationConnectionOptions {
  ws: WebSocket;
  station: StationContext;
  gateway: OcppGateway;
  pingIntervalMs: number;
  /** Default timeout of outbound calls. */
  callTimeoutMs: number;
  logger: TransportLogger;
}

interface OutboundCall {
  id: string;
  action: string;
  payload: unknown;
  timeoutMs: number;
  timer: NodeJS.Timeout | undefined;
  resolve(payload: unknown): void;
  reject(error: Error): void;
}

// How much of a garbage frame ends up in the log.
const LOGGED_FRAME_CHARS = 200;

/**
 * One connected charger: OCPP-J framing, validation, strictly ordered inbound CALLs,
 * one outbound CALL at a time, and ping/pong liveness. Inbound handling starts with
 * `start()`, so the owner can finish its connect bookkeeping first.
 */
export class StationConnection {
  readonly station: StationContext;
  /** Resolves with a human-readable reason once the socket has closed. */
  readonly closed: Promise<string>;

  private readonly ws: WebSocket;
  private readonly gateway: OcppGateway;
  private readonly callTimeoutMs: number;
  private readonly log: TransportLogger;
  private readonly pingTimer: NodeJS.Timeout;

  private readonly inbound: CallFrame[] = [];
  private inboundRunning = false;
  /** The inbound CALL being handled now, so a close can let it finish and answer. */
  private running: Promise<void> | undefined;
  private closing = false;
  private started = false;

  private readonly outbound: OutboundCall[] = [];
  private inFlight: OutboundCall | undefined;

  private lastSeenMs = Date.now();
  private seenSincePing = true;
  private isClosed = false;
  private closeReason: string | undefined;

  constructor(options: StationConnectionOptions) {
    this.ws = options.ws;
    this.station = options.station;
    this.gateway = options.gateway;
    this.callTimeoutMs = options.callTimeoutMs;
    this.log = options.logger;

    this.closed = new Promise((resolve) => {
      this.ws.once('close', (code: number, reason: Buffer) => {
        resolve(this.closeReason ?? `socket closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`);
        this.onClose();
      });
    });
    this.ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    this.ws.on('pong', () => this.markSeen());
    // Without a listener ws's 'error' would be an uncaught exception; ws closes the socket itself.
    this.ws.on('error', (error) => this.log.warn('OCPP socket error', { identity: this.station.identity, error }));

    this.pingTimer = setInterval(() => this.checkAlive(), options.pingIntervalMs);
    this.pingTimer.unref();
  }

  /** When the last frame or pong arrived from the charger. */
  get lastSeenAt(): Date {
    return new Date(this.lastSeenMs);
  }

  get isOpen(): boolean {
    return !this.isClosed && this.ws.readyState === WebSocket.OPEN;
  }

  /** Begin handling inbound CALLs (those that arrived before are queued, in order). */
  start(): void {
    this.started = true;
    void this.drainInbound();
  }

  /**
   * Send a CALL and resolve with the charger's CALLRESULT payload. Rejects with an
   * OcppError if our payload or the charger's answer breaks the schema, an OcppCallError
   * on CALLERROR, an OcppTimeoutError after `timeoutMs` (counted from this call, queueing
   * included) or a StationOfflineError if the socket closes first.
   */
  call(action: string, payload: unknown, timeoutMs = this.callTimeoutMs): Promise<unknown> {
    if (!this.isOpen) return Promise.reject(new StationOfflineError(this.station.identity));
    const invalid = validateRequest(this.station.protocol, action, payload);
    if (invalid) {
      return Promise.reject(new OcppError(invalid.code, `Refusing to send: ${invalid.description}`, invalid.details));
    }
    return new Promise((resolve, reject) => {
      const call: OutboundCall = { id: '', action, payload, timeoutMs, timer: undefined, resolve, reject };
      call.timer = setTimeout(() => this.onCallTimeout(call), timeoutMs);
      this.outbound.push(call);
      this.sendNextOutbound();
    });
  }

  /**
   * Close with `code`: the CALL being handled is finished and answered first (within
   * `graceMs`), queued ones are dropped unanswered (the charger resends them), then the
   * socket is force-terminated if the peer does not complete the closing handshake within
   * another `graceMs`. Resolves once closed; `reason` becomes the disconnect reason.
   */
  close(code: number, reason: string, graceMs = 2000): Promise<string> {
    this.closeReason ??= reason;
    if (!this.isClosed && !this.closing) {
      this.closing = true;
      this.inbound.length = 0;
      const finishing = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        void (this.running ?? Promise.resolve()).then(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      void finishing.then(() => {
        this.ws.close(code, reason.slice(0, 120));
        const force = setTimeout(() => this.ws.terminate(), graceMs);
        void this.closed.then(() => clearTimeout(force));
      });
    }
    return this.closed;
  }

  private markSeen(): void {
    this.lastSeenMs = Date.now();
    this.seenSincePing = true;
  }

  // Anything from the charger since the previous ping proves it alive; otherwise it is gone.
  private checkAlive(): void {
    if (!this.seenSincePing) {
      this.closeReason ??= 'ping timeout';
      this.ws.terminate();
      return;
    }
    this.seenSincePing = false;
    if (this.ws.readyState === WebSocket.OPEN) this.ws.ping();
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    this.markSeen();
    if (isBinary) {
      this.log.warn('OCPP binary frame ignored', { identity: this.station.identity });
      return;
    }
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    const parsed = parseFrame(text);
    if (!parsed.ok) {
      this.onBadFrame(parsed, text);
      return;
    }
    const frame = parsed.frame;
    if (frame.type === 2) {
      if (this.closing) return; // we are closing: it would never be answered; the charger resends it
      this.inbound.push(frame);
      void this.drainInbound();
    } else {
      this.onAnswer(frame);
    }
  }

  private onBadFrame(parsed: Extract<ParseResult, { ok: false }>, text: string): void {
    const { id, messageType, error } = parsed;
    this.log.warn('OCPP malformed frame', {
      identity: this.station.identity,
      error: error.description,
      frame: text.slice(0, LOGGED_FRAME_CHARS),
    });
    if (id === undefined) return; // nothing to address a CALLERROR to
    if (messageType === 3 || messageType === 4) {
      // A CALLERROR must never answer an answer; but a broken answer to our call ends it.
      if (this.inFlight?.id === id) {
        this.finishInFlight(new OcppError('ProtocolError', `Malformed answer to ${this.inFlight.action}: ${error.description}`));
      }
      return;
    }
    this.sendError(id, error);
  }

  private async drainInbound(): Promise<void> {
    if (this.inboundRunning || !this.started) return;
    this.inboundRunning = true;
    try {
      let frame: CallFrame | undefined;
      while (!this.isClosed && !this.closing && (frame = this.inbound.shift())) {
        this.running = this.handleInbound(frame);
        await this.running;
      }
    } finally {
      this.running = undefined;
      this.inboundRunning = false;
    }
  }

  private async handleInbound({ id, action, payload }: CallFrame): Promise<void> {
    const { protocol, identity } = this.station;
    if (!hasAction(protocol, action)) {
      this.sendError(id, new OcppError('NotImplemented', `Action ${action} is not implemented`));
      return;
    }
    // Schema first (its codes are the precise ones), then what no column could hold.
    const invalid = validateRequest(protocol, action, payload) ?? checkPayloadLimits(payload);
    if (invalid) {
      this.sendError(id, invalid);
      return;
    }
    let result: unknown;
    try {
      result = await this.gateway.handleCall(this.station, action, payload);
    } catch (error) {
      if (error instanceof OcppError) {
        this.sendError(id, error);
      } else {
        this.log.error('OCPP handler failed', { identity, action, error });
        this.sendError(id, new OcppError('InternalError', `Failed to process ${action}`));
      }
      return;
    }
    const badResponse = validateResponse(protocol, action, result);
    if (badResponse) {
      this.log.error('OCPP handler returned a payload that breaks the response schema', {
        identity,
        action,
        error: badResponse.description,
      });
      this.sendError(id, new OcppError('InternalError', `Failed to process ${action}`));
      return;
    }
    this.send(serializeCallResult(id, result));
  }

  private sendError(id: string, error: OcppError): void {
    this.send(serializeCallError(id, wireErrorCode(error.code, this.station.protocol), error.description, error.details));
  }

  private send(text: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  private sendNextOutbound(): void {
    if (this.inFlight || this.isClosed) return;
    const call = this.outbound.shift();
    if (!call) return;
    call.id = randomUUID();
    this.inFlight = call;
    this.send(serializeCall(call.id, call.action, call.payload));
  }

  private onAnswer(frame: CallResultFrame | CallErrorFrame): void {
    const call = this.inFlight;
    if (!call || call.id !== frame.id) {
      // Typically the late answer to a call that already timed out.
      this.log.warn('OCPP answer matches no pending call', { identity: this.station.identity, id: frame.id });
      return;
    }
    if (frame.type === 4) {
      this.finishInFlight(new OcppCallError(call.action, frame.code, frame.description, frame.details));
      return;
    }
    const invalid = validateResponse(this.station.protocol, call.action, frame.payload) ?? checkPayloadLimits(frame.payload);
    if (invalid) {
      this.finishInFlight(new OcppError(invalid.code, `Charger sent an invalid answer: ${invalid.description}`, invalid.details));
      return;
    }
    this.finishInFlight(undefined, frame.payload);
  }

  private finishInFlight(error: Error | undefined, payload?: unknown): void {
    const call = this.inFlight;
    if (!call) return;
    this.inFlight = undefined;
    clearTimeout(call.timer);
    if (error) call.reject(error);
    else call.resolve(payload);
    this.sendNextOutbound();
  }

  private onCallTimeout(call: OutboundCall): void {
    if (this.inFlight === call) {
      this.finishInFlight(new OcppTimeoutError(call.action, call.timeoutMs));
      return;
    }
    const index = this.outbound.indexOf(call);
    if (index >= 0) this.outbound.splice(index, 1);
    call.reject(new OcppTimeoutError(call.action, call.timeoutMs));
  }

  private onClose(): void {
    this.isClosed = true;
    clearInterval(this.pingTimer);
    this.inbound.length = 0;
    const pending = this.inFlight ? [this.inFlight, ...this.outbound] : [...this.outbound];
    this.inFlight = undefined;
    this.outbound.length = 0;
    for (const call of pending) {
      clearTimeout(call.timer);
      call.reject(new StationOfflineError(this.station.identity, 'disconnected before answering'));
    }
  }
}
