import { buildApp } from './app.js';
import { startupConfigOrExit } from './bootstrap.js';
import type { Config } from './core/config.js';
import { type DatabaseHandle, openEmbedded } from './core/database.js';
import { loadMigrations, migrateUp } from './db/migrator.js';
import { seedDemoData } from './db/seed.js';
import { DEMO_PASSWORD } from './domain/accounts/demo-users.js';
import { startEmbeddedFakeStripe } from './dev/fake-stripe/embedded.js';

async function prepareEmbedded(config: Config, log: (msg: string) => void): Promise<DatabaseHandle> {
  const database = await openEmbedded(config.database.embeddedDir);
  const applied = await migrateUp(database.db, loadMigrations());
  const seeded = await seedDemoData(database.db);
  log(
    `Embedded development database (PGlite) at ${config.database.embeddedDir} — set DATABASE_URL to use PostgreSQL.`,
  );
  if (applied.length > 0) log(`Applied migrations: ${applied.join(', ')}`);
  log(
    seeded
      ? `Seeded demo data. Log in with POST /auth/dev/login as admin@iris.local, supplier@iris.local or chef@iris.local, password "${DEMO_PASSWORD}".`
      : `Demo logins: admin@iris.local, supplier@iris.local, chef@iris.local, password "${DEMO_PASSWORD}".`,
  );
  return database;
}

async function main(): Promise<void> {
  const config = startupConfigOrExit();

  const notes: string[] = [];
  const embedded = config.database.url ? undefined : await prepareEmbedded(config, (m) => notes.push(m));
  const app = await buildApp(config, embedded ? { database: embedded } : {});
  for (const note of notes) app.log.warn(note);

  const fakeStripe =
    config.payments.provider === 'fake' ? await startEmbeddedFakeStripe(config, app.log) : undefined;

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    const force = setTimeout(() => {
      app.log.error('graceful shutdown timed out');
      process.exit(1);
    }, config.http.shutdownGraceMs);
    force.unref();
    app
      .close()
      .then(() => fakeStripe?.stop())
      .then(() => embedded?.close())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        app.log.error({ err }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => {
    shutdown('SIGTERM');
  });
  process.on('SIGINT', () => {
    shutdown('SIGINT');
  });

  await app.listen({ port: config.http.port, host: config.http.host });
}

main().catch((err: unknown) => {
  process.stderr.write(`Iris failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
