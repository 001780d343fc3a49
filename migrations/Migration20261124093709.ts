import { Migration } from '@mikro-orm/migrations';

export class Migration20261124093709 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "configuration_key" ("id" uuid not null, "station_id" uuid not null, "key" varchar(50) not null, "value" text null, "readonly" boolean not null, "reboot_required_since" timestamptz null, "updated_at" timestamptz not null, constraint "configuration_key_pkey" primary key ("id"));`);
    this.addSql(`alter table "configuration_key" add constraint "configuration_key_station_id_key_unique" unique ("station_id", "key");`);

    this.addSql(`create table "charging_limit" ("id" int not null, "station_id" uuid not null, "scope" text check ("scope" in ('STATION', 'CONNECTOR')) not null, "connector_id" int not null, "limit" numeric(12,1) not null, "unit" text check ("unit" in ('W', 'A')) not null, "status" text check ("status" in ('ACTIVE', 'REPLACED', 'CLEARED')) not null, "set_by" varchar(200) not null, "created_at" timestamptz not null, "ended_at" timestamptz null, constraint "charging_limit_pkey" primary key ("id"));`);
    this.addSql(`create index "charging_limit_station_id_status_index" on "charging_limit" ("station_id", "status");`);

    this.addSql(`create table "station_command" ("id" uuid not null, "station_id" uuid not null, "command" text check ("command" in ('START_CHARGING', 'STOP_CHARGING', 'RESET', 'UNLOCK_CONNECTOR', 'CHANGE_AVAILABILITY', 'GET_CONFIGURATION', 'CHANGE_CONFIGURATION', 'CLEAR_CACHE', 'TRIGGER_MESSAGE', 'DATA_TRANSFER', 'GET_LOCAL_LIST_VERSION', 'SEND_LOCAL_LIST', 'RESERVE_NOW', 'CANCEL_RESERVATION', 'SET_CHARGING_LIMIT', 'CLEAR_CHARGING_LIMIT', 'GET_COMPOSITE_SCHEDULE')) not null, "protocol" varchar(16) null, "action" varchar(64) null, "payload" jsonb null, "status" text check ("status" in ('PENDING', 'ACCEPTED', 'REJECTED', 'OFFLINE', 'TIMEOUT', 'CHARGER_ERROR', 'FAILED')) not null, "answer" varchar(32) null, "response" jsonb null, "error_code" varchar(64) null, "error_description" text null, "requested_by" varchar(200) not null, "requested_by_user_id" uuid null, "requested_at" timestamptz not null, "completed_at" timestamptz null, "duration_ms" int null, constraint "station_command_pkey" primary key ("id"));`);
    this.addSql(`create index "station_command_station_id_requested_at_index" on "station_command" ("station_id", "requested_at");`);

    this.addSql(`create table "station_local_list" ("id" uuid not null, "station_id" uuid not null, "version" int null, "in_sync" boolean not null, "entries" jsonb not null, "updated_at" timestamptz not null, constraint "station_local_list_pkey" primary key ("id"));`);
    this.addSql(`alter table "station_local_list" add constraint "station_local_list_station_id_unique" unique ("station_id");`);

    this.addSql(`create table "reservation" ("id" int not null, "station_id" uuid not null, "connector_id" int not null, "id_tag" varchar(64) not null, "id_token_id" uuid null, "parent_id_tag" varchar(64) null, "expires_at" timestamptz not null, "status" text check ("status" in ('PENDING', 'ACTIVE', 'USED', 'CANCELLED', 'EXPIRED', 'REJECTED', 'FAILED')) not null, "transaction_id" int null, "requested_by" varchar(200) not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "reservation_pkey" primary key ("id"));`);
    this.addSql(`create index "reservation_station_id_status_index" on "reservation" ("station_id", "status");`);

    this.addSql(`alter table "configuration_key" add constraint "configuration_key_station_id_foreign" foreign key ("station_id") references "station" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "charging_limit" add constraint "charging_limit_station_id_foreign" foreign key ("station_id") references "station" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "station_command" add constraint "station_command_station_id_foreign" foreign key ("station_id") references "station" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "station_local_list" add constraint "station_local_list_station_id_foreign" foreign key ("station_id") references "station" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "reservation" add constraint "reservation_station_id_foreign" foreign key ("station_id") references "station" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "reservation" add constraint "reservation_id_token_id_foreign" foreign key ("id_token_id") references "id_token" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "charging_session" drop constraint if exists "charging_session_authorization_status_check";`);

    this.addSql(`alter table "charging_session" add constraint "charging_session_authorization_status_check" check("authorization_status" in ('ACCEPTED', 'BLOCKED', 'EXPIRED', 'INVALID', 'CONCURRENT_TX', 'RESERVED'));`);

    // Added by hand: ids stations know (reservationId, chargingProfileId), unique across nodes.
    this.addSql(`create sequence "reservation_id_seq" as integer start 1 owned by "reservation"."id";`);
    this.addSql(`create sequence "charging_profile_id_seq" as integer start 1 owned by "charging_limit"."id";`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "configuration_key" cascade;`);

    this.addSql(`drop table if exists "charging_limit" cascade;`);

    this.addSql(`drop table if exists "station_command" cascade;`);

    this.addSql(`drop table if exists "station_local_list" cascade;`);

    this.addSql(`drop table if exists "reservation" cascade;`);

    this.addSql(`alter table "charging_session" drop constraint if exists "charging_session_authorization_status_check";`);

    this.addSql(`alter table "charging_session" add constraint "charging_session_authorization_status_check" check("authorization_status" in ('ACCEPTED', 'BLOCKED', 'EXPIRED', 'INVALID', 'CONCURRENT_TX'));`);
  }

}
