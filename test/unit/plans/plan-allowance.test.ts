import { describe, expect, it } from 'vitest';
import { allowanceOf, coverable } from '../../../src/domain/plans/plan-allowance.js';
import { planFee } from '../../../src/domain/plans/plan-fee.js';

describe('allowance', () => {
  it.each([
    [50_000, 0, 50_000],
    [50_000, 12_345, 37_655],
    [50_000, 50_000, 0],
    [0, 0, 0],
  ])('included %i, used %i: %i left', (includedWh, usedWh, remainingWh) => {
    expect(allowanceOf({ includedWh, usedWh })).toEqual({ includedWh, usedWh, remainingWh });
  });

  it.each([
    ['all of it when enough is left', 50_000, 10_000, 12_000, 12_000],
    ['only what is left', 50_000, 45_000, 12_000, 5_000],
    ['nothing when it is used up', 50_000, 50_000, 1, 0],
    ['nothing for a negative claim', 50_000, 0, -5, 0],
  ])('a session counts %s', (_name, includedWh, usedWh, requested, counted) => {
    expect(coverable({ includedWh, usedWh }, requested)).toBe(counted);
  });
});

describe('plan fee', () => {
  it.each([
    ['EUR with 19 % VAT', { currency: 'EUR', monthlyFee: '9.9900', feeVatRate: '19.00' }, { exclVat: '9.99', vatRate: '19', vat: '1.90', inclVat: '11.89' }],
    ['half a cent rounds up', { currency: 'EUR', monthlyFee: '0.50', feeVatRate: '21' }, { exclVat: '0.50', vatRate: '21', vat: '0.11', inclVat: '0.61' }],
    ['no VAT', { currency: 'EUR', monthlyFee: '5', feeVatRate: null }, { exclVat: '5.00', vatRate: null, vat: '0.00', inclVat: '5.00' }],
    ['JPY has no minor unit', { currency: 'JPY', monthlyFee: '1000', feeVatRate: '10' }, { exclVat: '1000', vatRate: '10', vat: '100', inclVat: '1100' }],
  ])('%s', (_name, plan, expected) => {
    expect(planFee(plan)).toEqual(expected);
  });
});
