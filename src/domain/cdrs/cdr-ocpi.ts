import type { PricedSession } from '../pricing/pricing.types.js';
import type { Price } from '../tariffs/tariff.model.js';

// The OCPI 2.2.1 CDR object (section 10.3.1) of one priced session: what roaming partners and
// auditors receive. Pure: everything it says comes from its input. Amounts are kept as decimal
// strings everywhere else; OCPI's JSON has numbers, so they become numbers only here, at the edge
// (a decimal string with at most 12 digits after the point survives the trip exactly as printed).

export interface CdrParty {
  countryCode: string;
  partyId: string;
}

export interface CdrFacts {
  cdrId: string;
  sessionId: string;
  kind: 'SESSION' | 'CREDIT';
  /** For a credit: the CDR it reverses. */
  creditReferenceId: string | null;
  startedAt: Date;
  stoppedAt: Date;
  idTag: string;
  /** How the driver was identified: a card/app token we know, or a guest paying ad hoc. */
  tokenType: 'RFID' | 'APP_USER' | 'AD_HOC_USER' | 'OTHER';
  /** COMMAND for remote starts, WHITELIST when we did not know the token, AUTH_REQUEST otherwise. */
  authMethod: 'AUTH_REQUEST' | 'COMMAND' | 'WHITELIST';
  station: {
    identity: string;
    name: string;
    address: string | null;
    latitude: string | null;
    longitude: string | null;
    connectorId: number;
  };
  meterId: string | null;
  /** The tariff that priced it (each charging period names it). */
  tariffId: string | null;
  /** OCPI Tariff objects of the version that priced the session. */
  tariffs: Record<string, unknown>[];
  invoiceReferenceId: string | null;
  remark: string | null;
  lastUpdated: Date;
}

const num = (value: string) => Number(value);

function price(p: Price | null): { excl_vat: number; incl_vat?: number } | undefined {
  if (!p) return undefined;
  return p.incl_vat === null || p.incl_vat === undefined
    ? { excl_vat: num(p.excl_vat) }
    : { excl_vat: num(p.excl_vat), incl_vat: num(p.incl_vat) };
}

/** Hours as OCPI has them (decimal, 6 digits is a few milliseconds). */
const hours = (seconds: number) => Math.round((seconds / 3600) * 1e6) / 1e6;
const kwh = (wh: number) => wh / 1000;

export function toOcpiCdr(party: CdrParty, facts: CdrFacts, priced: PricedSession): Record<string, unknown> {
  const sign = facts.kind === 'CREDIT' ? -1 : 1;
  const evseUid = `${facts.station.identity}-${facts.station.connectorId}`;
  const cdr: Record<string, unknown> = {
    country_code: party.countryCode,
    party_id: party.partyId,
    id: facts.cdrId,
    start_date_time: facts.startedAt.toISOString(),
    end_date_time: facts.stoppedAt.toISOString(),
    session_id: facts.sessionId,
    cdr_token: {
      country_code: party.countryCode,
      party_id: party.partyId,
      uid: facts.idTag,
      type: facts.tokenType,
      contract_id: facts.idTag,
    },
    auth_method: facts.authMethod,
    cdr_location: {
      id: facts.station.identity,
      name: facts.station.name,
      address: facts.station.address ?? '',
      city: '',
      country: '',
      coordinates: {
        latitude: facts.station.latitude ?? '0.000000',
        longitude: facts.station.longitude ?? '0.000000',
      },
      evse_uid: evseUid,
      evse_id: evseUid,
      connector_id: String(facts.station.connectorId),
      connector_standard: 'IEC_62196_T2',
      connector_format: 'SOCKET',
      connector_power_type: 'AC_3_PHASE',
    },
    currency: priced.currency,
    tariffs: facts.tariffs,
    charging_periods: priced.chargingPeriods.map((p) => ({
      start_date_time: p.start_date_time,
      dimensions: p.dimensions.map((d) => ({ type: d.type, volume: num(d.volume) })),
      ...(p.tariff_id || facts.tariffId ? { tariff_id: p.tariff_id ?? facts.tariffId } : {}),
    })),
    total_cost: { excl_vat: sign * num(priced.totalExclVat), incl_vat: sign * num(priced.totalInclVat) },
    // A credit CDR (OCPI 10.3.1, credit) reverses the money; the energy and time it refers to did happen.
    total_energy: kwh(priced.totalEnergyWh),
    total_time: hours(priced.totalTimeSeconds),
    total_parking_time: hours(priced.totalParkingSeconds),
    credit: facts.kind === 'CREDIT',
    last_updated: facts.lastUpdated.toISOString(),
  };
  const optional: Record<string, unknown> = {
    meter_id: facts.meterId ?? undefined,
    total_fixed_cost: negate(price(priced.totalFixedCost), sign),
    total_energy_cost: negate(price(priced.totalEnergyCost), sign),
    total_time_cost: negate(price(priced.totalTimeCost), sign),
    total_parking_cost: negate(price(priced.totalParkingCost), sign),
    credit_reference_id: facts.creditReferenceId ?? undefined,
    invoice_reference_id: facts.invoiceReferenceId ?? undefined,
    remark: facts.remark ?? undefined,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) cdr[key] = value;
  return cdr;
}

function negate(p: { excl_vat: number; incl_vat?: number } | undefined, sign: number) {
  if (!p || sign === 1) return p;
  return p.incl_vat === undefined ? { excl_vat: -p.excl_vat } : { excl_vat: -p.excl_vat, incl_vat: -p.incl_vat };
}
