import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { ChargingSessionSchema } from '../sessions/charging-session.entity.js';
import { StationSchema } from '../stations/station.entity.js';
import { UserSchema } from '../users/user.entity.js';

// The payments area's rows: a user's customer at the provider, holds placed before a start,
// the payments taken, and the webhook events already handled.

/** A user's customer at the payment provider, and the saved method charged by default. */
export const PaymentCustomerSchema = defineEntity({
  name: 'PaymentCustomer',
  tableName: 'payment_customer',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    user: p.manyToOne(UserSchema).unique().deleteRule('cascade'),
    providerCustomerId: p.string().length(100).unique(),
    defaultPaymentMethodId: p.string().length(100).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type PaymentCustomer = InferEntity<typeof PaymentCustomerSchema>;

// PENDING_CONFIRMATION: a guest's intent, waiting for the checkout page. HELD: authorised, no
// session yet. ATTACHED: a session started with it. CAPTURED / RELEASED: settled. FAILED: the
// hold or its capture was refused. EXPIRED: never attached in time, released.
export const HOLD_STATUSES = ['PENDING_CONFIRMATION', 'HELD', 'ATTACHED', 'CAPTURED', 'RELEASED', 'FAILED', 'EXPIRED'] as const;
export type HoldStatus = (typeof HOLD_STATUSES)[number];

export const PaymentHoldSchema = defineEntity({
  name: 'PaymentHold',
  tableName: 'payment_hold',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    // A driver's hold; null for a guest (then guestEmail).
    user: p.manyToOne(UserSchema).nullable().deleteRule('set null'),
    guestEmail: p.string().length(320).nullable(),
    station: p.manyToOne(StationSchema).nullable().deleteRule('set null'),
    connectorId: p.smallint().nullable(),
    session: p.manyToOne(ChargingSessionSchema).nullable().deleteRule('set null'),
    providerIntentId: p.string().length(100).nullable().unique(),
    // The provider's idempotency key of the hold: one per driver, station and minute.
    idempotencyKey: p.string().length(200).unique(),
    amountMinor: p.integer(),
    currency: p.string().length(3),
    status: p.enum([...HOLD_STATUSES]),
    expiresAt: p.datetime(),
    failureReason: p.text().nullable(),
    capturedMinor: p.integer().nullable(),
    // Guest checkout: what the page needs, the hash of the link's secret, and the one-off idTag.
    clientSecret: p.string().length(200).nullable(),
    guestSecretHash: p.string().length(64).nullable(),
    guestIdTag: p.string().length(20).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  // Pending holds of a driver at a station; holds by session; holds to expire.
  indexes: [{ properties: ['user', 'station', 'status'] }, { properties: ['session'] }, { properties: ['status', 'expiresAt'] }],
});
export type PaymentHold = InferEntity<typeof PaymentHoldSchema>;

export const PAYMENT_KINDS = ['CAPTURE', 'CHARGE', 'REFUND'] as const;
export const PAYMENT_STATUSES = ['SUCCEEDED', 'FAILED'] as const;

/** Money taken (or given back), one row per provider call that moved it. */
export const PaymentSchema = defineEntity({
  name: 'Payment',
  tableName: 'payment',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    kind: p.enum([...PAYMENT_KINDS]),
    status: p.enum([...PAYMENT_STATUSES]),
    hold: p.manyToOne(PaymentHoldSchema).nullable().deleteRule('set null'),
    user: p.manyToOne(UserSchema).nullable().deleteRule('set null'),
    // The CDR and invoice it pays (rows of the cdrs and invoices areas, by id).
    cdrId: p.uuid().nullable(),
    invoiceId: p.uuid().nullable(),
    invoiceNumber: p.string().length(50).nullable(),
    provider: p.string().length(20),
    providerReference: p.string().length(100).nullable(),
    amountMinor: p.integer(),
    currency: p.string().length(3),
    failureReason: p.text().nullable(),
    // Also the provider's idempotency key: a retry never moves money twice.
    idempotencyKey: p.string().length(200).unique(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  indexes: [{ properties: ['cdrId'] }],
});
export type Payment = InferEntity<typeof PaymentSchema>;

/** A provider webhook event handled: a replay of the same event id changes nothing. */
export const WebhookEventSchema = defineEntity({
  name: 'WebhookEvent',
  tableName: 'webhook_event',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    provider: p.string().length(20),
    providerEventId: p.string().length(100).unique(),
    type: p.string().length(100),
    receivedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type WebhookEvent = InferEntity<typeof WebhookEventSchema>;
