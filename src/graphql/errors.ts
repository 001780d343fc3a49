import { GraphQLError } from 'graphql';
import type { AccessErrorCode } from '../domain/access/access.errors.js';
import type { AccountsErrorCode } from '../domain/accounts/accounts.errors.js';
import type { CdrsErrorCode } from '../domain/cdrs/cdrs.errors.js';
import { DomainError } from '../domain/domain-error.js';
import type { OperationsErrorCode } from '../domain/operations/operations.errors.js';
import type { DiagnosticsErrorCode } from '../domain/diagnostics/diagnostics.errors.js';
import type { FirmwareErrorCode } from '../domain/firmware/firmware.errors.js';
import type { InvoicesErrorCode } from '../domain/invoices/invoices.errors.js';
import type { MonitoringErrorCode } from '../domain/monitoring/monitoring.errors.js';
import type { PlansErrorCode } from '../domain/plans/plans.errors.js';
import type { PaymentsErrorCode } from '../domain/payments/payments.errors.js';
import type { SessionsErrorCode } from '../domain/sessions/sessions.errors.js';
import type { StationErrorCode } from '../domain/stations/station.errors.js';
import type { TariffsErrorCode } from '../domain/tariffs/tariffs.errors.js';
import type { UsersErrorCode } from '../domain/users/users.errors.js';

type KnownCode =
  | AccountsErrorCode
  | StationErrorCode
  | UsersErrorCode
  | SessionsErrorCode
  | OperationsErrorCode
  | MonitoringErrorCode
  | DiagnosticsErrorCode
  | FirmwareErrorCode
  | AccessErrorCode
  | CdrsErrorCode
  | PlansErrorCode
  | InvoicesErrorCode
  | TariffsErrorCode
  | PaymentsErrorCode;

/** The `extensions.code` a client sees for each domain error code. */
function publicCode(code: KnownCode): string {
  switch (code) {
    case 'STATION_NOT_FOUND':
    case 'USER_NOT_FOUND':
    case 'ID_TOKEN_NOT_FOUND':
    case 'SESSION_NOT_FOUND':
    case 'RESERVATION_NOT_FOUND':
    case 'DIAGNOSTICS_REQUEST_NOT_FOUND':
    case 'DIAGNOSTICS_FILE_NOT_FOUND':
    case 'FIRMWARE_FILE_NOT_FOUND':
      return 'NOT_FOUND';
    case 'STATION_IDENTITY_TAKEN':
    case 'EMAIL_TAKEN':
    case 'ID_TOKEN_TAKEN':
    case 'SESSION_NOT_ACTIVE':
    case 'RESERVATION_CONFLICT':
    case 'RESERVATION_NOT_ACTIVE':
    case 'LOCAL_LIST_NOT_SYNCED':
      return 'CONFLICT';
    case 'INVALID_STATION_INPUT':
    case 'INVALID_ID_TOKEN_INPUT':
    case 'INVALID_USER_INPUT':
    case 'INVALID_SESSION_QUERY':
    case 'INVALID_COMMAND_INPUT':
    case 'ID_TAG_NOT_ACCEPTED':
    case 'CONFIGURATION_KEY_READ_ONLY':
      return 'BAD_USER_INPUT';
    // The station could not be asked or did not answer; the attempt is in its command history.
    case 'STATION_OFFLINE':
    case 'STATION_TIMEOUT':
    case 'STATION_ERROR':
      return code;
    case 'COMMAND_NOT_SUPPORTED':
      return 'NOT_SUPPORTED';
    case 'INVALID_MONITORING_QUERY':
    case 'INVALID_DIAGNOSTICS_INPUT':
    case 'INVALID_FIRMWARE_INPUT':
    case 'DIAGNOSTICS_UPLOAD_TOO_LARGE':
    case 'FIRMWARE_FILE_TOO_LARGE':
      return 'BAD_USER_INPUT';
    // Raised at the HTTP file endpoints, where a token in the URL is the credential.
    case 'DIAGNOSTICS_UPLOAD_FORBIDDEN':
    case 'FIRMWARE_DOWNLOAD_FORBIDDEN':
      return 'FORBIDDEN';
    case 'INVALID_CREDENTIALS':
    case 'INVALID_ACCESS_TOKEN':
    case 'INVALID_REFRESH_TOKEN':
    case 'INVALID_API_KEY':
      return 'UNAUTHENTICATED';
    case 'INVALID_RESET_TOKEN':
    case 'INVALID_ACCOUNT_INPUT':
      return 'BAD_USER_INPUT';
    case 'RATE_LIMITED':
      return 'RATE_LIMITED';
    case 'ACCOUNT_EMAIL_TAKEN':
    case 'ORGANISATION_NAME_TAKEN':
      return 'CONFLICT';
    case 'API_KEY_NOT_FOUND':
    case 'ORGANISATION_NOT_FOUND':
      return 'NOT_FOUND';
    case 'FORBIDDEN':
    case 'COMMAND_FORBIDDEN':
      return 'FORBIDDEN';
    // Id tokens and station access lists.
    case 'CDR_ALREADY_CREDITED':
    case 'ID_TOKEN_ALREADY_CLAIMED':
    case 'ID_TOKEN_NOT_CLAIMABLE':
      return 'CONFLICT';
    case 'INVALID_CDR_INPUT':
    case 'INVALID_ID_TOKEN_IMPORT':
    case 'INVALID_ACCESS_INPUT':
      return 'BAD_USER_INPUT';
    case 'ID_TOKEN_CLAIM_RATE_LIMITED':
      return 'RATE_LIMITED';
    case 'CDR_NOT_FOUND':
    case 'ACCESS_GRANT_NOT_FOUND':
    case 'ACCESS_SUBJECT_NOT_FOUND':
      return 'NOT_FOUND';
    // Plans and subscriptions.
    case 'PLAN_NOT_FOUND':
    case 'SUBSCRIPTION_NOT_FOUND':
    case 'SUBSCRIPTION_PERIOD_NOT_FOUND':
      return 'NOT_FOUND';
    case 'INVALID_PLAN_INPUT':
      return 'BAD_USER_INPUT';
    case 'ALREADY_SUBSCRIBED':
    case 'SUBSCRIPTION_NOT_ACTIVE':
      return 'CONFLICT';
    case 'PLANS_FORBIDDEN':
      return 'FORBIDDEN';
    // Invoices.
    case 'INVOICE_NOT_FOUND':
      return 'NOT_FOUND';
    case 'INVALID_INVOICE_INPUT':
    // More than is left to credit: the amounts asked for (details.remaining says how much is left).
    case 'CREDIT_EXCEEDS_REMAINING':
      return 'BAD_USER_INPUT';
    case 'INVOICE_STATE_CONFLICT':
      return 'CONFLICT';
    case 'INVOICE_FORBIDDEN':
      return 'FORBIDDEN';
    // Tariffs.
    case 'INVALID_TARIFF_INPUT':
      return 'BAD_USER_INPUT';
    case 'TARIFF_NOT_FOUND':
      return 'NOT_FOUND';
    case 'TARIFF_FORBIDDEN':
      return 'FORBIDDEN';
    // Payments: off here, or a start refused for payment (the reason is in the message).
    case 'PAYMENTS_DISABLED':
    case 'PAYMENT_REFUSED':
      return code;
    case 'PAYMENT_METHOD_NOT_FOUND':
    case 'BILLING_ACCOUNT_NOT_FOUND':
    case 'GUEST_CHECKOUT_NOT_FOUND':
      return 'NOT_FOUND';
    case 'INVALID_PAYMENT_INPUT':
      return 'BAD_USER_INPUT';
    case 'BILLING_ACCOUNT_MEMBER_TAKEN':
      return 'CONFLICT';
    default: {
      const unhandled: never = code;
      return unhandled;
    }
  }
}

export function badInput(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...(field ? { field } : {}) } });
}

/**
 * Yoga's maskError hook: domain errors become GraphQL errors with a code and the domain's
 * reason; errors we raised deliberately pass; anything unexpected stays masked.
 */
export function maskError(error: unknown, message: string): Error {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (original instanceof DomainError) {
    return new GraphQLError(original.message, {
      nodes: error instanceof GraphQLError ? error.nodes : undefined,
      path: error instanceof GraphQLError ? error.path : undefined,
      extensions: { code: publicCode(original.code as KnownCode), reason: original.code, ...original.details },
    });
  }
  if (original instanceof GraphQLError) {
    // Raised by the GraphQL layer itself (variable coercion, our own badInput): the caller's input.
    if (original.extensions?.code) return original;
    return new GraphQLError(original.message, {
      nodes: original.nodes,
      source: original.source,
      positions: original.positions,
      path: original.path,
      extensions: { ...original.extensions, code: 'BAD_USER_INPUT' },
    });
  }
  return new GraphQLError(message, {
    path: error instanceof GraphQLError ? error.path : undefined,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
}
