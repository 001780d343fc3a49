import { UniqueConstraintViolationException, type MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../logger.js';
import type { Caller } from '../caller.js';
import { fromMinorUnits } from '../pricing/money.js';
import type { UserService } from '../users/user.service.js';
import { PaymentCustomerSchema, PaymentSchema } from './payment.entity.js';
import { PaymentDeclinedError, type PaymentProvider, type ProviderPaymentMethod } from './payment-provider.js';
import type { OffSessionCharger } from './payment.ports.js';
import { paymentsDisabled, PaymentsError } from './payments.errors.js';
import type { PaymentSettings } from './payment-settings.js';

export interface PaymentMethodView extends ProviderPaymentMethod {
  isDefault: boolean;
}

/** A driver's saved cards (and wallets, which arrive as cards) at the provider, and off-session charges to them. */
export class PaymentMethodService implements OffSessionCharger {
  constructor(
    private readonly orm: MikroORM,
    private readonly provider: PaymentProvider | null,
    private readonly settings: PaymentSettings,
    private readonly users: UserService,
    private readonly log: Logger,
  ) {}

  /** A SetupIntent for the app to save a card with (Stripe.js / the mobile SDKs confirm it). */
  async addPaymentMethod(caller: Caller): Promise<{ clientSecret: string; publishableKey: string }> {
    const userId = requireDriver(caller);
    const provider = this.requireProvider();
    const customerId = await this.ensureCustomer(caller, userId);
    const setup = await provider.createSetupIntent(customerId);
    return { clientSecret: setup.clientSecret, publishableKey: this.settings.publishableKey ?? '' };
  }

  async list(caller: Caller): Promise<PaymentMethodView[]> {
    const userId = requireDriver(caller);
    const provider = this.requireProvider();
    const customer = await this.orm.em.fork().findOne(PaymentCustomerSchema, { user: userId });
    if (!customer) return [];
    const methods = await provider.listPaymentMethods(customer.providerCustomerId);
    const defaultId = customer.defaultPaymentMethodId && methods.some((m) => m.id === customer.defaultPaymentMethodId)
      ? customer.defaultPaymentMethodId
      : methods[0]?.id;
    return methods.map((m) => ({ ...m, isDefault: m.id === defaultId }));
  }

  async remove(caller: Caller, paymentMethodId: string): Promise<PaymentMethodView[]> {
    const userId = requireDriver(caller);
    await this.requireOwnMethod(caller, paymentMethodId);
    await this.requireProvider().detachPaymentMethod(paymentMethodId);
    const em = this.orm.em.fork();
    await em.nativeUpdate(PaymentCustomerSchema, { user: userId, defaultPaymentMethodId: paymentMethodId }, { defaultPaymentMethodId: null });
    return this.list(caller);
  }

  async setDefault(caller: Caller, paymentMethodId: string): Promise<PaymentMethodView[]> {
    const userId = requireDriver(caller);
    await this.requireOwnMethod(caller, paymentMethodId);
    await this.orm.em.fork().nativeUpdate(PaymentCustomerSchema, { user: userId }, { defaultPaymentMethodId: paymentMethodId });
    return this.list(caller);
  }

  /** The method a hold or charge uses: the driver's default, else their first saved one; null if none. */
  async savedMethodOf(userId: string): Promise<{ customerId: string; paymentMethodId: string } | null> {
    if (!this.provider) return null;
    const customer = await this.orm.em.fork().findOne(PaymentCustomerSchema, { user: userId });
    if (!customer) return null;
    const methods = await this.provider.listPaymentMethods(customer.providerCustomerId);
    const chosen = methods.find((m) => m.id === customer.defaultPaymentMethodId) ?? methods[0];
    return chosen ? { customerId: customer.providerCustomerId, paymentMethodId: chosen.id } : null;
  }

  /** A card saved through a SetupIntent becomes the default when the driver has none yet. */
  async onMethodSaved(customerId: string, paymentMethodId: string): Promise<void> {
    await this.orm.em
      .fork()
      .nativeUpdate(PaymentCustomerSchema, { providerCustomerId: customerId, defaultPaymentMethodId: null }, { defaultPaymentMethodId: paymentMethodId });
  }

  async chargeSavedMethod(input: {
    userId: string;
    amountMinor: number;
    currency: string;
    description: string;
    idempotencyKey: string;
  }): Promise<{ status: 'SUCCEEDED'; reference: string } | { status: 'FAILED' | 'NO_METHOD'; reason: string }> {
    const em = this.orm.em.fork();
    const done = await em.findOne(PaymentSchema, { idempotencyKey: input.idempotencyKey });
    if (done?.status === 'SUCCEEDED') return { status: 'SUCCEEDED', reference: done.providerReference ?? '' };
    if (done) return { status: 'FAILED', reason: done.failureReason ?? 'the charge failed' };
    if (!this.provider) return { status: 'NO_METHOD', reason: 'card payment is not set up on this system' };
    const method = await this.savedMethodOf(input.userId);
    if (!method) return { status: 'NO_METHOD', reason: 'no saved payment method' };
    const row = { kind: 'CHARGE' as const, user: input.userId, provider: 'STRIPE', amountMinor: input.amountMinor, currency: input.currency, idempotencyKey: input.idempotencyKey };
    try {
      const intent = await this.provider.chargeOffSession({ ...method, ...input });
      if (intent.status !== 'succeeded') {
        const reason = intent.lastError ?? `the charge is ${intent.status}`;
        await this.record(em, { ...row, status: 'FAILED', providerReference: intent.id, failureReason: reason });
        return { status: 'FAILED', reason };
      }
      await this.record(em, { ...row, status: 'SUCCEEDED', providerReference: intent.id });
      return { status: 'SUCCEEDED', reference: intent.id };
    } catch (err) {
      if (!(err instanceof PaymentDeclinedError)) throw err;
      await this.record(em, { ...row, status: 'FAILED', providerReference: err.intentId, failureReason: err.reason });
      this.log.info('off-session charge declined', { userId: input.userId, amount: fromMinorUnits(input.amountMinor, input.currency), reason: err.reason });
      return { status: 'FAILED', reason: err.reason };
    }
  }

  private async record(em: ReturnType<MikroORM['em']['fork']>, row: Record<string, unknown>): Promise<void> {
    em.create(PaymentSchema, row as never);
    try {
      await em.flush();
    } catch (err) {
      // The same key recorded meanwhile by a concurrent retry: its row stands.
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
    }
  }

  private async ensureCustomer(caller: Caller, userId: string): Promise<string> {
    const em = this.orm.em.fork();
    const existing = await em.findOne(PaymentCustomerSchema, { user: userId });
    if (existing) return existing.providerCustomerId;
    const user = await this.users.get(caller, userId);
    if (!user?.email) throw new PaymentsError('FORBIDDEN', 'an account with an email address is needed to save a card');
    const customerId = await this.requireProvider().ensureCustomer({ userId, email: user.email, name: user.name });
    em.create(PaymentCustomerSchema, { user: userId, providerCustomerId: customerId, defaultPaymentMethodId: null });
    try {
      await em.flush();
    } catch (err) {
      // Asked twice at once: the provider's idempotency key gave both the same customer.
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
    }
    return customerId;
  }

  private async requireOwnMethod(caller: Caller, paymentMethodId: string): Promise<void> {
    if (!(await this.list(caller)).some((m) => m.id === paymentMethodId)) {
      throw new PaymentsError('PAYMENT_METHOD_NOT_FOUND', `no saved payment method ${paymentMethodId}`, { field: 'id' });
    }
  }

  private requireProvider(): PaymentProvider {
    if (!this.provider) throw paymentsDisabled();
    return this.provider;
  }
}

function requireDriver(caller: Caller): string {
  if (caller.visibility.kind !== 'driver') throw new PaymentsError('FORBIDDEN', 'only a driver has payment methods of their own');
  return caller.visibility.userId;
}
