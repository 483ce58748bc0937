import { buildApp } from './app.js';
import { startupConfigOrExit } from './bootstrap.js';
import type { Config } from './core/config.js';
import { installProcessGuards } from './core/process-guard.js';
import { installShutdown } from './core/shutdown.js';
import { prepareEmbedded } from './db/embedded.js';
import { DEMO_PASSWORD } from './domain/accounts/demo-users.js';
import { startEmbeddedFakeStripe } from './dev/fake-stripe/embedded.js';

/** The embedded database's warnings go to the app's log once it exists (the database opens before the app). */
const databaseLog = {
  target: undefined as { warn(obj: object, msg: string): void } | undefined,
  warn(obj: object, msg: string) {
    if (this.target) this.target.warn(obj, msg);
    else process.stderr.write(`${msg} ${JSON.stringify(obj)}\n`);
  },
};

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

  const prepared = config.database.url ? undefined : await prepareEmbedded(config, databaseLog);
  const embedded = prepared?.database;
  const notes = prepared?.notes ?? [];
  const app = await buildApp(config, embedded ? { database: embedded } : {});
  databaseLog.target = app.log;
  for (const note of notes) app.log.warn(note);

  const fakeStripe =
    config.payments.provider === 'fake' ? await startEmbeddedFakeStripe(config, app.log) : undefined;

  const shutdown = installShutdown({
    log: app.log,
    graceMs: config.http.shutdownGraceMs,
    close: async () => {
      await app.close();
      await fakeStripe?.stop();
      await embedded?.close();
    },
  });
  installProcessGuards({
    log: app.log,
    onFatal: () => {
      shutdown('uncaughtException', 1);
    },
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
