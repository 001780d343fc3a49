import { Migration } from '@mikro-orm/migrations';

// node_lease: one row per running server node, renewed while it lives (src/domain/nodes/).
// The sweep looks for rows past expires_at, hence the index.

export class Migration20261203134009 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "node_lease" ("node_id" varchar(200) not null, "started_at" timestamptz not null, "renewed_at" timestamptz not null, "expires_at" timestamptz not null, constraint "node_lease_pkey" primary key ("node_id"));`);
    this.addSql(`create index "node_lease_expires_at_index" on "node_lease" ("expires_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "node_lease" cascade;`);
  }

}
