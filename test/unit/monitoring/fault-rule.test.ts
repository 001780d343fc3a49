import { describe, expect, it } from 'vitest';
import { decideFault, type FaultKey, type StatusReportFacts } from '../../../src/domain/monitoring/fault-rule.js';

const report = (o: Partial<StatusReportFacts> = {}): StatusReportFacts => ({
  status: 'AVAILABLE',
  errorCode: 'NO_ERROR',
  vendorId: null,
  vendorErrorCode: null,
  ...o,
});
const fault = (o: Partial<FaultKey> = {}): FaultKey => ({ errorCode: 'GROUND_FAILURE', vendorId: null, vendorErrorCode: null, ...o });

describe('decideFault', () => {
  it.each<{ name: string; open: FaultKey | null; report: StatusReportFacts; expected: { close: boolean; open: boolean } }>([
    { name: 'NoError with nothing open does nothing', open: null, report: report(), expected: { close: false, open: false } },
    { name: 'an error code opens a fault', open: null, report: report({ status: 'FAULTED', errorCode: 'GROUND_FAILURE' }), expected: { close: false, open: true } },
    { name: 'a warning code while still available opens a fault', open: null, report: report({ errorCode: 'HIGH_TEMPERATURE' }), expected: { close: false, open: true } },
    { name: 'Faulted with NoError and a vendor code opens a fault', open: null, report: report({ status: 'FAULTED', vendorId: 'VL', vendorErrorCode: 'E-9' }), expected: { close: false, open: true } },
    { name: 'NoError closes the open fault', open: fault(), report: report(), expected: { close: true, open: false } },
    { name: 'NoError but still Faulted keeps it open', open: fault({ errorCode: 'NO_ERROR' }), report: report({ status: 'FAULTED' }), expected: { close: false, open: false } },
    { name: 'the same fault repeated (status moved) changes nothing', open: fault(), report: report({ status: 'UNAVAILABLE', errorCode: 'GROUND_FAILURE' }), expected: { close: false, open: false } },
    { name: 'another error code replaces the fault', open: fault(), report: report({ status: 'FAULTED', errorCode: 'OVER_VOLTAGE' }), expected: { close: true, open: true } },
    { name: 'another vendor code replaces the fault', open: fault({ errorCode: 'OTHER_ERROR', vendorErrorCode: 'E-1' }), report: report({ status: 'FAULTED', errorCode: 'OTHER_ERROR', vendorErrorCode: 'E-2' }), expected: { close: true, open: true } },
  ])('$name', ({ open, report, expected }) => {
    expect(decideFault(open, report)).toEqual(expected);
  });
});
