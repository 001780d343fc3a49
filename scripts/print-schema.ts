// Writes the Pothos schema to schema.graphql, the API contract partner apps read.
// The test suite fails when the committed file is stale: run `npm run schema:print` after API changes.
import { writeFile } from 'node:fs/promises';
import { printSchemaSdl } from '../src/graphql/schema.js';

await writeFile(new URL('../schema.graphql', import.meta.url), printSchemaSdl());
console.log('schema.graphql written');
