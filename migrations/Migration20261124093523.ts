import { Migration } from '@mikro-orm/migrations';

export class Migration20261124093523 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "fault" ("id" uuid not null, "station_id" uuid not null, "connector_id" int not null, "status" varchar(32) not null, "error_code" varchar(32) not null, "info" varchar(50) null, "vendor_id" varchar(255) null, "vendor_error_code" varchar(50) null, "open" boolean not null default true, "opened_at" timestamptz not null, "closed_at" timestamptz null, constraint "fault_pkey" primary key ("id"));`);
    this.addSql(`create index "fault_station_id_connector_id_open_index" on "fault" ("station_id", "connector_id", "open");`);
    this.addSql(`create index "fault_opened_at_index" on "fault" ("opened_at");`);

    this.addSql(`create table "expected_reboot" ("id" uuid not null, "station_id" uuid not null, "reason" text check ("reason" in ('RESET', 'FIRMWARE_UPDATE')) not null, "expected_until" timestamptz not null, "created_at" timestamptz not null, constraint "expected_reboot_pkey" primary key ("id"));`);
    this.addSql(`alter table "expected_reboot" add constraint "expected_reboot_station_id_unique" unique ("station_id");`);

    this.addSql(`create table "alert" ("id" uuid not null, "station_id" uuid not null, "kind" text check ("kind" in ('FAULT_OPENED', 'FAULT_CLEARED', 'STATION_OFFLINE', 'STATION_ONLINE', 'STATION_BOOTED', 'FIRMWARE_FAILED', 'FIRMWARE_INSTALLED', 'DIAGNOSTICS_FAILED')) not null, "severity" text check ("severity" in ('INFO', 'WARNING', 'CRITICAL')) not null, "connector_id" int null, "message" varchar(500) not null, "details" jsonb not null, "subject_type" text check ("subject_type" in ('FAULT', 'FIRMWARE_JOB', 'DIAGNOSTICS_REQUEST')) null, "subject_id" uuid null, "at" timestamptz not null, constraint "alert_pkey" primary key ("id"));`);
    this.addSql(`create index "alert_station_id_at_index" on "alert" ("station_id", "at");`);
    this.addSql(`create index "alert_at_index" on "alert" ("at");`);

    this.addSql(`create table "station_connection_event" ("id" bigserial primary key, "station_id" uuid not null, "online" boolean not null, "reason" varchar(200) null, "node_id" varchar(200) null, "at" timestamptz not null);`);
    this.addSql(`create index "station_connection_event_station_id_at_index" on "station_connection_event" ("station_id", "at");`);

    this.addSql(`alter table "fault" add constraint "fault_station_id_foreign" foreign key ("station_id") references "station" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "expected_reboot" add constraint "expected_reboot_station_id_foreign" foreign key ("station_id") references "station" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "alert" add constraint "alert_station_id_foreign" foreign key ("station_id") references "station" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "station_connection_event" add constraint "station_connection_event_station_id_foreign" foreign key ("station_id") references "station" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "fault" cascade;`);

    this.addSql(`drop table if exists "expected_reboot" cascade;`);

    this.addSql(`drop table if exists "alert" cascade;`);

    this.addSql(`drop table if exists "station_connection_event" cascade;`);
  }

}
