import { Migration } from '@mikro-orm/migrations';

export class Migration20261203063541 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "cdr" ("id" uuid not null, "kind" text check ("kind" in ('SESSION', 'CREDIT')) not null, "credits_cdr_id" uuid null, "session_id" uuid not null, "transaction_id" int not null, "station_id" uuid not null, "station_identity" varchar(48) not null, "connector_id" int not null, "organisation_id" uuid null, "user_id" uuid null, "id_token_id" uuid null, "id_tag" varchar(64) not null, "tariff_id" uuid null, "tariff_version_id" uuid null, "subscription_id" uuid null, "currency" varchar(3) not null, "total_excl_vat" numeric(18,6) not null, "total_vat" numeric(18,6) not null, "total_incl_vat" numeric(18,6) not null, "total_energy_wh" bigint not null, "total_time_seconds" int not null, "total_parking_seconds" int not null, "lines" jsonb not null, "vat_breakdown" jsonb not null, "data_notes" jsonb not null, "tariff_snapshot" jsonb null, "ocpi" jsonb not null, "reason" varchar(500) null, "started_at" timestamptz not null, "stopped_at" timestamptz not null, "created_at" timestamptz not null, constraint "cdr_pkey" primary key ("id"));`);
    this.addSql(`create index "cdr_organisation_id_stopped_at_index" on "cdr" ("organisation_id", "stopped_at");`);
    this.addSql(`create index "cdr_user_id_stopped_at_index" on "cdr" ("user_id", "stopped_at");`);
    this.addSql(`create index "cdr_station_id_stopped_at_index" on "cdr" ("station_id", "stopped_at");`);
    this.addSql(`create unique index "cdr_one_per_session" on "cdr" ("session_id") where "kind" = 'SESSION';`);
    this.addSql(`create unique index "cdr_one_credit_each" on "cdr" ("credits_cdr_id") where "kind" = 'CREDIT';`);

    this.addSql(`alter table "charging_session" add column "tariff_id" uuid null, add column "tariff_version_id" uuid null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "cdr" cascade;`);

    this.addSql(`alter table "charging_session" drop column "tariff_id", drop column "tariff_version_id";`);
  }

}
