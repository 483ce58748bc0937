import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQueues } from '../../src/workers/worker-process.js';
import { createTestContext, TEST_SECRET, type TestContext } from '../helpers/app.js';
import { freePort, type Spawned, startProcess, waitForHttp } from '../helpers/process.js';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.js';

/** `npm run worker` as a real process: start-up checks, the protected /metrics listener, graceful SIGTERM. */
describe('the worker process', () => {
  let ctx: TestContext;
  let worker: Spawned;
  let base: string;
  const prefix = uniquePrefix('process');
  const env = () => ({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    APP_SECRET: TEST_SECRET,
    DATABASE_URL: ctx.databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    JOB_QUEUE_PREFIX: prefix,
    METRICS_TOKEN: 'worker-metrics-token-123',
    HOST: '127.0.0.1',
  });

  beforeAll(async () => {
    ctx = await createTestContext();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    worker = startProcess('src/worker.ts', { ...env(), WORKER_METRICS_PORT: String(port) });
    await waitForHttp(`${base}/healthz`, 60_000, worker);
  });
  afterAll(async () => {
    if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await ctx.close();
    await dropPrefix(TEST_REDIS_URL, prefix);
  });

  it('serves /metrics only with the token or from an allowed address, in the error envelope', async () => {
    const anonymous = await fetch(`${base}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    const wrong = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(403);
    const ok = await fetch(`${base}/metrics`, {
      headers: { authorization: 'Bearer worker-metrics-token-123' },
    });
    expect(ok.status).toBe(200);
    const text = await ok.text();
    for (const name of [
      'iris_job_duration_seconds',
      'iris_job_completed_total',
      'iris_forecast_job_duration_seconds',
      'connector_sync_duration_seconds',
      'iris_process_process_cpu_user_seconds_total',
    ]) {
      expect(text).toContain(`# HELP ${name}`);
    }
    // One upcoming run per maintenance schedule: two prunes, two purges, popularity, forecasts, pricing, hard delete.
    expect(text).toContain('iris_queue_depth{queue="maintenance",state="delayed"} 8');
    expect(text).toMatch(/iris_outbox_pending_events 0/);
    expect(text).toMatch(/iris_outbox_open_deliveries 0/);
    expect(text).toContain('# HELP iris_outbox_redeliveries_total');
  });

  it('logs its queues and shuts down with exit code 0 on SIGTERM', async () => {
    expect(worker.output()).toMatch(/"msg":"worker started"/);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toMatch(/finishing running jobs/);
  });

  it.each([
    [{ REDIS_URL: '' }, [], /needs DATABASE_URL and REDIS_URL/],
    [{}, ['--queues', 'emails'], /--queues needs .*unknown: emails/],
    [{ JOB_TIMEZONE: 'Mars/Olympus' }, [], /JOB_TIMEZONE must be an IANA time zone/],
  ])('refuses to start with %o %o, in one line', async (extra, args, message) => {
    const failed = startProcess('src/worker.ts', { ...env(), WORKER_METRICS_PORT: '0', ...extra }, args);
    expect(await failed.exited).toBe(1);
    expect(failed.output()).toMatch(message);
  });
});

describe('--queues', () => {
  it.each([
    [[], undefined],
    [['--queues', 'notifications'], ['notifications']],
    [['--queues=notifications,maintenance'], ['notifications', 'maintenance']],
  ])('%o selects %o', (argv, queues) => {
    expect(parseQueues(argv)).toEqual(queues);
  });

  it.each([[['--queues']], [['--queues=']], [['--queues', 'notifications,bogus']]])('rejects %o', (argv) => {
    expect(() => parseQueues(argv)).toThrow(/--queues needs/);
  });
});
