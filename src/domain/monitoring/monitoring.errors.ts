import { DomainError } from '../domain-error.js';

export type MonitoringErrorCode = 'INVALID_MONITORING_QUERY';

export class MonitoringError extends DomainError<MonitoringErrorCode> {
  readonly area = 'monitoring';
}

export const invalidMonitoringQuery = (message: string, field: string) =>
  new MonitoringError('INVALID_MONITORING_QUERY', message, { field });
