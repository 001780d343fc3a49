import { DomainError } from '../domain-error.js';

export type MonitoringErrorCode = 'INVALID_MONITORING_QUERY';

export class MonitoringError extends DomainError<MonitoringErrorCode> {
  readonly area = 'monitoring';
}
