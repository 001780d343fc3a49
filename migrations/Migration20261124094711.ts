import { Migration } from '@mikro-orm/migrations';

export class Migration20261124094711 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "firmware_file" ("id" uuid not null, "file_name" varchar(255) not null, "content_type" varchar(255) null, "size" bigint not null, "sha256" varchar(64) not null, "storage_key" varchar(300) not null, "uploaded_at" timestamptz not null, constraint "firmware_file_pkey" primary key ("id"));`);
    this.addSql(`create index "firmware_file_uploaded_at_index" on "firmware_file" ("uploaded_at");`);

    this.addSql(`create table "firmware_rollout" ("id" uuid not null, "firmware_file_id" uuid null, "external_location" varchar(2000) null, "retrieve_at" timestamptz not null, "retries" int null, "retry_interval" int null, "node_id" varchar(200) not null, "created_at" timestamptz not null, constraint "firmware_rollout_pkey" primary key ("id"));`);
    this.addSql(`create index "firmware_rollout_created_at_index" on "firmware_rollout" ("created_at");`);

    this.addSql(`create table "firmware_job" ("id" uuid not null, "rollout_id" uuid not null, "station_id" uuid not null, "status" text check ("status" in ('SCHEDULED', 'SENT', 'DOWNLOADING', 'DOWNLOADED', 'INSTALLING', 'INSTALLED', 'DOWNLOAD_FAILED', 'INSTALLATION_FAILED', 'SEND_FAILED', 'SUPERSEDED')) not null, "download_token_hash" varchar(64) null, "station_status" varchar(32) null, "failure_reason" varchar(500) null, "sent_at" timestamptz null, "finished_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "firmware_job_pkey" primary key ("id"));`);
    this.addSql(`create index "firmware_job_rollout_id_index" on "firmware_job" ("rollout_id");`);
    this.addSql(`create index "firmware_job_station_id_created_at_index" on "firmware_job" ("station_id", "created_at");`);

    this.addSql(`create table "diagnostics_request" ("id" uuid not null, "station_id" uuid not null, "status" text check ("status" in ('REQUESTED', 'ACCEPTED', 'NO_DIAGNOSTICS', 'UPLOADING', 'UPLOADED', 'UPLOAD_FAILED', 'REJECTED', 'SEND_FAILED', 'SUPERSEDED')) not null, "upload_token_hash" varchar(64) not null, "start_time" timestamptz null, "stop_time" timestamptz null, "retries" int null, "retry_interval" int null, "file_name" varchar(255) null, "uploaded_file_name" varchar(255) null, "content_type" varchar(255) null, "size" bigint null, "sha256" varchar(64) null, "storage_key" varchar(300) null, "station_status" varchar(32) null, "failure_reason" varchar(500) null, "requested_at" timestamptz not null, "uploaded_at" timestamptz null, "updated_at" timestamptz not null, constraint "diagnostics_request_pkey" primary key ("id"));`);
    this.addSql(`create index "diagnostics_request_station_id_requested_at_index" on "diagnostics_request" ("station_id", "requested_at");`);

    this.addSql(`alter table "firmware_rollout" add constraint "firmware_rollout_firmware_file_id_foreign" foreign key ("firmware_file_id") references "firmware_file" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "firmware_job" add constraint "firmware_job_rollout_id_foreign" foreign key ("rollout_id") references "firmware_rollout" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "firmware_job" add constraint "firmware_job_station_id_foreign" foreign key ("station_id") references "station" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "diagnostics_request" add constraint "diagnostics_request_station_id_foreign" foreign key ("station_id") references "station" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "firmware_rollout" drop constraint "firmware_rollout_firmware_file_id_foreign";`);

    this.addSql(`alter table "firmware_job" drop constraint "firmware_job_rollout_id_foreign";`);

    this.addSql(`drop table if exists "firmware_file" cascade;`);

    this.addSql(`drop table if exists "firmware_rollout" cascade;`);

    this.addSql(`drop table if exists "firmware_job" cascade;`);

    this.addSql(`drop table if exists "diagnostics_request" cascade;`);
  }

}
