import { Migration } from '@mikro-orm/migrations';

export class Migration20261124092604 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "audit_event" ("id" bigserial primary key, "at" timestamptz not null, "kind" text check ("kind" in ('LOGIN_SUCCEEDED', 'LOGIN_FAILED', 'LOGIN_RATE_LIMITED', 'SIGNED_UP', 'LOGGED_OUT', 'REFRESH_TOKEN_REUSED', 'PASSWORD_CHANGED', 'PASSWORD_RESET_REQUESTED', 'PASSWORD_RESET_COMPLETED', 'API_KEY_CREATED', 'API_KEY_REVOKED', 'API_KEY_REJECTED', 'ID_TOKEN_BLOCKED', 'ID_TOKEN_UNBLOCKED', 'ID_TOKEN_CLAIMED', 'ID_TOKENS_IMPORTED', 'CHARGER_REFUSED', 'STATION_PASSWORD_SET', 'STATION_ACCESS_CHANGED', 'USER_CREATED', 'ROLE_CHANGED')) not null, "actor_user_id" uuid null, "actor_api_key_id" uuid null, "actor_label" varchar(320) null, "subject" varchar(320) null, "organisation_id" uuid null, "remote_address" varchar(64) null, "details" jsonb null);`);
    this.addSql(`create index "audit_event_at_index" on "audit_event" ("at");`);
    this.addSql(`create index "audit_event_organisation_id_at_index" on "audit_event" ("organisation_id", "at");`);
    this.addSql(`create index "audit_event_kind_at_index" on "audit_event" ("kind", "at");`);

    this.addSql(`create table "organisation" ("id" uuid not null, "name" varchar(200) not null, "created_at" timestamptz not null, constraint "organisation_pkey" primary key ("id"));`);
    this.addSql(`alter table "organisation" add constraint "organisation_name_unique" unique ("name");`);

    this.addSql(`alter table "station" add column "organisation_id" uuid null, add column "access_mode" text check ("access_mode" in ('PUBLIC', 'RESTRICTED')) not null default 'PUBLIC', add column "security_profile" smallint not null default 0, add column "password_hash" varchar(255) null;`);
    this.addSql(`alter table "station" add constraint "station_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete set null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "station" drop constraint "station_organisation_id_foreign";`);

    this.addSql(`drop table if exists "audit_event" cascade;`);

    this.addSql(`drop table if exists "organisation" cascade;`);

    this.addSql(`alter table "station" drop column "organisation_id", drop column "access_mode", drop column "security_profile", drop column "password_hash";`);
  }

}
