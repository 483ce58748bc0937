import { loadConfig } from '../core/config.js';
import { openDatabase } from '../core/database.js';
import { hardDelete } from '../functions/hard-delete.js';

/** npm run hard-delete -- [--dry-run]: one run of the hard-delete function; prints its report as JSON. */
const dryRun = process.argv.includes('--dry-run');
const config = loadConfig();
const database = await openDatabase(config);
try {
  const run = await hardDelete(database.db, config, { dryRun }, 'cli');
  process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
} finally {
  await database.close();
}
