// Writes a migration for the difference between the entities and the last snapshot.
// Usage: DATABASE_URL=postgres://... npm run migration:create [-- --initial]
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { createLogger } from '../src/logger.js';

const config = loadConfig();
const log = createLogger(config.logLevel);
const db = await openDatabase(config, log, { migrate: false });
try {
  const migrator = db.orm.getMigrator();
  const initial = process.argv.includes('--initial');
  const result = initial ? await migrator.createInitialMigration() : await migrator.createMigration();
  if (!result.fileName) console.log('No changes: entities and migrations agree.');
  else console.log(`Created migrations/${result.fileName}`);
} finally {
  await db.close();
}
