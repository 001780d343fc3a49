import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './types/scalars.js';
import './types/station.js';
import './types/user.js';
import './types/id-token.js';
import './types/session.js';
import './types/commands.js';
import './types/monitoring.js';
import './types/diagnostics.js';
import './types/firmware.js';

export const schema = builder.toSchema({ sortSchema: false });

/** The SDL committed as schema.graphql: sorted, so a change to the API is a readable diff. */
export const printSchemaSdl = () => `${printSchema(lexicographicSortSchema(schema))}\n`;
