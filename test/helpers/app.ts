import { inject } from 'vitest';
import { buildApp, type App, type BuildOptions } from '../../src/app.js';
import { type Config, parseConfig } from '../../src/core/config.js';
import { type DatabaseHandle, openPostgres } from '../../src/core/database.js';
import { createDatabase, dropDatabase } from './pg-admin.js';

export const TEST_SECRET = 'test-secret-that-is-at-least-32-bytes-long!!';

export function testConfig(overrides: Record<string, string | undefined> = {}): Config {
  return parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    APP_SECRET: TEST_SECRET,
    METRICS_TOKEN: 'metrics-token-for-tests',
    // Embedded jobs (an outbox relay and cron timers) only in the tests that ask for them.
    JOBS_INLINE: 'false',
    // Order tests place hundreds of orders for one restaurant; the per-restaurant limit has its own tests.
    ORDER_RATE_LIMIT_PER_RESTAURANT: '0',
    // Search counts would carry from one test file's app to the next through Redis; the warm-up has its own tests.
    SEARCH_WARMUP_QUERIES: '0',
    ...overrides,
  });
}

export interface TestContext {
  app: App;
  config: Config;
  /** A second handle on the same database, for arranging and asserting outside the app. */
  database: DatabaseHandle;
  databaseUrl: string;
  close(): Promise<void>;
}

/** A fresh database cloned from the migrated template, and an app on it. */
export async function createTestContext(
  overrides: Record<string, string | undefined> = {},
  prepare?: (app: App) => void,
  build: BuildOptions = {},
): Promise<TestContext> {
  const { name, url } = await createDatabase(inject('templateDatabase'));
  const config = testConfig({ DATABASE_URL: url, DATABASE_URL_DIRECT: url, ...overrides });
  const app = await buildApp(config, build);
  prepare?.(app);
  await app.ready();
  const database = await openPostgres(url, config.database.pool);
  return {
    app,
    config,
    database,
    databaseUrl: url,
    close: async () => {
      await app.close();
      await database.close();
      await dropDatabase(name);
    },
  };
}
