import type { StationAccessService } from '../domain/access/station-access.service.js';
import type { AccountService, RequestMeta } from '../domain/accounts/account.service.js';
import type { ApiKeyService } from '../domain/accounts/api-key.service.js';
import { actorOf, visibilityOf, type Viewer, type Visibility } from '../domain/accounts/viewer.js';
import type { Caller } from '../domain/caller.js';
import type { AuditService } from '../domain/audit/audit.service.js';
import type { CdrService } from '../domain/cdrs/cdr.service.js';
import type { LiveCosts } from '../domain/cdrs/live-costs.js';
import type { ChargingLimitService } from '../domain/operations/charging-limit.service.js';
import type { LocalListService } from '../domain/operations/local-list.service.js';
import type { ReservationService } from '../domain/operations/reservation.service.js';
import type { StationCommandService } from '../domain/operations/station-command.service.js';
import type { StationConfigurationService } from '../domain/operations/station-configuration.service.js';
import type { OrganisationService } from '../domain/organisations/organisation.service.js';
import type { DiagnosticsService } from '../domain/diagnostics/diagnostics.service.js';
import type { FirmwareFileService } from '../domain/firmware/firmware-files.service.js';
import type { FirmwareRolloutService } from '../domain/firmware/firmware-rollout.service.js';
import type { InvoiceService } from '../domain/invoices/invoice.service.js';
import type { MonitoringService } from '../domain/monitoring/monitoring.service.js';
import type { PlanService } from '../domain/plans/plan.service.js';
import type { BillingAccountService } from '../domain/payments/billing-account.service.js';
import type { GuestCheckoutService } from '../domain/payments/guest-checkout.service.js';
import type { PaymentMethodService } from '../domain/payments/payment-method.service.js';
import type { PaymentWebhookService } from '../domain/payments/payment-webhook.service.js';
import type { PaymentService } from '../domain/payments/payment.service.js';
import type { SessionService } from '../domain/sessions/session.service.js';
import type { StationRegistry } from '../domain/stations/station-registry.service.js';
import type { StationTelemetry } from '../domain/stations/station-telemetry.service.js';
import type { TariffService } from '../domain/tariffs/tariff.service.js';
import type { IdTokenService } from '../domain/users/id-token.service.js';
import type { UserService } from '../domain/users/user.service.js';
import type { EventBus } from '../events/event-bus.js';

/** Everything a resolver may reach: services and the event bus, never the ORM. */
export interface AppServices {
  accounts: AccountService;
  apiKeys: ApiKeyService;
  organisations: OrganisationService;
  audit: AuditService;
  stations: StationRegistry;
  stationTelemetry: StationTelemetry;
  sessions: SessionService;
  idTokens: IdTokenService;
  access: StationAccessService;
  users: UserService;
  monitoring: MonitoringService;
  diagnostics: DiagnosticsService;
  cdrs: CdrService;
  /** Running costs of sessions charging on this node (read by ChargingSession.cost). */
  liveCosts: LiveCosts;
  firmwareFiles: FirmwareFileService;
  firmwareRollouts: FirmwareRolloutService;
  events: EventBus;
  commands: StationCommandService;
  configuration: StationConfigurationService;
  reservations: ReservationService;
  localLists: LocalListService;
  chargingLimits: ChargingLimitService;
  plans: PlanService;
  invoices: InvoiceService;
  /** Tariffs, and the TariffLookup sessions are priced with. */
  tariffs: TariffService;
  payments: PaymentService;
  paymentMethods: PaymentMethodService;
  billingAccounts: BillingAccountService;
  guestCheckout: GuestCheckoutService;
  paymentWebhooks: PaymentWebhookService;
}

export interface GraphQLContext {
  services: AppServices;
  /** The authenticated caller; null for anonymous requests (which reach only public fields). */
  viewer: Viewer | null;
  /** Who is asking, as every service takes it: what they may see, their name in audit trails, their address. */
  caller: Caller;
  /** caller.visibility, for subscriptions filtering events. */
  visibility: Visibility;
  /** The caller's address, for rate limits and the audit log. */
  request: RequestMeta;
  /** A credential was presented and refused: say so instead of "log in first". */
  credentialRejected: boolean;
}

export function contextFor(
  services: AppServices,
  auth: { viewer: Viewer | null; rejected: boolean },
  request: RequestMeta,
): GraphQLContext {
  const { viewer } = auth;
  const caller: Caller = {
    visibility: visibilityOf(viewer),
    actor: viewer ? actorOf(viewer) : { label: 'anonymous', userId: null },
    remoteAddress: request.remoteAddress ?? null,
  };
  return { services, credentialRejected: auth.rejected, viewer, caller, visibility: caller.visibility, request };
}

/** The viewer of a resolver that requires one (its scope rule already made sure). */
export function viewerOf(ctx: GraphQLContext): Viewer {
  if (!ctx.viewer) throw new Error('resolver reached without a viewer');
  return ctx.viewer;
}
