import { seesOrganisation, type Visibility } from '../accounts/viewer.js';
import { stationNotFound } from './station.errors.js';

// Which stations (and rows of a station) a viewer reaches. Two levels:
//   finds     the station and its public data: drivers every station, operators and API keys
//             their organisation's, admins all
//   operates  everything behind it (commands, faults, alerts, diagnostics, firmware, history):
//             admins all, operators and API keys their organisation's, drivers none
// A station outside either answers as not found, never as forbidden: its existence is not leaked.

export function findsStation(visibility: Visibility, organisationId: string | null | undefined): boolean {
  return visibility.kind === 'driver' || seesOrganisation(visibility, organisationId);
}

export function operatesStation(visibility: Visibility, organisationId: string | null | undefined): boolean {
  return seesOrganisation(visibility, organisationId);
}

/** For a station already read: STATION_NOT_FOUND unless the caller operates it. */
export function requireOperates(visibility: Visibility, station: { identity: string; organisationId: string | null }): void {
  if (!operatesStation(visibility, station.organisationId)) throw stationNotFound(station.identity);
}

// An `$in` with no values: MikroORM renders it as a condition no row meets.
const NO_ROW = { $in: [] as string[] };

/** A condition on station rows: the stations the viewer finds. */
export function findableStationsWhere(visibility: Visibility): Record<string, unknown> {
  switch (visibility.kind) {
    case 'all':
    case 'driver':
      return {};
    case 'organisation':
      return { organisation: visibility.organisationId };
    case 'none':
      return { id: NO_ROW };
  }
}

/** A condition on rows that belong to a station (faults, alerts, commands, ...): those of stations the viewer operates. */
export function operatedRowsWhere(visibility: Visibility, relation = 'station'): Record<string, unknown> {
  switch (visibility.kind) {
    case 'all':
      return {};
    case 'organisation':
      return { [relation]: { organisation: visibility.organisationId } };
    case 'driver':
    case 'none':
      return { [relation]: NO_ROW };
  }
}
