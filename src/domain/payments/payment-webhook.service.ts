import { UniqueConstraintViolationException, type MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../logger.js';
import type { GuestCheckoutService } from './guest-checkout.service.js';
import { PaymentHoldSchema, WebhookEventSchema } from './payment.entity.js';
import type { PaymentMethodService } from './payment-method.service.js';
import type { PaymentProvider, ProviderEvent } from './payment-provider.js';
import { paymentsDisabled } from './payments.errors.js';

export type WebhookOutcome = 'HANDLED' | 'DUPLICATE' | 'IGNORED';

/**
 * The provider's webhooks: verified by signature (WebhookSignatureError otherwise), each event
 * handled once. An event is recorded only after it was handled, so a failure is retried by
 * the provider; handling is conditional on the hold's state, so a retry changes nothing twice.
 */
export class PaymentWebhookService {
  constructor(
    private readonly orm: MikroORM,
    private readonly provider: PaymentProvider | null,
    private readonly methods: PaymentMethodService,
    private readonly guests: GuestCheckoutService,
    private readonly log: Logger,
  ) {}

  async receive(rawBody: Buffer, signatureHeader: string): Promise<WebhookOutcome> {
    if (!this.provider) throw paymentsDisabled();
    const event = this.provider.verifyWebhook(rawBody, signatureHeader);
    const em = this.orm.em.fork();
    if (await em.findOne(WebhookEventSchema, { providerEventId: event.id })) return 'DUPLICATE';
    const handled = await this.dispatch(event);
    em.create(WebhookEventSchema, { provider: 'STRIPE', providerEventId: event.id, type: event.type });
    try {
      await em.flush();
    } catch (err) {
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
      return 'DUPLICATE';
    }
    return handled ? 'HANDLED' : 'IGNORED';
  }

  private async dispatch(event: ProviderEvent): Promise<boolean> {
    const em = this.orm.em.fork();
    const now = new Date();
    const intent = event.intent;
    switch (event.type) {
      case 'payment_intent.amount_capturable_updated':
      case 'payment_intent.requires_capture':
        if (intent?.status !== 'requires_capture') return false;
        await this.guests.onAuthorised(intent.id);
        return true;
      case 'payment_intent.payment_failed':
        if (!intent) return false;
        await em.nativeUpdate(
          PaymentHoldSchema,
          { providerIntentId: intent.id, status: 'PENDING_CONFIRMATION' },
          { status: 'FAILED', failureReason: intent.lastError ?? 'the payment failed', updatedAt: now },
        );
        return true;
      case 'payment_intent.canceled':
        // Released at the provider (by us, or by its own expiry of an authorisation after days).
        if (!intent) return false;
        await em.nativeUpdate(
          PaymentHoldSchema,
          { providerIntentId: intent.id, status: { $in: ['PENDING_CONFIRMATION', 'HELD', 'ATTACHED'] } },
          { status: 'RELEASED', updatedAt: now },
        );
        return true;
      case 'payment_intent.succeeded':
        // Captures are recorded when they are made (settle); nothing to add.
        return true;
      case 'setup_intent.succeeded':
        if (!event.setupIntent?.customerId || !event.setupIntent.paymentMethodId) return false;
        await this.methods.onMethodSaved(event.setupIntent.customerId, event.setupIntent.paymentMethodId);
        return true;
      default:
        this.log.debug('webhook event not handled', { type: event.type, id: event.id });
        return false;
    }
  }
}
