// Every migration, in order. Listed statically so they load the same under tsx, vitest or a
// bundler, without scanning the folder at run time. `npm run migration:create` appends here.
import { Migration20261124091034 } from './Migration20261124091034.js';
import { Migration20261124092604 } from './Migration20261124092604.js';
import { Migration20261124093523 } from './Migration20261124093523.js';
import { Migration20261124093709 } from './Migration20261124093709.js';
import { Migration20261124094711 } from './Migration20261124094711.js';
import { Migration20261124130641 } from './Migration20261124130641.js';
import { Migration20261202172526 } from './Migration20261202172526.js';
import { Migration20261203070529 } from './Migration20261203070529.js';
import { Migration20261203120000 } from './Migration20261203120000.js';
import { Migration20261203134009 } from './Migration20261203134009.js';

export const migrationsList = [{ name: 'Migration20261124091034', class: Migration20261124091034 }, { name: 'Migration20261124092604', class: Migration20261124092604 }, { name: 'Migration20261124093523', class: Migration20261124093523 }, { name: 'Migration20261124093709', class: Migration20261124093709 }, { name: 'Migration20261124094711', class: Migration20261124094711 }, { name: 'Migration20261124130641', class: Migration20261124130641 }, { name: 'Migration20261202172526', class: Migration20261202172526 }, { name: 'Migration20261203070529', class: Migration20261203070529 }, { name: 'Migration20261203120000', class: Migration20261203120000 }, { name: 'Migration20261203134009', class: Migration20261203134009 }];
