import { Migration } from '@mikro-orm/migrations';

export class Migration20261202172526 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "station_command" drop constraint if exists "station_command_command_check";`);

    this.addSql(`alter table "station_command" add constraint "station_command_command_check" check("command" in ('START_CHARGING', 'STOP_CHARGING', 'RESET', 'UNLOCK_CONNECTOR', 'CHANGE_AVAILABILITY', 'GET_CONFIGURATION', 'CHANGE_CONFIGURATION', 'CLEAR_CACHE', 'TRIGGER_MESSAGE', 'DATA_TRANSFER', 'GET_LOCAL_LIST_VERSION', 'SEND_LOCAL_LIST', 'RESERVE_NOW', 'CANCEL_RESERVATION', 'SET_CHARGING_LIMIT', 'CLEAR_CHARGING_LIMIT', 'GET_COMPOSITE_SCHEDULE', 'GET_DIAGNOSTICS', 'UPDATE_FIRMWARE'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "station_command" drop constraint if exists "station_command_command_check";`);

    this.addSql(`alter table "station_command" add constraint "station_command_command_check" check("command" in ('START_CHARGING', 'STOP_CHARGING', 'RESET', 'UNLOCK_CONNECTOR', 'CHANGE_AVAILABILITY', 'GET_CONFIGURATION', 'CHANGE_CONFIGURATION', 'CLEAR_CACHE', 'TRIGGER_MESSAGE', 'DATA_TRANSFER', 'GET_LOCAL_LIST_VERSION', 'SEND_LOCAL_LIST', 'RESERVE_NOW', 'CANCEL_RESERVATION', 'SET_CHARGING_LIMIT', 'CLEAR_CHARGING_LIMIT', 'GET_COMPOSITE_SCHEDULE'));`);
  }

}
