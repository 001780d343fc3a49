import { Migration } from '@mikro-orm/migrations';

export class Migration20261203064033 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "tariff" ("id" uuid not null, "organisation_id" uuid null, "name" varchar(200) not null, "currency" varchar(3) not null, "current_version" int not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "tariff_pkey" primary key ("id"));`);
    this.addSql(`create index "tariff_organisation_id_name_index" on "tariff" ("organisation_id", "name");`);

    this.addSql(`create table "tariff_assignment" ("id" uuid not null, "tariff_id" uuid not null, "organisation_id" uuid null, "station_id" uuid null, "connector_id" int null, "created_at" timestamptz not null, constraint "tariff_assignment_pkey" primary key ("id"));`);
    this.addSql(`create index "tariff_assignment_tariff_id_index" on "tariff_assignment" ("tariff_id");`);
    this.addSql(`create unique index "tariff_assignment_organisation_default_unique" on "tariff_assignment" ("organisation_id") where "station_id" is null;`);
    this.addSql(`create unique index "tariff_assignment_station_unique" on "tariff_assignment" ("station_id") where "station_id" is not null and "connector_id" is null;`);
    this.addSql(`create unique index "tariff_assignment_connector_unique" on "tariff_assignment" ("station_id", "connector_id") where "connector_id" is not null;`);

    this.addSql(`create table "tariff_version" ("id" uuid not null, "tariff_id" uuid not null, "version" int not null, "definition" jsonb not null, "created_at" timestamptz not null, constraint "tariff_version_pkey" primary key ("id"));`);
    this.addSql(`alter table "tariff_version" add constraint "tariff_version_tariff_id_version_unique" unique ("tariff_id", "version");`);

    this.addSql(`alter table "tariff" add constraint "tariff_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "tariff_assignment" add constraint "tariff_assignment_tariff_id_foreign" foreign key ("tariff_id") references "tariff" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "tariff_assignment" add constraint "tariff_assignment_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "tariff_assignment" add constraint "tariff_assignment_station_id_foreign" foreign key ("station_id") references "station" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "tariff_version" add constraint "tariff_version_tariff_id_foreign" foreign key ("tariff_id") references "tariff" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "tariff_assignment" drop constraint "tariff_assignment_tariff_id_foreign";`);

    this.addSql(`alter table "tariff_version" drop constraint "tariff_version_tariff_id_foreign";`);

    this.addSql(`drop table if exists "tariff" cascade;`);

    this.addSql(`drop table if exists "tariff_assignment" cascade;`);

    this.addSql(`drop table if exists "tariff_version" cascade;`);
  }

}
