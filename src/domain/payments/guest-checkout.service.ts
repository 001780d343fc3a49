import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { refId } from '../../db/ref.js';
import type { Logger } from '../../logger.js';
import { RateLimiter } from '../accounts/rate-limiter.js';
import { SYSTEM_CALLER, type Caller } from '../caller.js';
import type { CdrSource } from '../cdrs/cdr.types.js';
import { isUuid } from '../ids.js';
import { parseInput } from '../input.js';
import type { JobQueue } from '../jobs.js';
import { formatMoney, fromMinorUnits } from '../pricing/money.js';
import type { StationRepository } from '../stations/station.repository.js';
import type { IdTokenService } from '../users/id-token.service.js';
import { PaymentHoldSchema, PaymentSchema, type HoldStatus, type PaymentHold } from './payment.entity.js';
import type { PaymentProvider } from './payment-provider.js';
import { invalidPayment, paymentsDisabled, PaymentsError } from './payments.errors.js';
import type { PaymentSettings } from './payment-settings.js';

export interface GuestCheckoutView {
  holdId: string;
  /** Proves the checkout page (and the receipt link) is the guest's. */
  secret: string;
  clientSecret: string | null;
  publishableKey: string | null;
  amount: string;
  currency: string;
  status: HoldStatus;
  receiptUrl: string;
  failureReason: string | null;
}

/** How the guest's station is started: the operations area's remote start, as the system. */
export interface GuestStationStarter {
  start(stationIdentity: string, connectorId: number, idTag: string): Promise<{ accepted: boolean; reason: string }>;
}

const startInput = z.object({
  stationIdentity: z.string().trim().min(1).max(100),
  connectorId: z.number().int().min(1).max(1000),
  email: z.string().trim().toLowerCase().email().max(320),
});

// OCPP 1.6 idTags are at most 20 characters: "G" and 19 random ones (about 98 bits).
const TAG_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const guestTag = () => 'G' + Array.from({ length: 19 }, () => TAG_ALPHABET[randomInt(TAG_ALPHABET.length)]).join('');
const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

/**
 * Ad hoc charging with no account: a hold the checkout page confirms; once the provider says it
 * is authorised, the station is started with a one-off idTag; the receipt is behind a link.
 */
export class GuestCheckoutService {
  // Anyone may start a checkout: a few per address and quarter hour, so nobody floods the provider.
  private readonly perAddress = new RateLimiter(10, 15 * 60_000);

  constructor(
    private readonly orm: MikroORM,
    private readonly provider: PaymentProvider | null,
    private readonly settings: PaymentSettings,
    private readonly stations: StationRepository,
    private readonly idTokens: IdTokenService,
    private readonly jobs: JobQueue,
    private readonly starter: GuestStationStarter,
    private readonly cdrs: CdrSource | null,
    private readonly log: Logger,
  ) {}

  async start(caller: Caller, input: { stationIdentity: string; connectorId: number; email: string }): Promise<GuestCheckoutView> {
    if (!this.provider) throw paymentsDisabled();
    const data = parseInput(startInput, input, invalidPayment);
    const address = caller.remoteAddress ?? 'unknown';
    const wait = this.perAddress.retryAfter(address);
    if (wait > 0) throw new PaymentsError('RATE_LIMITED', `too many guest checkouts; try again in ${wait} s`, { retryAfterSeconds: wait });
    this.perAddress.hit(address);
    const station = await this.stations.requireRef(data.stationIdentity);
    const holdId = randomUUID();
    const secret = randomBytes(24).toString('base64url');
    const idempotencyKey = `guest:${holdId}`;
    const intent = await this.provider.createHold({
      amountMinor: this.settings.holdAmountMinor,
      currency: this.settings.currency,
      idempotencyKey,
      metadata: { holdId, stationIdentity: data.stationIdentity, connectorId: String(data.connectorId) },
      offSession: false,
      confirm: false,
      description: `Charging at ${data.stationIdentity} (amount held, the final cost is taken after the session)`,
      receiptEmail: data.email,
    });
    const em = this.orm.em.fork();
    const hold = em.create(PaymentHoldSchema, {
      id: holdId,
      user: null,
      guestEmail: data.email,
      station: station.id,
      connectorId: data.connectorId,
      providerIntentId: intent.id,
      idempotencyKey,
      amountMinor: this.settings.holdAmountMinor,
      currency: this.settings.currency,
      status: 'PENDING_CONFIRMATION',
      expiresAt: new Date(Date.now() + this.settings.holdTtlMs),
      clientSecret: intent.clientSecret,
      guestSecretHash: hashOf(secret),
    });
    await em.flush();
    return this.view(hold, secret);
  }

  /** For the checkout page to poll; NOT_FOUND unless the secret matches. */
  async status(holdId: string, secret: string): Promise<GuestCheckoutView> {
    return this.view(await this.requireGuestHold(holdId, secret), secret);
  }

  /** The provider authorised a guest's hold: start the station (a job: it survives a restart). */
  async onAuthorised(intentId: string): Promise<void> {
    await this.orm.em.fork().transactional(async (em) => {
      const moved = await em.nativeUpdate(
        PaymentHoldSchema,
        { providerIntentId: intentId, status: 'PENDING_CONFIRMATION', user: null },
        { status: 'HELD', updatedAt: new Date() },
      );
      const hold = moved ? await em.findOne(PaymentHoldSchema, { providerIntentId: intentId }) : null;
      if (hold) await this.jobs.send('payments.guest-start', { holdId: hold.id }, { within: em });
    });
  }

  /** The job: a one-off idTag for the guest, then the remote start; a refused start releases the hold. */
  async startStation(holdId: string): Promise<void> {
    const em = this.orm.em.fork();
    const hold = await em.findOne(PaymentHoldSchema, { id: holdId, user: null, status: 'HELD', session: null }, { populate: ['station'] });
    const station = hold?.station as unknown as { identity: string; organisation?: unknown } | null;
    if (!hold || !station || hold.connectorId == null) return;
    if (!hold.guestIdTag) {
      const value = guestTag();
      await this.idTokens.issue(SYSTEM_CALLER, {
        value,
        type: 'CENTRAL',
        label: `Guest checkout ${hold.id.slice(0, 8)}`,
        organisationId: refId(station.organisation as never),
        expiresAt: hold.expiresAt,
        maxConcurrentSessions: 1,
      });
      hold.guestIdTag = value;
      await em.flush();
    }
    let outcome: { accepted: boolean; reason: string };
    try {
      outcome = await this.starter.start(station.identity, hold.connectorId, hold.guestIdTag!);
    } catch (err) {
      outcome = { accepted: false, reason: err instanceof Error ? err.message : 'the station could not be started' };
    }
    if (outcome.accepted) return;
    // Not started: the guest's money is released at once rather than at expiry.
    await this.provider?.cancel(hold.providerIntentId!).catch((err) => this.log.warn('could not release a guest hold', { holdId, err }));
    await em.nativeUpdate(PaymentHoldSchema, { id: hold.id, status: 'HELD', session: null }, { status: 'RELEASED', failureReason: `the station did not start: ${outcome.reason}` });
  }

  /** What the receipt link shows: the hold, what was taken, the session's CDR totals and the invoice number. */
  async receipt(holdId: string, secret: string): Promise<Record<string, unknown>> {
    const hold = await this.requireGuestHold(holdId, secret);
    const em = this.orm.em.fork();
    const payment = await em.findOne(PaymentSchema, { hold: hold.id, kind: 'CAPTURE' });
    const cdr = payment?.cdrId && this.cdrs ? await this.cdrs.byId(payment.cdrId) : null;
    return {
      holdId: hold.id,
      status: hold.status,
      email: hold.guestEmail,
      currency: hold.currency,
      amountHeld: fromMinorUnits(hold.amountMinor, hold.currency),
      amountPaid: payment?.status === 'SUCCEEDED' ? fromMinorUnits(payment.amountMinor, payment.currency) : null,
      paymentFailure: payment?.status === 'FAILED' ? payment.failureReason : (hold.failureReason ?? null),
      invoiceNumber: payment?.invoiceNumber ?? null,
      session: cdr
        ? {
            stationIdentity: cdr.stationIdentity,
            connectorId: cdr.connectorId,
            startedAt: cdr.startedAt.toISOString(),
            stoppedAt: cdr.stoppedAt.toISOString(),
            energyWh: cdr.totalEnergyWh,
            totalExclVat: formatMoney(cdr.totalExclVat, cdr.currency),
            totalVat: formatMoney(cdr.totalVat, cdr.currency),
            totalInclVat: formatMoney(cdr.totalInclVat, cdr.currency),
            currency: cdr.currency,
          }
        : null,
    };
  }

  private async requireGuestHold(holdId: string, secret: string): Promise<PaymentHold> {
    const hold = isUuid(holdId) ? await this.orm.em.fork().findOne(PaymentHoldSchema, { id: holdId, user: null }) : null;
    const expected = hold?.guestSecretHash ? Buffer.from(hold.guestSecretHash, 'hex') : null;
    const given = Buffer.from(hashOf(secret), 'hex');
    if (!hold || !expected || !timingSafeEqual(expected, given)) {
      throw new PaymentsError('GUEST_CHECKOUT_NOT_FOUND', `no guest checkout ${holdId} with this secret`);
    }
    return hold;
  }

  private view(hold: PaymentHold, secret: string): GuestCheckoutView {
    return {
      holdId: hold.id,
      secret,
      clientSecret: hold.clientSecret ?? null,
      publishableKey: this.settings.publishableKey,
      amount: fromMinorUnits(hold.amountMinor, hold.currency),
      currency: hold.currency,
      status: hold.status,
      receiptUrl: `${this.settings.publicUrl()}/receipts/${hold.id}/${secret}`,
      failureReason: hold.failureReason ?? null,
    };
  }
}
