import { Migration } from '@mikro-orm/migrations';

export class Migration20261203065853 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "billing_account" ("id" uuid not null, "organisation_id" uuid not null, "name" varchar(200) not null, "email" varchar(320) null, "address" text null, "vat_id" varchar(50) null, "active" boolean not null default true, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "billing_account_pkey" primary key ("id"));`);
    this.addSql(`create index "billing_account_organisation_id_index" on "billing_account" ("organisation_id");`);

    this.addSql(`create table "payment_customer" ("id" uuid not null, "user_id" uuid not null, "provider_customer_id" varchar(100) not null, "default_payment_method_id" varchar(100) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "payment_customer_pkey" primary key ("id"));`);
    this.addSql(`alter table "payment_customer" add constraint "payment_customer_user_id_unique" unique ("user_id");`);
    this.addSql(`alter table "payment_customer" add constraint "payment_customer_provider_customer_id_unique" unique ("provider_customer_id");`);

    this.addSql(`create table "payment_hold" ("id" uuid not null, "user_id" uuid null, "guest_email" varchar(320) null, "station_id" uuid null, "connector_id" smallint null, "session_id" uuid null, "provider_intent_id" varchar(100) null, "idempotency_key" varchar(200) not null, "amount_minor" int not null, "currency" varchar(3) not null, "status" text check ("status" in ('PENDING_CONFIRMATION', 'HELD', 'ATTACHED', 'CAPTURED', 'RELEASED', 'FAILED', 'EXPIRED')) not null, "expires_at" timestamptz not null, "failure_reason" text null, "captured_minor" int null, "client_secret" varchar(200) null, "guest_secret_hash" varchar(64) null, "guest_id_tag" varchar(20) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "payment_hold_pkey" primary key ("id"));`);
    this.addSql(`alter table "payment_hold" add constraint "payment_hold_provider_intent_id_unique" unique ("provider_intent_id");`);
    this.addSql(`alter table "payment_hold" add constraint "payment_hold_idempotency_key_unique" unique ("idempotency_key");`);
    this.addSql(`create index "payment_hold_user_id_station_id_status_index" on "payment_hold" ("user_id", "station_id", "status");`);
    this.addSql(`create index "payment_hold_session_id_index" on "payment_hold" ("session_id");`);
    this.addSql(`create index "payment_hold_status_expires_at_index" on "payment_hold" ("status", "expires_at");`);

    this.addSql(`create table "payment" ("id" uuid not null, "kind" text check ("kind" in ('CAPTURE', 'CHARGE', 'REFUND')) not null, "status" text check ("status" in ('SUCCEEDED', 'FAILED')) not null, "hold_id" uuid null, "user_id" uuid null, "cdr_id" uuid null, "invoice_id" uuid null, "invoice_number" varchar(50) null, "provider" varchar(20) not null, "provider_reference" varchar(100) null, "amount_minor" int not null, "currency" varchar(3) not null, "failure_reason" text null, "idempotency_key" varchar(200) not null, "created_at" timestamptz not null, constraint "payment_pkey" primary key ("id"));`);
    this.addSql(`alter table "payment" add constraint "payment_idempotency_key_unique" unique ("idempotency_key");`);
    this.addSql(`create index "payment_cdr_id_index" on "payment" ("cdr_id");`);

    this.addSql(`create table "billing_account_member" ("id" uuid not null, "billing_account_id" uuid not null, "user_id" uuid not null, "created_at" timestamptz not null, constraint "billing_account_member_pkey" primary key ("id"));`);
    this.addSql(`alter table "billing_account_member" add constraint "billing_account_member_user_id_unique" unique ("user_id");`);
    this.addSql(`create index "billing_account_member_billing_account_id_index" on "billing_account_member" ("billing_account_id");`);

    this.addSql(`create table "webhook_event" ("id" uuid not null, "provider" varchar(20) not null, "provider_event_id" varchar(100) not null, "type" varchar(100) not null, "received_at" timestamptz not null, constraint "webhook_event_pkey" primary key ("id"));`);
    this.addSql(`alter table "webhook_event" add constraint "webhook_event_provider_event_id_unique" unique ("provider_event_id");`);

    this.addSql(`alter table "billing_account" add constraint "billing_account_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "payment_customer" add constraint "payment_customer_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "payment_hold" add constraint "payment_hold_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "payment_hold" add constraint "payment_hold_station_id_foreign" foreign key ("station_id") references "station" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "payment_hold" add constraint "payment_hold_session_id_foreign" foreign key ("session_id") references "charging_session" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "payment" add constraint "payment_hold_id_foreign" foreign key ("hold_id") references "payment_hold" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "payment" add constraint "payment_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "billing_account_member" add constraint "billing_account_member_billing_account_id_foreign" foreign key ("billing_account_id") references "billing_account" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "billing_account_member" add constraint "billing_account_member_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "billing_account_member" drop constraint "billing_account_member_billing_account_id_foreign";`);

    this.addSql(`alter table "payment" drop constraint "payment_hold_id_foreign";`);

    this.addSql(`drop table if exists "billing_account" cascade;`);

    this.addSql(`drop table if exists "payment_customer" cascade;`);

    this.addSql(`drop table if exists "payment_hold" cascade;`);

    this.addSql(`drop table if exists "payment" cascade;`);

    this.addSql(`drop table if exists "billing_account_member" cascade;`);

    this.addSql(`drop table if exists "webhook_event" cascade;`);
  }

}
