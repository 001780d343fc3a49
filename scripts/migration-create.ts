// Writes a migration for the difference between the entities and the last snapshot, and
// lists it in migrations/index.ts. Usage: DATABASE_URL=postgres://... npm run migration:create
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { MIGRATIONS_DIR } from '../src/db/orm.js';
import { createLogger } from '../src/logger.js';

const config = loadConfig();
const log = createLogger(config.logLevel);
const db = await openDatabase(config, log, { migrate: true });
try {
  const result = await db.orm.getMigrator().createMigration();
  if (!result.fileName) {
    console.log('No changes: entities and migrations agree.');
  } else {
    await writeIndex();
    console.log(`Created migrations/${result.fileName}; review it, then commit it with the snapshot and index.ts.`);
  }
} finally {
  await db.close();
}

async function writeIndex(): Promise<void> {
  const names = (await readdir(MIGRATIONS_DIR))
    .filter((f) => /^Migration\d+\.ts$/.test(f))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
  const body = [
    '// Every migration, in order. Listed statically so they load the same under tsx, vitest or a',
    '// bundler, without scanning the folder at run time. `npm run migration:create` appends here.',
    ...names.map((n) => `import { ${n} } from './${n}.js';`),
    '',
    `export const migrationsList = [${names.map((n) => `{ name: '${n}', class: ${n} }`).join(', ')}];`,
    '',
  ].join('\n');
  await writeFile(join(MIGRATIONS_DIR, 'index.ts'), body);
}
