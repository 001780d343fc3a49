import { DomainError } from '../domain-error.js';

export type StationErrorCode = 'STATION_NOT_FOUND' | 'STATION_IDENTITY_TAKEN' | 'INVALID_STATION_INPUT';

export class StationError extends DomainError<StationErrorCode> {
  readonly area = 'stations';
}

/** A station that does not exist, or that the caller may not see: the two answer alike. */
export const stationNotFound = (identity: string) => new StationError('STATION_NOT_FOUND', `no station with identity "${identity}"`);
