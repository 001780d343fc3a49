import type { BillingAccountView } from '../../domain/payments/billing-account.service.js';
import type { GuestCheckoutView } from '../../domain/payments/guest-checkout.service.js';
import { HOLD_STATUSES } from '../../domain/payments/payment.entity.js';
import type { PaymentMethodView } from '../../domain/payments/payment-method.service.js';
import { builder } from '../builder.js';
import { anyPermission } from '../scopes.js';

// Payments: a driver's saved cards (billing:self), fleets' billing accounts (operators), and
// ad hoc charging for guests with no account (public, behind a checkout secret).

const BILLING_ACCOUNTS_READ = anyPermission('tariffs:manage', 'billing:read');

const PaymentMethodRef = builder.objectRef<PaymentMethodView>('PaymentMethod').implement({
  description: 'A saved card. Apple Pay and Google Pay arrive as cards, with `wallet` saying which.',
  authScopes: { permission: 'billing:self' },
  fields: (t) => ({
    id: t.exposeID('id'),
    brand: t.exposeString('brand', { nullable: true }),
    last4: t.exposeString('last4', { nullable: true }),
    expMonth: t.exposeInt('expMonth', { nullable: true }),
    expYear: t.exposeInt('expYear', { nullable: true }),
    wallet: t.exposeString('wallet', { nullable: true, description: 'apple_pay, google_pay, …; null for a card entered as such.' }),
    isDefault: t.exposeBoolean('isDefault', { description: 'The method holds and charges use.' }),
  }),
});

const PaymentMethodSetupRef = builder.objectRef<{ clientSecret: string; publishableKey: string }>('PaymentMethodSetup').implement({
  description: "What the app needs to save a card with the provider's SDK (a SetupIntent's client secret).",
  authScopes: { permission: 'billing:self' },
  fields: (t) => ({ clientSecret: t.exposeString('clientSecret'), publishableKey: t.exposeString('publishableKey') }),
});

const HoldStatusEnum = builder.enumType('PaymentHoldStatus', {
  values: HOLD_STATUSES,
  description:
    'PENDING_CONFIRMATION: waiting for the checkout page. HELD: authorised, the station is being started. ATTACHED: charging. ' +
    'CAPTURED: paid. RELEASED: nothing taken. FAILED: refused. EXPIRED: never used in time, released.',
});

const GuestCheckoutRef = builder.objectRef<GuestCheckoutView>('GuestCheckout').implement({
  description: 'Ad hoc charging with no account: confirm `clientSecret` with the provider (Stripe.js); the station starts once the amount is held.',
  authScopes: { public: true },
  fields: (t) => ({
    holdId: t.exposeID('holdId'),
    secret: t.exposeString('secret', { description: 'Keep it: guestCheckout and the receipt link need it.' }),
    clientSecret: t.exposeString('clientSecret', { nullable: true }),
    publishableKey: t.exposeString('publishableKey', { nullable: true }),
    amount: t.expose('amount', { type: 'Decimal', description: 'Held before the start; only the final cost is taken.' }),
    currency: t.exposeString('currency'),
    status: t.expose('status', { type: HoldStatusEnum }),
    failureReason: t.exposeString('failureReason', { nullable: true }),
    receiptUrl: t.exposeString('receiptUrl'),
  }),
});

const BillingAccountRef = builder.objectRef<BillingAccountView>('BillingAccount').implement({
  description: "A fleet or business customer paying by invoice: its drivers' sessions go on a monthly invoice from each operator.",
  authScopes: BILLING_ACCOUNTS_READ,
  fields: (t) => ({
    id: t.exposeID('id'),
    organisationId: t.exposeID('organisationId', { description: 'The operator that manages the account.' }),
    name: t.exposeString('name'),
    email: t.exposeString('email', { nullable: true }),
    address: t.exposeString('address', { nullable: true }),
    vatId: t.exposeString('vatId', { nullable: true }),
    active: t.exposeBoolean('active'),
    memberUserIds: t.exposeIDList('memberUserIds'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const CreateBillingAccountInput = builder.inputType('CreateBillingAccountInput', {
  fields: (t) => ({
    organisationId: t.id({ description: "Admins: the operator billing it. Operators: always their own (leave it out)." }),
    name: t.string({ required: true }),
    email: t.string(),
    address: t.string(),
    vatId: t.string(),
  }),
});

builder.queryFields((t) => ({
  paymentMethods: t.field({
    type: [PaymentMethodRef],
    description: "The driver's saved cards. PAYMENTS_DISABLED when card payment is off.",
    authScopes: { permission: 'billing:self' },
    resolve: (_root, _args, ctx) => ctx.services.paymentMethods.list(ctx.caller),
  }),
  billingAccounts: t.field({
    type: [BillingAccountRef],
    description: "Operators: their organisation's accounts; admins: all.",
    authScopes: BILLING_ACCOUNTS_READ,
    resolve: (_root, _args, ctx) => ctx.services.billingAccounts.list(ctx.caller),
  }),
  guestCheckout: t.field({
    type: GuestCheckoutRef,
    description: "A guest checkout's state, for its page to poll. NOT_FOUND unless the secret is the checkout's.",
    args: { holdId: t.arg.id({ required: true }), secret: t.arg.string({ required: true }) },
    authScopes: { public: true },
    resolve: (_root, args, ctx) => ctx.services.guestCheckout.status(String(args.holdId), args.secret),
  }),
}));

builder.mutationFields((t) => ({
  addPaymentMethod: t.field({
    type: PaymentMethodSetupRef,
    description: 'Starts saving a card (or a wallet): confirm the client secret with the provider SDK. The first saved becomes the default.',
    authScopes: { permission: 'billing:self' },
    resolve: (_root, _args, ctx) => ctx.services.paymentMethods.addPaymentMethod(ctx.caller),
  }),
  removePaymentMethod: t.field({
    type: [PaymentMethodRef],
    description: 'Removes a saved card; the remaining ones are returned.',
    args: { id: t.arg.id({ required: true }) },
    authScopes: { permission: 'billing:self' },
    resolve: (_root, args, ctx) => ctx.services.paymentMethods.remove(ctx.caller, String(args.id)),
  }),
  setDefaultPaymentMethod: t.field({
    type: [PaymentMethodRef],
    args: { id: t.arg.id({ required: true }) },
    authScopes: { permission: 'billing:self' },
    resolve: (_root, args, ctx) => ctx.services.paymentMethods.setDefault(ctx.caller, String(args.id)),
  }),
  createBillingAccount: t.field({
    type: BillingAccountRef,
    args: { input: t.arg({ type: CreateBillingAccountInput, required: true }) },
    authScopes: { permission: 'tariffs:manage' },
    resolve: (_root, { input }, ctx) =>
      ctx.services.billingAccounts.create(ctx.caller, { ...input, organisationId: input.organisationId ? String(input.organisationId) : null }),
  }),
  addBillingAccountMember: t.field({
    type: BillingAccountRef,
    description: "The driver's sessions are billed to the account from now on (no card hold). A driver belongs to one account at most.",
    args: { billingAccountId: t.arg.id({ required: true }), userId: t.arg.id({ required: true }) },
    authScopes: { permission: 'tariffs:manage' },
    resolve: (_root, args, ctx) => ctx.services.billingAccounts.addMember(ctx.caller, String(args.billingAccountId), String(args.userId)),
  }),
  startGuestCharging: t.field({
    type: GuestCheckoutRef,
    description:
      'Ad hoc charging with no account: holds the configured amount (confirm it on the checkout page); the station starts once the provider ' +
      'confirms the hold, and the final cost is taken after the session. PAYMENTS_DISABLED when card payment is off.',
    args: {
      stationIdentity: t.arg.string({ required: true }),
      connectorId: t.arg.int({ required: true }),
      email: t.arg.string({ required: true, description: 'Where the receipt goes.' }),
    },
    authScopes: { public: true },
    resolve: (_root, args, ctx) => ctx.services.guestCheckout.start(ctx.caller, args),
  }),
}));
