import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { openOrm } from '../../src/db/orm.js';
import { printSchemaSdl } from '../../src/graphql/schema.js';

describe('committed contracts', () => {
  it('schema.graphql is the schema the code serves (run `npm run schema:print` after an API change)', async () => {
    const committed = await readFile(new URL('../../schema.graphql', import.meta.url), 'utf8');
    expect(printSchemaSdl()).toBe(committed);
  });

  it('the migrations build exactly the schema the entities describe (run `npm run migration:create`)', async () => {
    const orm = await openOrm(inject('databaseUrl'));
    try {
      // The job queue keeps its own tables in schemas of its own (one per test app): not ours to diff.
      const others = await orm.em
        .getConnection()
        .execute<{ nspname: string }[]>(`select nspname from pg_namespace where nspname like 'jobs\\_%' or nspname = 'pgboss'`);
      orm.config.set('schemaGenerator', { ...orm.config.get('schemaGenerator'), ignoreSchema: others.map((r) => r.nspname) });
      // Global setup applied every migration to this database; any difference left is a missing migration.
      const diff = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
      expect(diff.trim()).toBe('');
      expect(await orm.getMigrator().checkMigrationNeeded()).toBe(false);
    } finally {
      await orm.close(true);
    }
  });
});
