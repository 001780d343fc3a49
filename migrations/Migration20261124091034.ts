import { Migration } from '@mikro-orm/migrations';

export class Migration20261124091034 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "station" ("id" uuid not null, "identity" varchar(48) not null, "name" varchar(200) not null, "address" varchar(500) null, "latitude" numeric(9,6) null, "longitude" numeric(9,6) null, "time_zone" varchar(64) not null default 'UTC', "ocpp_protocol" varchar(16) null, "vendor" varchar(50) null, "model" varchar(50) null, "serial_number" varchar(50) null, "charge_box_serial_number" varchar(50) null, "firmware_version" varchar(50) null, "iccid" varchar(20) null, "imsi" varchar(20) null, "meter_type" varchar(50) null, "meter_serial_number" varchar(50) null, "online" boolean not null default false, "connected_node_id" varchar(200) null, "connected_at" timestamptz null, "disconnected_at" timestamptz null, "last_seen_at" timestamptz null, "last_boot_at" timestamptz null, "last_heartbeat_at" timestamptz null, "diagnostics_status" varchar(32) null, "diagnostics_status_at" timestamptz null, "firmware_status" varchar(32) null, "firmware_status_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "station_pkey" primary key ("id"));`);
    this.addSql(`alter table "station" add constraint "station_identity_unique" unique ("identity");`);

    this.addSql(`create table "connector_status_event" ("id" bigserial primary key, "station_id" uuid not null, "connector_id" int not null, "status" varchar(32) not null, "error_code" varchar(32) not null, "info" varchar(50) null, "vendor_id" varchar(255) null, "vendor_error_code" varchar(50) null, "occurred_at" timestamptz not null, "received_at" timestamptz not null, "applied" boolean not null);`);
    this.addSql(`create index "connector_status_event_station_id_connector_id_occ_65fe6_index" on "connector_status_event" ("station_id", "connector_id", "occurred_at");`);

    this.addSql(`create table "connector" ("id" uuid not null, "station_id" uuid not null, "connector_id" int not null, "status" varchar(32) not null default 'UNKNOWN', "error_code" varchar(32) not null default 'NO_ERROR', "info" varchar(50) null, "vendor_id" varchar(255) null, "vendor_error_code" varchar(50) null, "status_at" timestamptz null, "last_register_wh" bigint null, "updated_at" timestamptz not null, constraint "connector_pkey" primary key ("id"));`);
    this.addSql(`alter table "connector" add constraint "connector_station_id_connector_id_unique" unique ("station_id", "connector_id");`);

    this.addSql(`create table "station_report" ("id" bigserial primary key, "station_id" uuid not null, "kind" text check ("kind" in ('DATA_TRANSFER', 'DIAGNOSTICS_STATUS', 'FIRMWARE_STATUS', 'UNKNOWN_TRANSACTION_STOP')) not null, "status" varchar(64) null, "vendor_id" varchar(255) null, "message_id" varchar(50) null, "data" text null, "payload" jsonb null, "received_at" timestamptz not null);`);
    this.addSql(`create index "station_report_station_id_received_at_index" on "station_report" ("station_id", "received_at");`);

    this.addSql(`create table "app_user" ("id" uuid not null, "name" varchar(200) not null, "email" varchar(320) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "app_user_pkey" primary key ("id"));`);
    this.addSql(`alter table "app_user" add constraint "app_user_email_unique" unique ("email");`);

    this.addSql(`create table "id_token" ("id" uuid not null, "value" varchar(64) not null, "lookup_key" varchar(64) not null, "type" text check ("type" in ('RFID', 'APP', 'KEY_CODE', 'MAC_ADDRESS', 'EMAID', 'CENTRAL', 'LOCAL')) not null, "status" text check ("status" in ('ACTIVE', 'BLOCKED', 'EXPIRED')) not null default 'ACTIVE', "expires_at" timestamptz null, "parent_id_tag" varchar(64) null, "label" varchar(100) null, "user_id" uuid null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "id_token_pkey" primary key ("id"));`);
    this.addSql(`alter table "id_token" add constraint "id_token_lookup_key_unique" unique ("lookup_key");`);

    this.addSql(`create table "charging_session" ("id" uuid not null, "transaction_id" int not null, "station_id" uuid not null, "connector_id" int not null, "id_tag" varchar(64) not null, "id_token_id" uuid null, "authorization_status" text check ("authorization_status" in ('ACCEPTED', 'BLOCKED', 'EXPIRED', 'INVALID', 'CONCURRENT_TX')) not null, "status" text check ("status" in ('ACTIVE', 'COMPLETED')) not null default 'ACTIVE', "reservation_id" int null, "started_at" timestamptz not null, "stopped_at" timestamptz null, "meter_start_wh" bigint not null, "baseline_wh" bigint not null, "baseline_provisional" boolean not null default false, "meter_stop_wh" bigint null, "last_register_wh" bigint null, "last_sample_at" timestamptz null, "energy_wh" bigint not null default 0, "stop_reason" varchar(32) null, "stop_id_tag" varchar(64) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "charging_session_pkey" primary key ("id"));`);
    this.addSql(`alter table "charging_session" add constraint "charging_session_transaction_id_unique" unique ("transaction_id");`);
    this.addSql(`create index "charging_session_station_id_started_at_index" on "charging_session" ("station_id", "started_at");`);
    this.addSql(`create index "charging_session_status_index" on "charging_session" ("status");`);
    this.addSql(`create index "charging_session_id_tag_status_index" on "charging_session" ("id_tag", "status");`);
    this.addSql(`alter table "charging_session" add constraint "charging_session_station_id_connector_id_id_tag_s_acf9e_unique" unique ("station_id", "connector_id", "id_tag", "started_at", "meter_start_wh");`);

    this.addSql(`create table "meter_sample" ("id" bigserial primary key, "station_id" uuid not null, "session_id" uuid null, "connector_id" int not null, "transaction_id" int null, "sampled_at" timestamptz not null, "measurand" varchar(64) not null, "phase" varchar(8) null, "unit" varchar(16) null, "context" varchar(32) null, "location" varchar(16) null, "format" varchar(16) null, "value" text not null, "numeric_value" numeric(20,6) null, "received_at" timestamptz not null);`);
    this.addSql(`create index "meter_sample_session_id_sampled_at_index" on "meter_sample" ("session_id", "sampled_at");`);
    this.addSql(`create index "meter_sample_station_id_sampled_at_index" on "meter_sample" ("station_id", "sampled_at");`);

    this.addSql(`alter table "connector_status_event" add constraint "connector_status_event_station_id_foreign" foreign key ("station_id") references "station" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "connector" add constraint "connector_station_id_foreign" foreign key ("station_id") references "station" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "station_report" add constraint "station_report_station_id_foreign" foreign key ("station_id") references "station" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "id_token" add constraint "id_token_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "charging_session" add constraint "charging_session_station_id_foreign" foreign key ("station_id") references "station" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "charging_session" add constraint "charging_session_id_token_id_foreign" foreign key ("id_token_id") references "id_token" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "meter_sample" add constraint "meter_sample_station_id_foreign" foreign key ("station_id") references "station" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "meter_sample" add constraint "meter_sample_session_id_foreign" foreign key ("session_id") references "charging_session" ("id") on update cascade on delete cascade;`);

    // OCPP transactionIds come from here: unique across every node, never reused.
    this.addSql(`create sequence "charging_session_transaction_id_seq" as integer start 1 owned by "charging_session"."transaction_id";`);
  }

}
