import { buildApp } from './app.js';
import { startupConfigOrExit } from './bootstrap.js';
import type { Config } from './core/config.js';
import { type DatabaseHandle, openEmbedded } from './core/database.js';
import { installProcessGuards } from './core/process-guard.js';
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
  if (seeded) log('Seeded demo organisations, accounts and catalog.');
  return database;
}

/** What a person starting the API needs first: where it is, its docs, and how to sign in. */
function banner(config: Config, embedded: boolean): string {
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? 'localhost' : config.http.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${config.http.port}`;
  const lines = [`Iris API    ${url}`];
  if (config.http.apiDocsEnabled) lines.push(`API docs    ${url}/docs   (OpenAPI: ${url}/openapi.json)`);
  if (embedded && config.auth.provider === 'local') {
    lines.push(
      `Sign in     POST ${url}/auth/dev/login as admin@iris.local, supplier@iris.local or chef@iris.local`,
      `            password "${DEMO_PASSWORD}"`,
    );
  } else if (config.auth.provider === 'local' && !config.isProduction) {
    lines.push(`Sign in     POST ${url}/auth/dev/login with a DEV_USERS login`);
  }
  return `\n${lines.map((l) => `  ${l}`).join('\n')}\n\n`;
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
  const shutdown = (signal: string, exitCode = 0) => {
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
      .then(() => process.exit(exitCode))
      .catch((err: unknown) => {
        app.log.error({ err }, 'error during shutdown');
        process.exit(1);
      });
  };
  installProcessGuards({
    log: app.log,
    onFatal: () => {
      shutdown('uncaughtException', 1);
    },
  });
  process.on('SIGTERM', () => {
    shutdown('SIGTERM');
  });
  process.on('SIGINT', () => {
    shutdown('SIGINT');
  });

  await app.listen({ port: config.http.port, host: config.http.host });
  const welcome = banner(config, embedded !== undefined);
  if (config.logPretty) process.stdout.write(welcome);
  else app.log.info(welcome.trim().replace(/\s*\n\s*/g, ' | '));
}

main().catch((err: unknown) => {
  process.stderr.write(`Iris failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
