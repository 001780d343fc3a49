import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';

const STRIPE = { STRIPE_SECRET_KEY: 'sk_test_1', STRIPE_WEBHOOK_SECRET: 'whsec_1', STRIPE_PUBLISHABLE_KEY: 'pk_test_1' };

describe('payments configuration', () => {
  it('is off without Stripe keys, with a 50.00 EUR hold for 15 minutes, no payment required and unpaid invoices not blocking', () => {
    expect(loadConfig({}).payments).toEqual({ stripe: null, holdAmount: '50.00', currency: 'EUR', holdTtlSeconds: 900, required: false, blockUnpaid: false });
  });

  it('takes the keys together and an API address for a stand-in or proxy', () => {
    const c = loadConfig({ ...STRIPE, STRIPE_API_HOST: 'localhost', STRIPE_API_PORT: '12111', STRIPE_API_PROTOCOL: 'http', PAYMENT_HOLD_AMOUNT: '30', PAYMENT_CURRENCY: 'CHF', PAYMENT_REQUIRED: 'true', PAYMENT_BLOCK_UNPAID: 'true' });
    expect(c.payments).toEqual({
      stripe: { secretKey: 'sk_test_1', webhookSecret: 'whsec_1', publishableKey: 'pk_test_1', api: { host: 'localhost', port: 12111, protocol: 'http' } },
      holdAmount: '30',
      currency: 'CHF',
      holdTtlSeconds: 900,
      required: true,
      blockUnpaid: true,
    });
  });

  it.each([
    [{ STRIPE_SECRET_KEY: 'sk_test_1' }, 'STRIPE_WEBHOOK_SECRET'],
    [{ ...STRIPE, STRIPE_PUBLISHABLE_KEY: '' }, 'STRIPE_PUBLISHABLE_KEY'],
    [{ ...STRIPE, STRIPE_SECRET_KEY: 'pk_test_wrong' }, 'STRIPE_SECRET_KEY'],
    [{ PAYMENT_HOLD_AMOUNT: '-5' }, 'PAYMENT_HOLD_AMOUNT'],
    [{ PAYMENT_HOLD_AMOUNT: '0' }, 'PAYMENT_HOLD_AMOUNT'],
    [{ PAYMENT_HOLD_AMOUNT: '50.5', PAYMENT_CURRENCY: 'JPY' }, 'PAYMENT_HOLD_AMOUNT'],
    [{ PAYMENT_CURRENCY: 'XYZ' }, 'PAYMENT_CURRENCY'],
    [{ PAYMENT_REQUIRED: 'maybe' }, 'PAYMENT_REQUIRED'],
    [{ PAYMENT_BLOCK_UNPAID: 'sometimes' }, 'PAYMENT_BLOCK_UNPAID'],
  ])('refuses %o naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(variable);
  });
});
