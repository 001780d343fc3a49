import { Migration } from '@mikro-orm/migrations';

export class Migration20261203070529 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "cdr" ("id" uuid not null, "kind" text check ("kind" in ('SESSION', 'CREDIT')) not null, "credits_cdr_id" uuid null, "session_id" uuid not null, "transaction_id" int not null, "station_id" uuid not null, "station_identity" varchar(48) not null, "connector_id" int not null, "organisation_id" uuid null, "user_id" uuid null, "id_token_id" uuid null, "id_tag" varchar(64) not null, "tariff_id" uuid null, "tariff_version_id" uuid null, "subscription_id" uuid null, "currency" varchar(3) not null, "total_excl_vat" numeric(18,6) not null, "total_vat" numeric(18,6) not null, "total_incl_vat" numeric(18,6) not null, "total_energy_wh" bigint not null, "total_time_seconds" int not null, "total_parking_seconds" int not null, "lines" jsonb not null, "vat_breakdown" jsonb not null, "data_notes" jsonb not null, "tariff_snapshot" jsonb null, "ocpi" jsonb not null, "reason" varchar(500) null, "started_at" timestamptz not null, "stopped_at" timestamptz not null, "created_at" timestamptz not null, constraint "cdr_pkey" primary key ("id"));`);
    this.addSql(`create index "cdr_organisation_id_stopped_at_index" on "cdr" ("organisation_id", "stopped_at");`);
    this.addSql(`create index "cdr_user_id_stopped_at_index" on "cdr" ("user_id", "stopped_at");`);
    this.addSql(`create index "cdr_station_id_stopped_at_index" on "cdr" ("station_id", "stopped_at");`);
    this.addSql(`create unique index "cdr_one_per_session" on "cdr" ("session_id") where "kind" = 'SESSION';`);
    this.addSql(`create unique index "cdr_one_credit_each" on "cdr" ("credits_cdr_id") where "kind" = 'CREDIT';`);

    this.addSql(`create table "invoice_counter" ("organisation_id" uuid not null, "series" varchar(8) not null, "year" int not null, "last_number" int not null, constraint "invoice_counter_pkey" primary key ("organisation_id", "series", "year"));`);

    this.addSql(`create table "billing_account" ("id" uuid not null, "organisation_id" uuid not null, "name" varchar(200) not null, "email" varchar(320) null, "address" text null, "vat_id" varchar(50) null, "active" boolean not null default true, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "billing_account_pkey" primary key ("id"));`);
    this.addSql(`create index "billing_account_organisation_id_index" on "billing_account" ("organisation_id");`);

    this.addSql(`create table "plan" ("id" uuid not null, "organisation_id" uuid not null, "name" varchar(200) not null, "description" text null, "currency" varchar(3) not null, "monthly_fee" numeric(14,4) not null, "fee_vat_rate" numeric(5,2) null, "included_energy_wh" int not null default 0, "tariff_id" uuid null, "discount_percent" numeric(5,2) null, "active" boolean not null default true, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "plan_pkey" primary key ("id"));`);
    this.addSql(`create index "plan_organisation_id_active_index" on "plan" ("organisation_id", "active");`);

    this.addSql(`create table "tariff" ("id" uuid not null, "organisation_id" uuid null, "name" varchar(200) not null, "currency" varchar(3) not null, "current_version" int not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "tariff_pkey" primary key ("id"));`);
    this.addSql(`create index "tariff_organisation_id_name_index" on "tariff" ("organisation_id", "name");`);

    this.addSql(`create table "tariff_assignment" ("id" uuid not null, "tariff_id" uuid not null, "organisation_id" uuid null, "station_id" uuid null, "connector_id" int null, "created_at" timestamptz not null, constraint "tariff_assignment_pkey" primary key ("id"));`);
    this.addSql(`create index "tariff_assignment_tariff_id_index" on "tariff_assignment" ("tariff_id");`);
    this.addSql(`create unique index "tariff_assignment_organisation_default_unique" on "tariff_assignment" ("organisation_id") where "station_id" is null;`);
    this.addSql(`create unique index "tariff_assignment_station_unique" on "tariff_assignment" ("station_id") where "station_id" is not null and "connector_id" is null;`);
    this.addSql(`create unique index "tariff_assignment_connector_unique" on "tariff_assignment" ("station_id", "connector_id") where "connector_id" is not null;`);

    this.addSql(`create table "tariff_version" ("id" uuid not null, "tariff_id" uuid not null, "version" int not null, "definition" jsonb not null, "created_at" timestamptz not null, constraint "tariff_version_pkey" primary key ("id"));`);
    this.addSql(`alter table "tariff_version" add constraint "tariff_version_tariff_id_version_unique" unique ("tariff_id", "version");`);

    this.addSql(`create table "subscription" ("id" uuid not null, "plan_id" uuid not null, "user_id" uuid not null, "status" text check ("status" in ('ACTIVE', 'CANCELLING', 'CANCELLED', 'PAST_DUE')) not null, "started_at" timestamptz not null, "current_period_start" timestamptz not null, "current_period_end" timestamptz not null, "cancel_at_period_end" boolean not null default false, "cancelled_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "subscription_pkey" primary key ("id"));`);
    this.addSql(`create index "subscription_user_id_status_index" on "subscription" ("user_id", "status");`);
    this.addSql(`create index "subscription_status_current_period_end_index" on "subscription" ("status", "current_period_end");`);
    this.addSql(`create index "subscription_plan_id_index" on "subscription" ("plan_id");`);

    this.addSql(`create table "subscription_period" ("id" uuid not null, "subscription_id" uuid not null, "period_start" timestamptz not null, "period_end" timestamptz not null, "included_wh" int not null, "used_wh" int not null default 0, "fee_invoice_id" uuid null, "fee_status" text check ("fee_status" in ('PENDING', 'PAID', 'FAILED')) not null default 'PENDING', "attempts" int not null default 0, "fee_failure_reason" varchar(500) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "subscription_period_pkey" primary key ("id"));`);
    this.addSql(`alter table "subscription_period" add constraint "subscription_period_subscription_id_period_start_unique" unique ("subscription_id", "period_start");`);

    this.addSql(`create table "plan_usage" ("id" uuid not null, "period_id" uuid not null, "cdr_id" uuid not null, "covered_wh" int not null, "requested_wh" int not null, "at" timestamptz not null, "created_at" timestamptz not null, constraint "plan_usage_pkey" primary key ("id"));`);
    this.addSql(`alter table "plan_usage" add constraint "plan_usage_cdr_id_unique" unique ("cdr_id");`);
    this.addSql(`create index "plan_usage_period_id_index" on "plan_usage" ("period_id");`);

    this.addSql(`create table "payment_customer" ("id" uuid not null, "user_id" uuid not null, "provider_customer_id" varchar(100) not null, "default_payment_method_id" varchar(100) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "payment_customer_pkey" primary key ("id"));`);
    this.addSql(`alter table "payment_customer" add constraint "payment_customer_user_id_unique" unique ("user_id");`);
    this.addSql(`alter table "payment_customer" add constraint "payment_customer_provider_customer_id_unique" unique ("provider_customer_id");`);

    this.addSql(`create table "invoice" ("id" uuid not null, "organisation_id" uuid not null, "number" varchar(40) not null, "kind" text check ("kind" in ('INVOICE', 'CREDIT_NOTE')) not null, "status" text check ("status" in ('OPEN', 'PAID', 'VOID')) not null, "credits_invoice_id" uuid null, "credit_note_reason" text null, "bill_to" jsonb not null, "user_id" uuid null, "source_key" varchar(200) not null, "currency" varchar(3) not null, "total_excl_vat" numeric(18,6) not null, "total_vat" numeric(18,6) not null, "total_incl_vat" numeric(18,6) not null, "issued_at" timestamptz not null, "period_start" timestamptz null, "period_end" timestamptz null, "paid_at" timestamptz null, "payment_provider" text check ("payment_provider" in ('STRIPE', 'INVOICE', 'NONE')) null, "payment_reference" varchar(200) null, "payment_failure_reason" text null, "last_payment_attempt_at" timestamptz null, constraint "invoice_pkey" primary key ("id"));`);
    this.addSql(`alter table "invoice" add constraint "invoice_source_key_unique" unique ("source_key");`);
    this.addSql(`create index "invoice_organisation_id_issued_at_index" on "invoice" ("organisation_id", "issued_at");`);
    this.addSql(`create index "invoice_user_id_issued_at_index" on "invoice" ("user_id", "issued_at");`);
    this.addSql(`create index "invoice_credits_invoice_id_index" on "invoice" ("credits_invoice_id");`);
    this.addSql(`alter table "invoice" add constraint "invoice_organisation_id_number_unique" unique ("organisation_id", "number");`);

    this.addSql(`create table "invoice_line" ("invoice_id" uuid not null, "position" int not null, "description" text not null, "quantity" numeric(18,6) not null, "unit" varchar(20) null, "unit_price_excl_vat" numeric(18,6) null, "vat_rate" numeric(7,4) null, "excl_vat" numeric(18,6) not null, "vat" numeric(18,6) not null, "incl_vat" numeric(18,6) not null, "cdr_id" uuid null, constraint "invoice_line_pkey" primary key ("invoice_id", "position"));`);

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

    this.addSql(`alter table "invoice_counter" add constraint "invoice_counter_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "billing_account" add constraint "billing_account_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "plan" add constraint "plan_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade;`);

    this.addSql(`alter table "tariff" add constraint "tariff_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "tariff_assignment" add constraint "tariff_assignment_tariff_id_foreign" foreign key ("tariff_id") references "tariff" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "tariff_assignment" add constraint "tariff_assignment_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "tariff_assignment" add constraint "tariff_assignment_station_id_foreign" foreign key ("station_id") references "station" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "tariff_version" add constraint "tariff_version_tariff_id_foreign" foreign key ("tariff_id") references "tariff" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "subscription" add constraint "subscription_plan_id_foreign" foreign key ("plan_id") references "plan" ("id") on update cascade;`);
    this.addSql(`alter table "subscription" add constraint "subscription_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "subscription_period" add constraint "subscription_period_subscription_id_foreign" foreign key ("subscription_id") references "subscription" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "plan_usage" add constraint "plan_usage_period_id_foreign" foreign key ("period_id") references "subscription_period" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "payment_customer" add constraint "payment_customer_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "invoice" add constraint "invoice_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "invoice" add constraint "invoice_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "invoice_line" add constraint "invoice_line_invoice_id_foreign" foreign key ("invoice_id") references "invoice" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "payment_hold" add constraint "payment_hold_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "payment_hold" add constraint "payment_hold_station_id_foreign" foreign key ("station_id") references "station" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "payment_hold" add constraint "payment_hold_session_id_foreign" foreign key ("session_id") references "charging_session" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "payment" add constraint "payment_hold_id_foreign" foreign key ("hold_id") references "payment_hold" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "payment" add constraint "payment_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "billing_account_member" add constraint "billing_account_member_billing_account_id_foreign" foreign key ("billing_account_id") references "billing_account" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "billing_account_member" add constraint "billing_account_member_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "charging_session" add column "tariff_id" uuid null, add column "tariff_version_id" uuid null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "billing_account_member" drop constraint "billing_account_member_billing_account_id_foreign";`);

    this.addSql(`alter table "subscription" drop constraint "subscription_plan_id_foreign";`);

    this.addSql(`alter table "tariff_assignment" drop constraint "tariff_assignment_tariff_id_foreign";`);

    this.addSql(`alter table "tariff_version" drop constraint "tariff_version_tariff_id_foreign";`);

    this.addSql(`alter table "subscription_period" drop constraint "subscription_period_subscription_id_foreign";`);

    this.addSql(`alter table "plan_usage" drop constraint "plan_usage_period_id_foreign";`);

    this.addSql(`alter table "invoice_line" drop constraint "invoice_line_invoice_id_foreign";`);

    this.addSql(`alter table "payment" drop constraint "payment_hold_id_foreign";`);

    this.addSql(`drop table if exists "cdr" cascade;`);

    this.addSql(`drop table if exists "invoice_counter" cascade;`);

    this.addSql(`drop table if exists "billing_account" cascade;`);

    this.addSql(`drop table if exists "plan" cascade;`);

    this.addSql(`drop table if exists "tariff" cascade;`);

    this.addSql(`drop table if exists "tariff_assignment" cascade;`);

    this.addSql(`drop table if exists "tariff_version" cascade;`);

    this.addSql(`drop table if exists "subscription" cascade;`);

    this.addSql(`drop table if exists "subscription_period" cascade;`);

    this.addSql(`drop table if exists "plan_usage" cascade;`);

    this.addSql(`drop table if exists "payment_customer" cascade;`);

    this.addSql(`drop table if exists "invoice" cascade;`);

    this.addSql(`drop table if exists "invoice_line" cascade;`);

    this.addSql(`drop table if exists "payment_hold" cascade;`);

    this.addSql(`drop table if exists "payment" cascade;`);

    this.addSql(`drop table if exists "billing_account_member" cascade;`);

    this.addSql(`drop table if exists "webhook_event" cascade;`);

    this.addSql(`alter table "charging_session" drop column "tariff_id", drop column "tariff_version_id";`);
  }

}
