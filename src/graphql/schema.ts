import { lexicographicSortSchema, printSchema } from 'graphql';
import { fieldsWithoutRule } from './authorization-check.js';
import { builder } from './builder.js';
import './types/scalars.js';
import './types/user.js';
import './types/auth.js';
import './types/organisation.js';
import './types/api-key.js';
import './types/audit.js';
import './types/station.js';
import './types/id-token.js';
import './types/station-access.js';
import './types/session.js';
import './types/station-commands.js';
import './types/station-configuration.js';
import './types/reservations.js';
import './types/local-lists.js';
import './types/charging-limits.js';
import './types/monitoring.js';
import './types/diagnostics.js';
import './types/firmware.js';
import './types/cdrs.js';
import './types/plans.js';
import './types/invoices.js';
import './types/tariff.js';
import './types/payments.js';

export const schema = builder.toSchema({ sortSchema: false });

const unguarded = fieldsWithoutRule(schema);
if (unguarded.length > 0) {
  throw new Error(`GraphQL fields and types without an authorization rule (authScopes): ${unguarded.join(', ')}`);
}

/** The SDL committed as schema.graphql: sorted, so a change to the API is a readable diff. */
export const printSchemaSdl = () => `${printSchema(lexicographicSortSchema(schema))}\n`;
