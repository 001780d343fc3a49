import { StationAccessGrantSchema } from '../domain/access/station-access-grant.entity.js';
import { ApiKeySchema } from '../domain/accounts/api-key.entity.js';
import { PasswordResetSchema } from '../domain/accounts/password-reset.entity.js';
import { RefreshTokenSchema } from '../domain/accounts/refresh-token.entity.js';
import { AuditEventSchema } from '../domain/audit/audit-event.entity.js';
import { CdrSchema } from '../domain/cdrs/cdr.entity.js';
import { InvoiceCounterSchema, InvoiceLineSchema, InvoiceSchema } from '../domain/invoices/invoice.entity.js';
import { OrganisationSchema } from '../domain/organisations/organisation.entity.js';
import { ChargingLimitSchema } from '../domain/operations/charging-limit.entity.js';
import { ConfigurationKeySchema } from '../domain/operations/configuration-key.entity.js';
import { StationLocalListSchema } from '../domain/operations/local-list.entity.js';
import { ReservationSchema } from '../domain/operations/reservation.entity.js';
import { StationCommandSchema } from '../domain/operations/station-command.entity.js';
import { DiagnosticsRequestSchema } from '../domain/diagnostics/diagnostics-request.entity.js';
import { FirmwareFileSchema } from '../domain/firmware/firmware-file.entity.js';
import { FirmwareJobSchema } from '../domain/firmware/firmware-job.entity.js';
import { FirmwareRolloutSchema } from '../domain/firmware/firmware-rollout.entity.js';
import { NodeLeaseSchema } from '../domain/nodes/node-lease.entity.js';
import { AlertSchema } from '../domain/monitoring/alert.entity.js';
import { ExpectedRebootSchema } from '../domain/monitoring/expected-reboot.entity.js';
import { FaultSchema } from '../domain/monitoring/fault.entity.js';
import { StationConnectionEventSchema } from '../domain/monitoring/station-connection-event.entity.js';
import { PlanSchema } from '../domain/plans/plan.entity.js';
import { PlanUsageSchema, SubscriptionPeriodSchema, SubscriptionSchema } from '../domain/plans/subscription.entity.js';
import { BillingAccountMemberSchema, BillingAccountSchema } from '../domain/payments/billing-account.entity.js';
import { PaymentCustomerSchema, PaymentHoldSchema, PaymentSchema, WebhookEventSchema } from '../domain/payments/payment.entity.js';
import { ChargingSessionSchema } from '../domain/sessions/charging-session.entity.js';
import { MeterSampleSchema } from '../domain/sessions/meter-sample.entity.js';
import { ConnectorStatusEventSchema } from '../domain/stations/connector-status-event.entity.js';
import { ConnectorSchema } from '../domain/stations/connector.entity.js';
import { StationReportSchema } from '../domain/stations/station-report.entity.js';
import { StationSchema } from '../domain/stations/station.entity.js';
import { TariffAssignmentSchema } from '../domain/tariffs/tariff-assignment.entity.js';
import { TariffVersionSchema } from '../domain/tariffs/tariff-version.entity.js';
import { TariffSchema } from '../domain/tariffs/tariff.entity.js';
import { IdTokenSchema } from '../domain/users/id-token.entity.js';
import { UserSchema } from '../domain/users/user.entity.js';

// Every entity the ORM knows, listed once: no folder scanning at start-up.
export const entities = [
  OrganisationSchema,
  StationSchema,
  ConnectorSchema,
  ConnectorStatusEventSchema,
  StationReportSchema,
  UserSchema,
  RefreshTokenSchema,
  PasswordResetSchema,
  ApiKeySchema,
  IdTokenSchema,
  StationAccessGrantSchema,
  ChargingSessionSchema,
  MeterSampleSchema,
  AuditEventSchema,
  StationCommandSchema,
  ConfigurationKeySchema,
  ReservationSchema,
  StationLocalListSchema,
  ChargingLimitSchema,
  StationConnectionEventSchema,
  FaultSchema,
  AlertSchema,
  ExpectedRebootSchema,
  DiagnosticsRequestSchema,
  FirmwareFileSchema,
  FirmwareRolloutSchema,
  FirmwareJobSchema,
  CdrSchema,
  PlanSchema,
  SubscriptionSchema,
  SubscriptionPeriodSchema,
  PlanUsageSchema,
  InvoiceSchema,
  InvoiceLineSchema,
  InvoiceCounterSchema,
  TariffSchema,
  TariffVersionSchema,
  TariffAssignmentSchema,
  PaymentCustomerSchema,
  PaymentHoldSchema,
  PaymentSchema,
  WebhookEventSchema,
  BillingAccountSchema,
  BillingAccountMemberSchema,
  NodeLeaseSchema,
];
