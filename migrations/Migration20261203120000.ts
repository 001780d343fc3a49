import { Migration } from '@mikro-orm/migrations';

// meter_sample becomes a table partitioned by range of sampled_at (one partition per UTC day,
// created ahead by the server: src/domain/sessions/meter-partition.repository.ts). The old table,
// with every row it holds, is attached as the DEFAULT partition, so no row is copied and an
// insert outside every day partition (a charger with a wrong clock) still lands somewhere.
// The primary key of a partitioned table must hold the partition key: (id, sampled_at).
// No table has a foreign key to meter_sample (checked), so nothing else changes.
export class Migration20261203120000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "meter_sample" rename to "meter_sample_default";`);
    this.addSql(`alter table "meter_sample_default" drop constraint "meter_sample_pkey";`);
    this.addSql(`alter table "meter_sample_default" drop constraint "meter_sample_station_id_foreign";`);
    this.addSql(`alter table "meter_sample_default" drop constraint "meter_sample_session_id_foreign";`);
    // Kept, and attached to the parent's indexes below instead of being built again.
    this.addSql(`alter index "meter_sample_session_id_sampled_at_index" rename to "meter_sample_default_session_id_sampled_at_idx";`);
    this.addSql(`alter index "meter_sample_station_id_sampled_at_index" rename to "meter_sample_default_station_id_sampled_at_idx";`);
    this.addSql(`create table "meter_sample" ("id" bigint not null default nextval('meter_sample_id_seq'), "station_id" uuid not null, "session_id" uuid null, "connector_id" int not null, "transaction_id" int null, "sampled_at" timestamptz not null, "measurand" varchar(64) not null, "phase" varchar(8) null, "unit" varchar(16) null, "context" varchar(32) null, "location" varchar(16) null, "format" varchar(16) null, "value" text not null, "numeric_value" numeric(20,6) null, "received_at" timestamptz not null, constraint "meter_sample_pkey" primary key ("id", "sampled_at")) partition by range ("sampled_at");`);
    this.addSql(`alter table "meter_sample_default" alter column "id" drop default;`);
    this.addSql(`alter sequence "meter_sample_id_seq" owned by "meter_sample"."id";`);
    this.addSql(`create index "meter_sample_session_id_sampled_at_index" on "meter_sample" ("session_id", "sampled_at");`);
    this.addSql(`create index "meter_sample_station_id_sampled_at_index" on "meter_sample" ("station_id", "sampled_at");`);
    this.addSql(`alter table "meter_sample" add constraint "meter_sample_station_id_foreign" foreign key ("station_id") references "station" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "meter_sample" add constraint "meter_sample_session_id_foreign" foreign key ("session_id") references "charging_session" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "meter_sample" attach partition "meter_sample_default" default;`);
  }

}
