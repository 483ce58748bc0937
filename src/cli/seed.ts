import { readEnvironment } from '../core/config.js';
import { seedDemoData } from '../db/seed.js';
import { openMigrationTarget } from './migrate-target.js';

const database = await openMigrationTarget(readEnvironment(), (m) => process.stderr.write(`warning: ${m}\n`));
try {
  const seeded = await seedDemoData(database.db);
  process.stdout.write(seeded ? 'Demo data seeded.\n' : 'Demo data already present.\n');
} finally {
  await database.close();
}
