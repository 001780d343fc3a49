// OCPP 1.6J vocabulary shared by the simulator and the bench: payload builders that satisfy
// the official JSON schemas, a plausible electrical model of an AC charging session, and
// a classification of call failures for error counters.
import { ChargerCallError, HandshakeRefusedError } from '../../test/helpers/charger-client.js';

export const ENERGY = 'Energy.Active.Import.Register';

export type Measurand =
  | 'Energy.Active.Import.Register'
  | 'Power.Active.Import'
  | 'Power.Offered'
  | 'Current.Import'
  | 'Current.Offered'
  | 'Voltage'
  | 'Frequency'
  | 'Temperature'
  | 'SoC';

export type ReadingContext = 'Sample.Periodic' | 'Sample.Clock' | 'Transaction.Begin' | 'Transaction.End' | 'Trigger' | 'Other';

export interface SampledValue {
  value: string;
  context?: ReadingContext;
  measurand?: Measurand;
  phase?: 'L1' | 'L2' | 'L3' | 'N' | 'L1-N' | 'L2-N' | 'L3-N';
  location?: 'Outlet' | 'EV' | 'Inlet' | 'Cable' | 'Body';
  unit?: 'Wh' | 'kWh' | 'W' | 'kW' | 'A' | 'V' | 'Percent' | 'Celsius';
}

export interface MeterValue {
  timestamp: string;
  sampledValue: SampledValue[];
}

/** ISO 8601 UTC with milliseconds, e.g. 2026-01-01T12:00:00.123Z. */
export const isoNow = (): string => new Date().toISOString();

export const randInt = (min: number, max: number): number => min + Math.floor(Math.random() * (max - min + 1));
export const randFloat = (min: number, max: number): number => min + Math.random() * (max - min);
export const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/**
 * A deterministic 7-byte RFID card UID as 14 upper-case hex digits (04 = NXP, like most
 * MIFARE cards), unique per (namespace, index): 16 bits from the namespace, 32 from the index.
 */
export function rfidUid(namespace: string, index: number): string {
  let h = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < namespace.length; i++) h = Math.imul(h ^ namespace.charCodeAt(i), 0x01000193) >>> 0;
  const ns = (h & 0xffff).toString(16).padStart(4, '0');
  return `04${ns}${(index >>> 0).toString(16).padStart(8, '0')}`.toUpperCase();
}

export interface BootIdentity {
  vendor: string;
  model: string;
  serial: string;
  firmware: string;
}

/** BootNotification.req: CiString20 vendor/model, CiString25 serials, CiString50 firmware. */
export function bootNotification(b: BootIdentity): Record<string, string> {
  return {
    chargePointVendor: b.vendor.slice(0, 20),
    chargePointModel: b.model.slice(0, 20),
    chargePointSerialNumber: b.serial.slice(0, 25),
    chargeBoxSerialNumber: b.serial.slice(0, 25),
    firmwareVersion: b.firmware.slice(0, 50),
    meterType: 'AC MID meter'.slice(0, 25),
    meterSerialNumber: `M${b.serial}`.slice(0, 25),
  };
}

export type ConnectorStatus =
  | 'Available'
  | 'Preparing'
  | 'Charging'
  | 'SuspendedEVSE'
  | 'SuspendedEV'
  | 'Finishing'
  | 'Reserved'
  | 'Unavailable'
  | 'Faulted';

export function statusNotification(connectorId: number, status: ConnectorStatus): Record<string, unknown> {
  return { connectorId, errorCode: 'NoError', status, timestamp: isoNow() };
}

/**
 * An AC charging session as the meter sees it: 1 or 3 phases at 16 or 32 A, i.e.
 * 7.4, 11 or 22 kW, with a little noise on voltage and current and an EV battery whose
 * state of charge follows the energy delivered.
 */
export class AcSession {
  readonly phases: 1 | 3;
  readonly amps: number;
  readonly batteryWh: number;
  soc: number;
  voltage = [230, 230, 230];
  current = [0, 0, 0];
  powerW = 0;

  constructor(public registerWh: number) {
    const kind = pick([
      { phases: 1 as const, amps: 32 }, // 7.4 kW wallbox / single-phase car
      { phases: 3 as const, amps: 16 }, // 11 kW
      { phases: 3 as const, amps: 32 }, // 22 kW
    ]);
    this.phases = kind.phases;
    this.amps = kind.amps;
    this.batteryWh = pick([40_000, 58_000, 64_000, 77_000, 82_000]);
    this.soc = randFloat(10, 60);
    this.measure();
  }

  /** Re-reads voltage, current and power (noise included). */
  measure(): void {
    this.powerW = 0;
    for (let i = 0; i < 3; i++) {
      if (i >= this.phases) {
        this.voltage[i] = 0;
        this.current[i] = 0;
        continue;
      }
      this.voltage[i] = randFloat(226, 236);
      this.current[i] = this.amps * randFloat(0.95, 0.995);
      this.powerW += this.voltage[i]! * this.current[i]!;
    }
  }

  /** Advance by `seconds` of charging at the current power; the register only rises. */
  advance(seconds: number): void {
    this.measure();
    const wh = (this.powerW * seconds) / 3600;
    this.registerWh += wh;
    this.soc = Math.min(100, this.soc + (wh / this.batteryWh) * 100);
  }

  /** The full periodic sample a real wallbox sends: register, power, per-phase current and voltage, SoC. */
  sampledValues(context: ReadingContext = 'Sample.Periodic'): SampledValue[] {
    const out: SampledValue[] = [
      { value: String(Math.round(this.registerWh)), context, measurand: ENERGY, location: 'Outlet', unit: 'Wh' },
      { value: this.powerW.toFixed(0), context, measurand: 'Power.Active.Import', location: 'Outlet', unit: 'W' },
    ];
    const phaseNames = ['L1', 'L2', 'L3'] as const;
    for (let i = 0; i < this.phases; i++) {
      out.push({ value: this.current[i]!.toFixed(2), context, measurand: 'Current.Import', phase: phaseNames[i], location: 'Outlet', unit: 'A' });
    }
    const voltagePhases = ['L1-N', 'L2-N', 'L3-N'] as const;
    for (let i = 0; i < this.phases; i++) {
      out.push({ value: this.voltage[i]!.toFixed(1), context, measurand: 'Voltage', phase: voltagePhases[i], location: 'Outlet', unit: 'V' });
    }
    out.push({ value: this.soc.toFixed(1), context, measurand: 'SoC', location: 'EV', unit: 'Percent' });
    return out;
  }

  /** A register-only reading, as used in StopTransaction.transactionData. */
  registerValue(context: ReadingContext): SampledValue {
    return { value: String(Math.round(this.registerWh)), context, measurand: ENERGY, location: 'Outlet', unit: 'Wh' };
  }
}

/**
 * The bench's fixed-shape MeterValues payload: `count` sampled values (register first, then
 * power, current, voltage, SoC, ...), mutated in place before every send so no objects are
 * built on the hot path.
 */
export class MeterTemplate {
  static readonly MAX_SAMPLES = 10;
  readonly payload: { connectorId: number; transactionId: number; meterValue: [MeterValue] };
  private readonly values: SampledValue[];
  private readonly voltage: number;
  private soc = randFloat(10, 60);

  constructor(connectorId: number, transactionId: number, count: number, public registerWh: number) {
    if (count < 1 || count > MeterTemplate.MAX_SAMPLES) throw new Error(`samples must be 1..${MeterTemplate.MAX_SAMPLES}`);
    const all: SampledValue[] = [
      { value: '0', context: 'Sample.Periodic', measurand: ENERGY, location: 'Outlet', unit: 'Wh' },
      { value: '0', context: 'Sample.Periodic', measurand: 'Power.Active.Import', location: 'Outlet', unit: 'W' },
      { value: '0', context: 'Sample.Periodic', measurand: 'Current.Import', phase: 'L1', location: 'Outlet', unit: 'A' },
      { value: '0', context: 'Sample.Periodic', measurand: 'Voltage', phase: 'L1-N', location: 'Outlet', unit: 'V' },
      { value: '0', context: 'Sample.Periodic', measurand: 'SoC', location: 'EV', unit: 'Percent' },
      { value: '0', context: 'Sample.Periodic', measurand: 'Current.Import', phase: 'L2', location: 'Outlet', unit: 'A' },
      { value: '0', context: 'Sample.Periodic', measurand: 'Current.Import', phase: 'L3', location: 'Outlet', unit: 'A' },
      { value: '0', context: 'Sample.Periodic', measurand: 'Voltage', phase: 'L2-N', location: 'Outlet', unit: 'V' },
      { value: '0', context: 'Sample.Periodic', measurand: 'Voltage', phase: 'L3-N', location: 'Outlet', unit: 'V' },
      { value: '50', context: 'Sample.Periodic', measurand: 'Temperature', location: 'Body', unit: 'Celsius' },
    ];
    this.values = all.slice(0, count);
    this.voltage = randFloat(228, 234);
    this.payload = { connectorId, transactionId, meterValue: [{ timestamp: '', sampledValue: this.values }] };
  }

  /** Advance the register by `seconds` at ~11 kW, stamp now, refresh the values; returns the payload. */
  next(seconds: number): object {
    const amps = 16 * (0.97 + Math.random() * 0.02);
    const power = 3 * this.voltage * amps;
    const wh = (power * seconds) / 3600;
    this.registerWh += wh;
    this.soc = Math.min(100, this.soc + wh / 640); // a 64 kWh battery
    const soc = this.soc;
    const v = this.values;
    this.payload.meterValue[0].timestamp = new Date().toISOString();
    v[0]!.value = String(Math.round(this.registerWh));
    if (v.length > 1) v[1]!.value = String(Math.round(power));
    if (v.length > 2) v[2]!.value = amps.toFixed(2);
    if (v.length > 3) v[3]!.value = this.voltage.toFixed(1);
    if (v.length > 4) v[4]!.value = soc.toFixed(1);
    if (v.length > 5) v[5]!.value = amps.toFixed(2);
    if (v.length > 6) v[6]!.value = amps.toFixed(2);
    if (v.length > 7) v[7]!.value = this.voltage.toFixed(1);
    if (v.length > 8) v[8]!.value = this.voltage.toFixed(1);
    return this.payload;
  }
}

/** A short, stable label for an error, for "errors by kind" counters. */
export function errorKind(error: unknown): string {
  if (error instanceof ChargerCallError) return `CALLERROR ${error.code}`;
  if (error instanceof HandshakeRefusedError) return `handshake refused HTTP ${error.status}`;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown })?.code;
  if (/^No answer to .* within/.test(message)) return 'timeout';
  if (/^Socket closed/.test(message)) return 'socket closed before answer';
  if (/^Socket is not open/.test(message)) return 'socket not open';
  if (typeof code === 'string') return `socket error ${code}`;
  return `error: ${message.slice(0, 80)}`;
}
