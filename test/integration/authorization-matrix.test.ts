import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { schema } from '../../src/graphql/schema.js';
import { aDriver, anOperator, dataOf, logIn, startTestApp, uniqueId, type GqlResponse, type TestApp } from '../helpers/test-app.js';

// Every operation of the API against every kind of caller. The expectations are written out
// here by hand, not derived from the code's rules: changing who may do what means changing
// this table, and an operation added without a row fails the first test.

type Caller = 'anonymous' | 'driver' | 'operator' | 'admin' | 'apiKey';
const CALLERS: Caller[] = ['anonymous', 'driver', 'operator', 'admin', 'apiKey'];

const D = 'driver' as const;
const O = 'operator' as const;
const A = 'admin' as const;
const K = 'apiKey' as const; // a key with every scope a key can have
const EVERYONE = CALLERS;
const SIGNED_IN: Caller[] = [D, O, A, K];
const STAFF: Caller[] = [O, A, K];

const NO_ID = '00000000-0000-4000-8000-000000000000';

interface Row {
  doc: string;
  vars?: Record<string, unknown>;
  allowed: Caller[];
}

const QUERIES: Record<string, Row> = {
  me: { doc: `{ me { id } }`, allowed: SIGNED_IN },
  user: { doc: `query($id: ID!) { user(id: $id) { id } }`, vars: { id: NO_ID }, allowed: SIGNED_IN },
  users: { doc: `{ users(first: 1) { edges { node { id } } } }`, allowed: STAFF },
  organisations: { doc: `{ organisations { id } }`, allowed: SIGNED_IN },
  organisation: { doc: `query($id: ID!) { organisation(id: $id) { id } }`, vars: { id: NO_ID }, allowed: SIGNED_IN },
  apiKeys: { doc: `{ apiKeys { id } }`, allowed: [O, A] },
  auditEvents: { doc: `{ auditEvents(first: 1) { edges { node { id } } } }`, allowed: STAFF },
  station: { doc: `{ station(identity: "NOPE") { id } }`, allowed: SIGNED_IN },
  stations: { doc: `{ stations(first: 1) { edges { node { id } } } }`, allowed: SIGNED_IN },
  idToken: { doc: `{ idToken(value: "NOPE") { id } }`, allowed: SIGNED_IN },
  idTokens: { doc: `{ idTokens(first: 1) { edges { node { id } } } }`, allowed: SIGNED_IN },
  stationAccess: { doc: `{ stationAccess(stationIdentity: "NOPE") { mode } }`, allowed: STAFF },
  stationAccessGrants: { doc: `{ stationAccessGrants(stationIdentity: "NOPE") { id } }`, allowed: STAFF },
  chargingSession: { doc: `query($id: ID!) { chargingSession(id: $id) { id } }`, vars: { id: NO_ID }, allowed: SIGNED_IN },
  chargingSessions: { doc: `{ chargingSessions(first: 1) { edges { node { id } } } }`, allowed: SIGNED_IN },
  // Charge detail records: drivers their own, staff their stations'.
  cdrs: { doc: `{ cdrs(first: 1) { edges { node { id } } } }`, allowed: SIGNED_IN },
  cdr: { doc: `query($id: ID!) { cdr(id: $id) { id } }`, vars: { id: NO_ID }, allowed: SIGNED_IN },
  reservation: { doc: `{ reservation(id: 1) { id } }`, allowed: SIGNED_IN },
  fault: { doc: `query($id: ID!) { fault(id: $id) { id } }`, vars: { id: NO_ID }, allowed: STAFF },
  faults: { doc: `{ faults(first: 1) { edges { node { id } } } }`, allowed: STAFF },
  alerts: { doc: `{ alerts(first: 1) { edges { node { id } } } }`, allowed: STAFF },
  diagnosticsRequest: { doc: `query($id: ID!) { diagnosticsRequest(id: $id) { id } }`, vars: { id: NO_ID }, allowed: STAFF },
  firmwareFile: { doc: `query($id: ID!) { firmwareFile(id: $id) { id } }`, vars: { id: NO_ID }, allowed: STAFF },
  firmwareFiles: { doc: `{ firmwareFiles(first: 1) { edges { node { id } } } }`, allowed: STAFF },
  firmwareRollout: { doc: `query($id: ID!) { firmwareRollout(id: $id) { id } }`, vars: { id: NO_ID }, allowed: STAFF },
  firmwareRollouts: { doc: `{ firmwareRollouts(first: 1) { edges { node { id } } } }`, allowed: STAFF },
  plans: { doc: `{ plans(first: 1) { edges { node { id } } } }`, allowed: STAFF },
  availablePlans: { doc: `query($id: ID!) { availablePlans(organisationId: $id) { id } }`, vars: { id: NO_ID }, allowed: EVERYONE },
  mySubscriptions: { doc: `{ mySubscriptions { id } }`, allowed: [D] },
  subscriptions: { doc: `{ subscriptions(first: 1) { edges { node { id } } } }`, allowed: STAFF },
  // Drivers their own invoices (billing:self), staff their organisation's (billing:read).
  invoices: { doc: `{ invoices(first: 1) { edges { node { id } } } }`, allowed: SIGNED_IN },
  invoice: { doc: `query($id: ID!) { invoice(id: $id) { id } }`, vars: { id: NO_ID }, allowed: SIGNED_IN },
  revenue: { doc: `{ revenue(input: { from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z" }) { currency } }`, allowed: STAFF },
  unpaidInvoices: { doc: `{ unpaidInvoices(first: 1) { edges { node { id } } } }`, allowed: STAFF },
  tariff: { doc: `query($id: ID!) { tariff(id: $id) { id } }`, vars: { id: NO_ID }, allowed: STAFF },
  tariffs: { doc: `{ tariffs(first: 1) { edges { node { id } } } }`, allowed: STAFF },
  // Price transparency: anyone, logged in or not.
  priceAt: { doc: `{ priceAt(stationIdentity: "NOPE", connectorId: 1) { summary } }`, allowed: EVERYONE },
  paymentMethods: { doc: `{ paymentMethods { id } }`, allowed: [D] },
  billingAccounts: { doc: `{ billingAccounts { id } }`, allowed: STAFF },
  guestCheckout: { doc: `query($id: ID!) { guestCheckout(holdId: $id, secret: "x") { status } }`, vars: { id: NO_ID }, allowed: EVERYONE },
};

// Arguments name things that do not exist (or are invalid): an allowed caller gets past the
// gate and is answered NOT_FOUND / BAD_USER_INPUT / STATION_OFFLINE; nothing changes.
const MUTATIONS: Record<string, Row> = {
  createUser: { doc: `mutation { createUser(input: { name: "" }) { id } }`, allowed: [A] },
  setUserRole: { doc: `mutation($id: ID!) { setUserRole(userId: $id, role: DRIVER) { id } }`, vars: { id: NO_ID }, allowed: [A] },
  setUserDisabled: { doc: `mutation($id: ID!) { setUserDisabled(userId: $id, disabled: true) { id } }`, vars: { id: NO_ID }, allowed: [A] },
  signUp: { doc: `mutation { signUp(input: { email: "bad", password: "x", name: "" }) { accessToken } }`, allowed: EVERYONE },
  login: { doc: `mutation { login(email: "nobody@example.test", password: "wrong password") { accessToken } }`, allowed: EVERYONE },
  refreshSession: { doc: `mutation { refreshSession(refreshToken: "rt_unknown") { accessToken } }`, allowed: EVERYONE },
  logout: { doc: `mutation { logout(refreshToken: "rt_unknown") }`, allowed: EVERYONE },
  // Run with throwaway logins of each role (see below): it ends the caller's logins.
  logoutEverywhere: { doc: `mutation { logoutEverywhere }`, allowed: SIGNED_IN },
  changePassword: { doc: `mutation { changePassword(currentPassword: "not it at all", newPassword: "x") { accessToken } }`, allowed: SIGNED_IN },
  requestPasswordReset: { doc: `mutation { requestPasswordReset(email: "nobody@example.test") }`, allowed: EVERYONE },
  resetPassword: { doc: `mutation { resetPassword(token: "pr_unknown", newPassword: "new password 1") }`, allowed: EVERYONE },
  issuePasswordReset: { doc: `mutation($id: ID!) { issuePasswordReset(userId: $id) { token } }`, vars: { id: NO_ID }, allowed: [A] },
  createOrganisation: { doc: `mutation { createOrganisation(name: "") { id } }`, allowed: [A] },
  createApiKey: { doc: `mutation { createApiKey(input: { name: "", scopes: [] }) { key } }`, allowed: [O, A] },
  revokeApiKey: { doc: `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, vars: { id: NO_ID }, allowed: [O, A] },
  setStationPassword: { doc: `mutation { setStationPassword(stationIdentity: "NOPE") { generatedPassword } }`, allowed: STAFF },
  registerStation: { doc: `mutation { registerStation(input: { identity: "a/b", name: "" }) { id } }`, allowed: STAFF },
  updateStation: { doc: `mutation { updateStation(input: { identity: "NOPE", name: "x" }) { id } }`, allowed: STAFF },
  issueIdToken: { doc: `mutation { issueIdToken(input: { value: "has space" }) { id } }`, allowed: STAFF },
  updateIdToken: { doc: `mutation($id: ID!) { updateIdToken(input: { id: $id, label: "x" }) { id } }`, vars: { id: NO_ID }, allowed: STAFF },
  blockIdToken: { doc: `mutation($id: ID!) { blockIdToken(id: $id) { id } }`, vars: { id: NO_ID }, allowed: SIGNED_IN },
  reportIdTokenLost: { doc: `mutation($id: ID!) { reportIdTokenLost(id: $id) { id } }`, vars: { id: NO_ID }, allowed: SIGNED_IN },
  unblockIdToken: { doc: `mutation($id: ID!) { unblockIdToken(id: $id) { id } }`, vars: { id: NO_ID }, allowed: STAFF },
  importIdTokens: { doc: `mutation { importIdTokens(csv: "") { imported } }`, allowed: STAFF },
  claimIdToken: { doc: `mutation { claimIdToken(printedNumber: "NOPE", uid: "zz") { id } }`, allowed: [D] },
  createAppToken: { doc: `mutation { createAppToken { id } }`, allowed: [D] },
  renameIdToken: { doc: `mutation($id: ID!) { renameIdToken(id: $id, label: "x") { id } }`, vars: { id: NO_ID }, allowed: SIGNED_IN },
  removeIdToken: { doc: `mutation($id: ID!) { removeIdToken(id: $id) { id } }`, vars: { id: NO_ID }, allowed: SIGNED_IN },
  setStationAccessMode: { doc: `mutation { setStationAccessMode(stationIdentity: "NOPE", mode: RESTRICTED) { mode } }`, allowed: STAFF },
  grantStationAccess: { doc: `mutation { grantStationAccess(input: { stationIdentity: "NOPE", parentIdTag: "G" }) { id } }`, allowed: STAFF },
  revokeStationAccess: { doc: `mutation($id: ID!) { revokeStationAccess(id: $id) { id } }`, vars: { id: NO_ID }, allowed: STAFF },
  startCharging: { doc: `mutation { startCharging(stationIdentity: "NOPE", connectorId: 1) { accepted } }`, allowed: SIGNED_IN },
  creditCdr: { doc: `mutation($id: ID!) { creditCdr(input: { cdrId: $id, reason: "x" }) { id } }`, vars: { id: NO_ID }, allowed: STAFF },
  stopCharging: { doc: `mutation($id: ID!) { stopCharging(sessionId: $id) { accepted } }`, vars: { id: NO_ID }, allowed: SIGNED_IN },
  resetStation: { doc: `mutation { resetStation(stationIdentity: "NOPE", type: SOFT) { accepted } }`, allowed: STAFF },
  unlockConnector: { doc: `mutation { unlockConnector(stationIdentity: "NOPE", connectorId: 1) { accepted } }`, allowed: STAFF },
  changeAvailability: { doc: `mutation { changeAvailability(stationIdentity: "NOPE", available: false) { accepted } }`, allowed: STAFF },
  getStationConfiguration: { doc: `mutation { getStationConfiguration(stationIdentity: "NOPE") { command { id } } }`, allowed: STAFF },
  changeStationConfiguration: {
    doc: `mutation { changeStationConfiguration(stationIdentity: "NOPE", key: "K", value: "V") { accepted } }`,
    allowed: STAFF,
  },
  clearStationCache: { doc: `mutation { clearStationCache(stationIdentity: "NOPE") { accepted } }`, allowed: STAFF },
  triggerMessage: { doc: `mutation { triggerMessage(stationIdentity: "NOPE", message: HEARTBEAT) { accepted } }`, allowed: STAFF },
  sendDataTransfer: { doc: `mutation { sendDataTransfer(stationIdentity: "NOPE", vendorId: "V") { accepted } }`, allowed: STAFF },
  getLocalListVersion: { doc: `mutation { getLocalListVersion(stationIdentity: "NOPE") { version } }`, allowed: STAFF },
  sendLocalList: { doc: `mutation { sendLocalList(stationIdentity: "NOPE", mode: FULL) { accepted } }`, allowed: STAFF },
  reserveConnector: {
    doc: `mutation { reserveConnector(stationIdentity: "NOPE", connectorId: 1, expiresAt: "2030-01-01T00:00:00Z") { accepted } }`,
    allowed: SIGNED_IN,
  },
  cancelReservation: { doc: `mutation { cancelReservation(reservationId: 1) { accepted } }`, allowed: SIGNED_IN },
  setChargingLimit: { doc: `mutation { setChargingLimit(stationIdentity: "NOPE", limit: 1000, unit: W) { accepted } }`, allowed: STAFF },
  clearChargingLimit: { doc: `mutation { clearChargingLimit(stationIdentity: "NOPE") { accepted } }`, allowed: STAFF },
  getCompositeSchedule: { doc: `mutation { getCompositeSchedule(stationIdentity: "NOPE", durationSeconds: 60) { accepted } }`, allowed: STAFF },
  requestDiagnostics: { doc: `mutation { requestDiagnostics(input: { stationIdentity: "NOPE" }) { id } }`, allowed: STAFF },
  updateFirmware: {
    doc: `mutation { updateFirmware(input: { stationIdentities: ["NOPE"], location: "https://example.com/fw.bin", retrieveAt: "2030-01-01T00:00:00Z" }) { id } }`,
    allowed: STAFF,
  },
  createPlan: { doc: `mutation { createPlan(input: { name: "", currency: "XXX", monthlyFee: "1" }) { id } }`, allowed: STAFF },
  updatePlan: { doc: `mutation($id: ID!) { updatePlan(input: { id: $id, name: "x" }) { id } }`, vars: { id: NO_ID }, allowed: STAFF },
  subscribe: { doc: `mutation($id: ID!) { subscribe(planId: $id) { id } }`, vars: { id: NO_ID }, allowed: [D] },
  cancelSubscription: { doc: `mutation($id: ID!) { cancelSubscription(subscriptionId: $id) { id } }`, vars: { id: NO_ID }, allowed: [D] },
  issueCreditNote: { doc: `mutation($id: ID!) { issueCreditNote(input: { invoiceId: $id, reason: "x" }) { id } }`, vars: { id: NO_ID }, allowed: STAFF },
  createTariff: { doc: `mutation { createTariff(input: { name: "x", currency: "XXX", elements: [] }) { id } }`, allowed: STAFF },
  importOcpiTariff: { doc: `mutation { importOcpiTariff(ocpi: "not an object") { id } }`, allowed: STAFF },
  updateTariff: {
    doc: `mutation($id: ID!) { updateTariff(input: { id: $id, currency: "EUR", elements: [] }) { id } }`,
    vars: { id: NO_ID },
    allowed: STAFF,
  },
  assignTariff: { doc: `mutation($id: ID!) { assignTariff(input: { tariffId: $id }) { id } }`, vars: { id: NO_ID }, allowed: STAFF },
  unassignTariff: { doc: `mutation { unassignTariff(input: { stationIdentity: "NOPE" }) }`, allowed: STAFF },
  addPaymentMethod: { doc: `mutation { addPaymentMethod { clientSecret } }`, allowed: [D] },
  removePaymentMethod: { doc: `mutation { removePaymentMethod(id: "pm_nope") { id } }`, allowed: [D] },
  setDefaultPaymentMethod: { doc: `mutation { setDefaultPaymentMethod(id: "pm_nope") { id } }`, allowed: [D] },
  createBillingAccount: { doc: `mutation { createBillingAccount(input: { name: "" }) { id } }`, allowed: STAFF },
  addBillingAccountMember: {
    doc: `mutation($id: ID!) { addBillingAccountMember(billingAccountId: $id, userId: $id) { id } }`,
    vars: { id: NO_ID },
    allowed: STAFF,
  },
  startGuestCharging: { doc: `mutation { startGuestCharging(stationIdentity: "NOPE", connectorId: 1, email: "g@example.test") { holdId } }`, allowed: EVERYONE },
};

const SUBSCRIPTIONS: Record<string, Row> = {
  stationStatusChanged: { doc: `subscription { stationStatusChanged { stationIdentity } }`, allowed: SIGNED_IN },
  meterValuesReceived: { doc: `subscription { meterValuesReceived { transactionId } }`, allowed: SIGNED_IN },
  chargingSessionUpdated: { doc: `subscription { chargingSessionUpdated { id } }`, allowed: SIGNED_IN },
  stationAlerts: { doc: `subscription { stationAlerts { kind } }`, allowed: STAFF },
  firmwareJobUpdated: { doc: `subscription { firmwareJobUpdated { id } }`, allowed: STAFF },
};

let app: TestApp;
const credentials = {} as Record<Caller, string | null>;

beforeAll(async () => {
  app = await startTestApp({ AUTH_LOGIN_LIMIT_PER_ADDRESS: '10000', AUTH_LOGIN_LIMIT_PER_ACCOUNT: '10000' });
  const driver = await aDriver(app);
  const operator = await anOperator(app);
  // A second admin, so that nothing here can end the login the test helpers use.
  const adminEmail = `${uniqueId('admin').toLowerCase()}@example.test`;
  dataOf(await app.gql(`mutation($e: String!) { createUser(input: { name: "Admin", email: $e, role: ADMIN, password: "admin password 2" }) { id } }`, { e: adminEmail }));
  const admin = await logIn(app, adminEmail, 'admin password 2');
  const key = dataOf(
    await app.gql<{ createApiKey: { key: string } }>(
      `mutation($o: ID!) { createApiKey(input: { name: "matrix", organisationId: $o, scopes: [STATIONS_READ, STATIONS_MANAGE, STATIONS_COMMAND, MONITORING_READ, SESSIONS_READ, TOKENS_READ, TOKENS_MANAGE, USERS_READ, AUDIT_READ, TARIFFS_MANAGE, BILLING_READ, BILLING_MANAGE] }) { key } }`,
      { o: operator.organisationId },
    ),
  ).createApiKey.key;
  Object.assign(credentials, { anonymous: null, driver: driver.accessToken, operator: operator.accessToken, admin: admin.accessToken, apiKey: key });
});
afterAll(() => app?.stop());

/** Refused at the gate: a scope failure, not a domain error (those carry a `reason`). */
function refusal(res: GqlResponse<unknown>): string | null {
  const error = res.errors?.find((e) => e.extensions?.code === 'UNAUTHENTICATED' || e.extensions?.code === 'FORBIDDEN');
  return error && !error.extensions?.reason ? String(error.extensions?.code) : null;
}

const expectedRefusal = (caller: Caller) => (caller === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');

it('has a row for every operation of the schema', () => {
  const names = (type: { getFields(): Record<string, unknown> } | null | undefined) => Object.keys(type?.getFields() ?? {}).sort();
  expect(Object.keys(QUERIES).sort()).toEqual(names(schema.getQueryType()));
  expect(Object.keys(MUTATIONS).sort()).toEqual(names(schema.getMutationType()));
  expect(Object.keys(SUBSCRIPTIONS).sort()).toEqual(names(schema.getSubscriptionType()));
});

const cases = (rows: Record<string, Row>) =>
  Object.entries(rows).flatMap(([name, row]) => CALLERS.map((caller) => ({ name, caller, row, allowed: row.allowed.includes(caller) })));

describe.each([
  ['query', QUERIES],
  ['mutation', MUTATIONS],
])('every %s, every caller', (_kind, rows) => {
  it.each(cases(rows))('$name as $caller: allowed=$allowed', async ({ name, caller, row, allowed }) => {
    let credential = credentials[caller];
    if ((name === 'logoutEverywhere' || name === 'changePassword') && caller !== 'anonymous' && caller !== 'apiKey') {
      credential = await throwawayLogin(caller);
    }
    const res = await app.gqlAs(credential, row.doc, row.vars);
    // A document that does not validate would prove nothing either way.
    expect(res.errors?.filter((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED') ?? []).toEqual([]);
    if (allowed) expect(refusal(res), JSON.stringify(res.errors)).toBeNull();
    else {
      expect(refusal(res), JSON.stringify(res)).toBe(expectedRefusal(caller));
      expect((res.data as Record<string, unknown> | undefined)?.[name] ?? null).toBeNull();
    }
  });
});

describe('every subscription, every caller', () => {
  it.each(cases(SUBSCRIPTIONS))('$name as $caller: allowed=$allowed', async ({ caller, row, allowed }) => {
    const errors = await subscriptionErrors(credentials[caller], row.doc);
    if (allowed) expect(errors).toEqual([]);
    else expect(errors.map((e) => e.extensions?.code)).toEqual([expectedRefusal(caller)]);
  });
});

/** A fresh login of the role, for operations that end the caller's logins. */
async function throwawayLogin(caller: Caller): Promise<string> {
  if (caller === 'driver') return (await aDriver(app)).accessToken;
  const email = `${uniqueId(caller).toLowerCase()}@example.test`;
  const role = caller === 'admin' ? 'ADMIN' : 'OPERATOR';
  const orgId = caller === 'operator' ? (await anOperator(app)).organisationId : null;
  dataOf(
    await app.gql(`mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, {
      i: { name: caller, email, role, organisationId: orgId, password: 'throwaway password' },
    }),
  );
  return (await logIn(app, email, 'throwaway password')).accessToken;
}

/** Errors the subscription got on subscribing (refusals come at once), or [] if it was accepted. */
async function subscriptionErrors(credential: string | null, query: string): Promise<{ extensions?: Record<string, unknown> }[]> {
  const client = createClient({
    url: `${app.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: credential ? { authorization: `Bearer ${credential}` } : {},
  });
  try {
    return await new Promise((resolve, reject) => {
      const settle = setTimeout(() => resolve([]), 400);
      client.subscribe(
        { query },
        {
          next: (result) => {
            clearTimeout(settle);
            resolve((result.errors ?? []) as never);
          },
          error: (err) => {
            clearTimeout(settle);
            if (Array.isArray(err)) resolve(err as never);
            else reject(err instanceof Error ? err : new Error(JSON.stringify(err)));
          },
          complete: () => {},
        },
      );
    });
  } finally {
    await client.dispose();
  }
}
