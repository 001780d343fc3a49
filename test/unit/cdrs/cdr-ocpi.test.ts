import { describe, expect, it } from 'vitest';
import { toOcpiCdr, type CdrFacts } from '../../../src/domain/cdrs/cdr-ocpi.js';
import type { PricedSession } from '../../../src/domain/pricing/pricing.types.js';

const priced: PricedSession = {
  currency: 'EUR',
  chargingPeriods: [
    { start_date_time: '2026-11-10T09:00:00.000Z', dimensions: [{ type: 'ENERGY', volume: '15' }, { type: 'TIME', volume: '1' }] },
    { start_date_time: '2026-11-10T10:00:00.000Z', dimensions: [{ type: 'PARKING_TIME', volume: '0.333333' }] },
  ],
  lines: [],
  totalExclVat: '7.50',
  totalVat: '1.50',
  totalInclVat: '9.00',
  totalEnergyCost: { excl_vat: '4.50', incl_vat: '5.40' },
  totalTimeCost: null,
  totalParkingCost: { excl_vat: '2.00', incl_vat: '2.40' },
  totalFixedCost: { excl_vat: '1.00', incl_vat: '1.20' },
  vatBreakdown: [],
  totalEnergyWh: 15000,
  totalTimeSeconds: 4800,
  totalParkingSeconds: 1200,
  dataNotes: [],
};

const facts: CdrFacts = {
  cdrId: 'c1',
  sessionId: 's1',
  kind: 'SESSION',
  creditReferenceId: null,
  startedAt: new Date('2026-11-10T09:00:00Z'),
  stoppedAt: new Date('2026-11-10T10:20:00Z'),
  idTag: 'TAG1',
  tokenType: 'RFID',
  authMethod: 'AUTH_REQUEST',
  station: { identity: 'CP-1', name: 'Depot', address: 'Main St 1', latitude: '52.520000', longitude: '13.405000', connectorId: 2 },
  meterId: null,
  tariffId: 't1',
  tariffs: [{ id: 't1' }],
  invoiceReferenceId: null,
  remark: null,
  lastUpdated: new Date('2026-11-10T10:20:01Z'),
};

describe('the OCPI 2.2.1 CDR object', () => {
  it('carries the totals as OCPI numbers, hours and kWh, and names the tariff in every period', () => {
    const cdr = toOcpiCdr({ countryCode: 'DE', partyId: 'VLT' }, facts, priced);
    expect(cdr).toMatchObject({
      country_code: 'DE',
      party_id: 'VLT',
      id: 'c1',
      session_id: 's1',
      start_date_time: '2026-11-10T09:00:00.000Z',
      end_date_time: '2026-11-10T10:20:00.000Z',
      cdr_token: { uid: 'TAG1', type: 'RFID', country_code: 'DE', party_id: 'VLT' },
      auth_method: 'AUTH_REQUEST',
      cdr_location: { id: 'CP-1', evse_uid: 'CP-1-2', connector_id: '2', coordinates: { latitude: '52.520000', longitude: '13.405000' } },
      currency: 'EUR',
      total_cost: { excl_vat: 7.5, incl_vat: 9 },
      total_energy: 15,
      total_time: 1.333333,
      total_parking_time: 0.333333,
      total_energy_cost: { excl_vat: 4.5, incl_vat: 5.4 },
      total_fixed_cost: { excl_vat: 1, incl_vat: 1.2 },
      total_parking_cost: { excl_vat: 2, incl_vat: 2.4 },
      credit: false,
      last_updated: '2026-11-10T10:20:01.000Z',
    });
    expect(cdr).not.toHaveProperty('total_time_cost');
    expect(cdr.charging_periods).toEqual([
      { start_date_time: '2026-11-10T09:00:00.000Z', dimensions: [{ type: 'ENERGY', volume: 15 }, { type: 'TIME', volume: 1 }], tariff_id: 't1' },
      { start_date_time: '2026-11-10T10:00:00.000Z', dimensions: [{ type: 'PARKING_TIME', volume: 0.333333 }], tariff_id: 't1' },
    ]);
  });

  it('makes a credit record negative in money only, pointing at the record it reverses', () => {
    const cdr = toOcpiCdr({ countryCode: 'DE', partyId: 'VLT' }, { ...facts, kind: 'CREDIT', creditReferenceId: 'c0' }, priced);
    expect(cdr).toMatchObject({
      credit: true,
      credit_reference_id: 'c0',
      total_cost: { excl_vat: -7.5, incl_vat: -9 },
      total_energy_cost: { excl_vat: -4.5, incl_vat: -5.4 },
      total_energy: 15,
    });
  });
});
