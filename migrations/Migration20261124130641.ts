import { Migration } from '@mikro-orm/migrations';

export class Migration20261124130641 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "station_access_grant" ("id" uuid not null, "station_id" uuid not null, "kind" text check ("kind" in ('USER', 'GROUP', 'ORGANISATION')) not null, "user_id" uuid null, "organisation_id" uuid null, "parent_id_tag" varchar(64) null, "subject" varchar(64) not null, "created_by" varchar(320) null, "created_at" timestamptz not null, constraint "station_access_grant_pkey" primary key ("id"));`);
    this.addSql(`alter table "station_access_grant" add constraint "station_access_grant_station_id_kind_subject_unique" unique ("station_id", "kind", "subject");`);

    this.addSql(`create table "refresh_token" ("id" uuid not null, "user_id" uuid not null, "family_id" uuid not null, "token_hash" varchar(64) not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "rotated_at" timestamptz null, "revoked_at" timestamptz null, "remote_address" varchar(64) null, constraint "refresh_token_pkey" primary key ("id"));`);
    this.addSql(`create index "refresh_token_family_id_index" on "refresh_token" ("family_id");`);
    this.addSql(`alter table "refresh_token" add constraint "refresh_token_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "password_reset" ("id" uuid not null, "user_id" uuid not null, "token_hash" varchar(64) not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, constraint "password_reset_pkey" primary key ("id"));`);
    this.addSql(`alter table "password_reset" add constraint "password_reset_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "api_key" ("id" uuid not null, "name" varchar(100) not null, "prefix" varchar(16) not null, "secret_hash" varchar(64) not null, "scopes" jsonb not null, "organisation_id" uuid not null, "created_by_id" uuid null, "created_at" timestamptz not null, "expires_at" timestamptz null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, constraint "api_key_pkey" primary key ("id"));`);
    this.addSql(`alter table "api_key" add constraint "api_key_prefix_unique" unique ("prefix");`);

    this.addSql(`alter table "station_access_grant" add constraint "station_access_grant_station_id_foreign" foreign key ("station_id") references "station" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "station_access_grant" add constraint "station_access_grant_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "station_access_grant" add constraint "station_access_grant_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "refresh_token" add constraint "refresh_token_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "password_reset" add constraint "password_reset_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "api_key" add constraint "api_key_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "api_key" add constraint "api_key_created_by_id_foreign" foreign key ("created_by_id") references "app_user" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "id_token" drop constraint if exists "id_token_status_check";`);

    this.addSql(`alter table "charging_session" drop constraint if exists "charging_session_authorization_status_check";`);

    this.addSql(`alter table "firmware_file" add column "organisation_id" uuid null;`);
    this.addSql(`alter table "firmware_file" add constraint "firmware_file_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "app_user" add column "password_hash" varchar(255) null, add column "role" text check ("role" in ('DRIVER', 'OPERATOR', 'ADMIN')) not null default 'DRIVER', add column "organisation_id" uuid null, add column "token_version" int not null default 0, add column "disabled_at" timestamptz null;`);
    this.addSql(`alter table "app_user" add constraint "app_user_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "id_token" add column "printed_number" varchar(64) null, add column "max_concurrent_sessions" smallint null, add column "organisation_id" uuid null;`);
    this.addSql(`alter table "id_token" add constraint "id_token_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "id_token" add constraint "id_token_status_check" check("status" in ('ACTIVE', 'BLOCKED', 'EXPIRED', 'LOST'));`);
    this.addSql(`create index "id_token_user_id_index" on "id_token" ("user_id");`);
    this.addSql(`create index "id_token_organisation_id_lookup_key_index" on "id_token" ("organisation_id", "lookup_key");`);

    this.addSql(`alter table "charging_session" add column "user_id" uuid null;`);
    this.addSql(`alter table "charging_session" add constraint "charging_session_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "charging_session" add constraint "charging_session_authorization_status_check" check("authorization_status" in ('ACCEPTED', 'BLOCKED', 'EXPIRED', 'INVALID', 'CONCURRENT_TX', 'RESERVED', 'NOT_ALLOWED_HERE'));`);
    this.addSql(`create index "charging_session_user_id_started_at_index" on "charging_session" ("user_id", "started_at");`);

    // Sessions started before accounts belong to whoever owned their token then (now): a
    // driver sees their history from day one.
    this.addSql(`update "charging_session" s set "user_id" = t."user_id" from "id_token" t where s."id_token_id" = t."id" and s."user_id" is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "station_access_grant" cascade;`);

    this.addSql(`drop table if exists "refresh_token" cascade;`);

    this.addSql(`drop table if exists "password_reset" cascade;`);

    this.addSql(`drop table if exists "api_key" cascade;`);

    this.addSql(`alter table "app_user" drop constraint "app_user_organisation_id_foreign";`);

    this.addSql(`alter table "charging_session" drop constraint if exists "charging_session_authorization_status_check";`);

    this.addSql(`alter table "charging_session" drop constraint "charging_session_user_id_foreign";`);

    this.addSql(`alter table "firmware_file" drop constraint "firmware_file_organisation_id_foreign";`);

    this.addSql(`alter table "id_token" drop constraint if exists "id_token_status_check";`);

    this.addSql(`alter table "id_token" drop constraint "id_token_organisation_id_foreign";`);

    this.addSql(`alter table "app_user" drop column "password_hash", drop column "role", drop column "organisation_id", drop column "token_version", drop column "disabled_at";`);

    this.addSql(`drop index "charging_session_user_id_started_at_index";`);
    this.addSql(`alter table "charging_session" drop column "user_id";`);

    this.addSql(`alter table "charging_session" add constraint "charging_session_authorization_status_check" check("authorization_status" in ('ACCEPTED', 'BLOCKED', 'EXPIRED', 'INVALID', 'CONCURRENT_TX', 'RESERVED'));`);

    this.addSql(`alter table "firmware_file" drop column "organisation_id";`);

    this.addSql(`drop index "id_token_user_id_index";`);
    this.addSql(`drop index "id_token_organisation_id_lookup_key_index";`);
    this.addSql(`alter table "id_token" drop column "printed_number", drop column "max_concurrent_sessions", drop column "organisation_id";`);

    this.addSql(`alter table "id_token" add constraint "id_token_status_check" check("status" in ('ACTIVE', 'BLOCKED', 'EXPIRED'));`);
  }

}
