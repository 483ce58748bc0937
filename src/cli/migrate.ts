// npm run migrate | migrate:down [steps] | migrate:status — see migrate-target.ts for which database.
import { ConfigError, readEnvironment } from '../core/config.js';
import { openMigrationTarget } from './migrate-target.js';
import { loadMigrations, migrateDown, migrateUp, migrationStatus } from '../db/migrator.js';

async function run(command: string | undefined, arg: string | undefined): Promise<number> {
  const out = (m: string) => process.stdout.write(`${m}\n`);
  const database = await openMigrationTarget(readEnvironment(), (m) =>
    process.stderr.write(`warning: ${m}\n`),
  );
  try {
    const migrations = loadMigrations();
    switch (command) {
      case 'up': {
        const applied = await migrateUp(database.db, migrations);
        out(applied.length ? `Applied: ${applied.join(', ')}` : 'Nothing to apply; the schema is current.');
        return 0;
      }
      case 'down': {
        const steps = arg === undefined ? 1 : Number(arg);
        if (!Number.isInteger(steps) || steps < 1)
          throw new ConfigError('steps', 'must be a positive integer');
        const undone = await migrateDown(database.db, migrations, steps);
        out(undone.length ? `Rolled back: ${undone.join(', ')}` : 'Nothing to roll back.');
        return 0;
      }
      case 'status': {
        for (const s of await migrationStatus(database.db, migrations)) {
          out(`${s.state.padEnd(8)} ${s.tag}${s.appliedAt ? `  (${s.appliedAt.toISOString()})` : ''}`);
        }
        return 0;
      }
      default:
        process.stderr.write('usage: migrate up | down [steps] | status\n');
        return 2;
    }
  } finally {
    await database.close();
  }
}

run(process.argv[2], process.argv[3])
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    process.stderr.write(`migrate failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
