import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { OrganisationSchema } from '../organisations/organisation.entity.js';
import { StationSchema } from '../stations/station.entity.js';
import { TariffSchema } from './tariff.entity.js';

// Where a tariff applies. Three levels, each at most once (partial unique indexes, as NULLs
// never collide in a plain unique):
//   organisation default   station null                     one per organisation
//   station                station set, connectorId null    one per station
//   connector              station and connectorId set      one per connector
// A connector's overrides its station's, which overrides the organisation default.
export const TariffAssignmentSchema = defineEntity({
  name: 'TariffAssignment',
  tableName: 'tariff_assignment',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    tariff: p.manyToOne(TariffSchema).deleteRule('cascade'),
    // The defaulting organisation; for a station's or connector's, the station's owner when
    // assigned (null: a station no operator owns).
    organisation: p.manyToOne(OrganisationSchema).nullable().deleteRule('cascade'),
    station: p.manyToOne(StationSchema).nullable().deleteRule('cascade'),
    connectorId: p.integer().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  indexes: [{ properties: ['tariff'] }],
  uniques: [
    {
      name: 'tariff_assignment_organisation_default_unique',
      expression:
        'create unique index "tariff_assignment_organisation_default_unique" on "tariff_assignment" ("organisation_id") where "station_id" is null',
    },
    {
      name: 'tariff_assignment_station_unique',
      expression:
        'create unique index "tariff_assignment_station_unique" on "tariff_assignment" ("station_id") where "station_id" is not null and "connector_id" is null',
    },
    {
      name: 'tariff_assignment_connector_unique',
      expression:
        'create unique index "tariff_assignment_connector_unique" on "tariff_assignment" ("station_id", "connector_id") where "connector_id" is not null',
    },
  ],
});

export type TariffAssignment = InferEntity<typeof TariffAssignmentSchema>;
