import { DomainError } from '../domain-error.js';

export type StationErrorCode = 'STATION_NOT_FOUND' | 'STATION_IDENTITY_TAKEN' | 'INVALID_STATION_INPUT';

export class StationError extends DomainError<StationErrorCode> {
  readonly area = 'stations';
}
