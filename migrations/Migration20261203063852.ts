import { Migration } from '@mikro-orm/migrations';

export class Migration20261203063852 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "invoice_counter" ("organisation_id" uuid not null, "series" varchar(8) not null, "year" int not null, "last_number" int not null, constraint "invoice_counter_pkey" primary key ("organisation_id", "series", "year"));`);

    this.addSql(`create table "invoice" ("id" uuid not null, "organisation_id" uuid not null, "number" varchar(40) not null, "kind" text check ("kind" in ('INVOICE', 'CREDIT_NOTE')) not null, "status" text check ("status" in ('OPEN', 'PAID', 'VOID')) not null, "credits_invoice_id" uuid null, "credit_note_reason" text null, "bill_to" jsonb not null, "user_id" uuid null, "source_key" varchar(200) not null, "currency" varchar(3) not null, "total_excl_vat" numeric(18,6) not null, "total_vat" numeric(18,6) not null, "total_incl_vat" numeric(18,6) not null, "issued_at" timestamptz not null, "period_start" timestamptz null, "period_end" timestamptz null, "paid_at" timestamptz null, "payment_provider" text check ("payment_provider" in ('STRIPE', 'INVOICE', 'NONE')) null, "payment_reference" varchar(200) null, "payment_failure_reason" text null, "last_payment_attempt_at" timestamptz null, constraint "invoice_pkey" primary key ("id"));`);
    this.addSql(`alter table "invoice" add constraint "invoice_source_key_unique" unique ("source_key");`);
    this.addSql(`create index "invoice_organisation_id_issued_at_index" on "invoice" ("organisation_id", "issued_at");`);
    this.addSql(`create index "invoice_user_id_issued_at_index" on "invoice" ("user_id", "issued_at");`);
    this.addSql(`create index "invoice_credits_invoice_id_index" on "invoice" ("credits_invoice_id");`);
    this.addSql(`alter table "invoice" add constraint "invoice_organisation_id_number_unique" unique ("organisation_id", "number");`);

    this.addSql(`create table "invoice_line" ("invoice_id" uuid not null, "position" int not null, "description" text not null, "quantity" numeric(18,6) not null, "unit" varchar(20) null, "unit_price_excl_vat" numeric(18,6) null, "vat_rate" numeric(7,4) null, "excl_vat" numeric(18,6) not null, "vat" numeric(18,6) not null, "incl_vat" numeric(18,6) not null, "cdr_id" uuid null, constraint "invoice_line_pkey" primary key ("invoice_id", "position"));`);

    this.addSql(`alter table "invoice_counter" add constraint "invoice_counter_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "invoice" add constraint "invoice_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "invoice" add constraint "invoice_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "invoice_line" add constraint "invoice_line_invoice_id_foreign" foreign key ("invoice_id") references "invoice" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "invoice_line" drop constraint "invoice_line_invoice_id_foreign";`);

    this.addSql(`drop table if exists "invoice_counter" cascade;`);

    this.addSql(`drop table if exists "invoice" cascade;`);

    this.addSql(`drop table if exists "invoice_line" cascade;`);
  }

}
