import Stripe from 'stripe';
import {
  PaymentDeclinedError,
  WebhookSignatureError,
  type CreateHoldInput,
  type PaymentProvider,
  type ProviderEvent,
  type ProviderIntent,
  type ProviderPaymentMethod,
} from '../../domain/payments/payment-provider.js';

export interface StripeSettings {
  secretKey: string;
  webhookSecret: string;
  /** A stand-in or a proxy instead of api.stripe.com. */
  api?: { host?: string; port?: number; protocol?: 'http' | 'https' };
  maxNetworkRetries?: number;
  timeoutMs?: number;
}

/** The PaymentProvider port over the `stripe` SDK. Stripe's vocabulary stays in this file. */
export class StripePaymentProvider implements PaymentProvider {
  private readonly stripe: Stripe;

  constructor(private readonly settings: StripeSettings) {
    this.stripe = new Stripe(settings.secretKey, {
      host: settings.api?.host,
      port: settings.api?.port,
      protocol: settings.api?.protocol,
      // The SDK adds an idempotency key to retried POSTs; ours are passed explicitly anyway.
      maxNetworkRetries: settings.maxNetworkRetries ?? 2,
      timeout: settings.timeoutMs ?? 20_000,
      telemetry: false,
    });
  }

  async ensureCustomer(input: { userId: string; email: string; name?: string | null }): Promise<string> {
    const customer = await this.stripe.customers.create(
      { email: input.email, name: input.name ?? undefined, metadata: { userId: input.userId } },
      { idempotencyKey: `customer:${input.userId}` },
    );
    return customer.id;
  }

  async createSetupIntent(customerId: string): Promise<{ id: string; clientSecret: string }> {
    const intent = await this.stripe.setupIntents.create({
      customer: customerId,
      usage: 'off_session',
    });
    if (!intent.client_secret) throw new Error(`setup intent ${intent.id} came without a client secret`);
    return { id: intent.id, clientSecret: intent.client_secret };
  }

  async listPaymentMethods(customerId: string): Promise<ProviderPaymentMethod[]> {
    const list = await this.stripe.paymentMethods.list({ customer: customerId, type: 'card', limit: 100 });
    return list.data.map((m) => ({
      id: m.id,
      brand: m.card?.brand ?? null,
      last4: m.card?.last4 ?? null,
      expMonth: m.card?.exp_month ?? null,
      expYear: m.card?.exp_year ?? null,
      wallet: m.card?.wallet?.type ?? null,
    }));
  }

  async detachPaymentMethod(paymentMethodId: string): Promise<void> {
    await this.declines(() => this.stripe.paymentMethods.detach(paymentMethodId));
  }

  async createHold(input: CreateHoldInput): Promise<ProviderIntent> {
    const params: Stripe.PaymentIntentCreateParams = {
      amount: input.amountMinor,
      currency: input.currency.toLowerCase(),
      capture_method: 'manual',
      metadata: input.metadata,
      description: input.description,
      receipt_email: input.receiptEmail ?? undefined,
    };
    if (input.customerId) params.customer = input.customerId;
    if (input.paymentMethodId) params.payment_method = input.paymentMethodId;
    if (input.confirm) {
      params.confirm = true;
      params.off_session = input.offSession;
    } else if (input.customerId && input.offSession) {
      params.setup_future_usage = 'off_session';
    }
    return toIntent(await this.declines(() => this.stripe.paymentIntents.create(params, { idempotencyKey: input.idempotencyKey })));
  }

  async capture(intentId: string, amountMinor: number, idempotencyKey: string): Promise<ProviderIntent> {
    return toIntent(
      await this.declines(() => this.stripe.paymentIntents.capture(intentId, { amount_to_capture: amountMinor }, { idempotencyKey })),
    );
  }

  async cancel(intentId: string): Promise<ProviderIntent> {
    return toIntent(await this.declines(() => this.stripe.paymentIntents.cancel(intentId)));
  }

  async chargeOffSession(input: {
    customerId: string;
    paymentMethodId: string;
    amountMinor: number;
    currency: string;
    description: string;
    idempotencyKey: string;
  }): Promise<ProviderIntent> {
    const intent = await this.declines(() =>
      this.stripe.paymentIntents.create(
        {
          amount: input.amountMinor,
          currency: input.currency.toLowerCase(),
          customer: input.customerId,
          payment_method: input.paymentMethodId,
          description: input.description,
          confirm: true,
          off_session: true,
        },
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    return toIntent(intent);
  }

  verifyWebhook(rawBody: Buffer | string, signatureHeader: string): ProviderEvent {
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(rawBody, signatureHeader, this.settings.webhookSecret);
    } catch (err) {
      throw new WebhookSignatureError(err instanceof Error ? err.message : 'bad signature');
    }
    const object = event.data.object as { object?: string };
    if (object.object === 'payment_intent') {
      return { id: event.id, type: event.type, intent: toIntent(object as Stripe.PaymentIntent), setupIntent: null };
    }
    if (object.object === 'setup_intent') {
      const s = object as Stripe.SetupIntent;
      return {
        id: event.id,
        type: event.type,
        intent: null,
        setupIntent: { id: s.id, customerId: idOf(s.customer), paymentMethodId: idOf(s.payment_method) },
      };
    }
    return { id: event.id, type: event.type, intent: null, setupIntent: null };
  }

  // The provider's refusals (a card declined, an intent in the wrong state) become the domain's;
  // anything else (network, 5xx, rate limit) stays an error the caller may retry.
  private async declines<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof Stripe.errors.StripeCardError || err instanceof Stripe.errors.StripeInvalidRequestError) {
        const raw = err.raw as { payment_intent?: { id?: string } } | undefined;
        throw new PaymentDeclinedError(
          err.message || 'the payment was declined',
          (err as { decline_code?: string }).decline_code ?? err.code ?? null,
          raw?.payment_intent?.id ?? null,
        );
      }
      throw err;
    }
  }
}

function idOf(ref: string | { id: string } | null | undefined): string | null {
  if (!ref) return null;
  return typeof ref === 'string' ? ref : ref.id;
}

function toIntent(i: Stripe.PaymentIntent): ProviderIntent {
  return {
    id: i.id,
    status: i.status as ProviderIntent['status'],
    amountMinor: i.amount,
    amountCapturableMinor: i.amount_capturable ?? 0,
    amountReceivedMinor: i.amount_received ?? 0,
    currency: i.currency.toUpperCase(),
    clientSecret: i.client_secret ?? null,
    metadata: (i.metadata ?? {}) as Record<string, string>,
    lastError: i.last_payment_error?.message ?? null,
  };
}
