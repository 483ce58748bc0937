import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { BullmqProducer } from '../../src/core/bullmq.js';
import { runJob, type JobRegistry } from '../../src/core/jobs.js';
import { customerPriceOre } from '../../src/connectors/portals/catalog.js';
import { startPortal, type PortalServer } from '../../src/connectors/portals/server.js';
import { martinServera } from '../../src/connectors/martin-servera.js';
import { queryRows } from '../../src/db/rows.js';
import { CONSENT_TEXT_VERSION } from '../../src/domain/integrations/integrations.schemas.js';
import { createJobServices } from '../../src/services.js';
import { eventJobs } from '../../src/workers/outbox-relay.js';
import { createJobRegistry } from '../../src/workers/registry.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.js';

/**
 * Martin & Servera beyond connect (spec §11): the one-time-code step, catalog sync and cart prefill, the nightly
 * job, and a disconnect that removes the connection's queued BullMQ jobs. Real Chromium against the replica.
 */
const PASSWORD = 'Hemligt-L0senord-7734';
const OTP = '481516';
const log = pino({ level: 'silent' });
const prefix = uniquePrefix('connectors');
let portal: PortalServer;
let ctx: TestContext;
let services: Awaited<ReturnType<typeof createJobServices>>;
let registry: JobRegistry;
let ownerA: TestUser;
let ownerB: TestUser;
let restaurantA: string;
let restaurantB: string;

const consent = {
  text_version: CONSENT_TEXT_VERSION,
  session_only: true,
  credentials_not_stored: true,
  delegated_retrieval: true,
};

beforeAll(async () => {
  portal = await startPortal({
    flavour: 'martin_servera',
    catalogSize: 150,
    pageSize: 100,
    users: [
      { username: 'inkop@bistro-a.se', password: PASSWORD, customerId: 'K3003' },
      { username: 'chef@bistro-b.se', password: PASSWORD, customerId: 'K3004', otp: OTP },
    ],
  });
  ctx = await createTestContext({
    CONNECTOR_MARTIN_SERVERA_URL: portal.url,
    // Nothing listens here: the Menigo portal is "down" for this file.
    CONNECTOR_MENIGO_URL: 'http://127.0.0.1:9',
    CONNECTOR_PAGE_DELAY_MS: '0',
    CONNECTOR_PAGE_JITTER_MS: '0',
    CONNECTOR_BACKOFF_MS: '10',
    REDIS_URL: TEST_REDIS_URL,
    JOB_QUEUE_PREFIX: prefix,
  });
  services = await createJobServices({ config: ctx.config, db: ctx.database.db });
  registry = createJobRegistry(services, ctx.config.jobs.timezone);
  ownerA = await createUser(ctx.database.db, ctx.config, 'RESTAURANT');
  ownerB = await createUser(ctx.database.db, ctx.config, 'RESTAURANT');
  restaurantA = await createOrg(ctx.database.db, 'restaurant', 'Bistro A AB', [
    { user: ownerA, role: 'owner' },
  ]);
  restaurantB = await createOrg(ctx.database.db, 'restaurant', 'Bistro B AB', [
    { user: ownerB, role: 'owner' },
  ]);
}, 120_000);

afterAll(async () => {
  await services.close();
  await ctx.close();
  await portal.close();
  await dropPrefix(TEST_REDIS_URL, prefix);
});

const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(ctx.database.db, q);

const api = (
  user: TestUser,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  payload?: object,
  supplier = 'martin_servera',
) =>
  ctx.app.inject({
    method,
    url: `/api/v1/integrations/${supplier}${path}`,
    headers: user.headers,
    ...(payload ? { payload } : {}),
  });

const connectionOf = async (restaurantId: string) =>
  (
    await rows<{
      id: string;
      status: string;
      last_sync_at: Date | null;
      last_sync_outcome: string | null;
      last_invoice_pull_at: Date | null;
    }>(sql`
      SELECT id, status, last_sync_at, last_sync_outcome, last_invoice_pull_at FROM supplier_connections
      WHERE restaurant_id = ${restaurantId}::uuid AND supplier_key = 'martin_servera'`)
  )[0]!;

const events = (connectionId: string) =>
  rows<{ id: string; event_type: string; payload: Record<string, unknown>; created_at: Date }>(sql`
    SELECT id, event_type, payload, created_at FROM outbox_events
    WHERE aggregate_id = ${connectionId}::uuid ORDER BY created_at`);

async function runEventJob(connectionId: string, eventType: string, jobName: string) {
  const event = (await events(connectionId)).filter((e) => e.event_type === eventType).at(-1);
  expect(event).toBeDefined();
  await runJob(
    registry,
    {
      name: jobName,
      data: {
        event_id: event!.id,
        event_type: eventType,
        occurred_at: new Date().toISOString(),
        payload: event!.payload,
      },
      id: `${jobName}-${event!.id}`,
      attempt: 1,
    },
    { log, metrics: undefined },
  );
}

describe('connect: consent text, an unreachable portal, and the one-time-code step', () => {
  it('serves the consent text the body must accept', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/integrations/consent',
      headers: ownerA.headers,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().text_version).toBe(CONSENT_TEXT_VERSION);
  });

  it('answers status and sync without a connection with CONNECTOR_NOT_CONNECTED', async () => {
    const status = await api(ownerA, 'GET', `/status?restaurant_id=${restaurantA}`);
    expect(status.json().code).toBe('CONNECTOR_NOT_CONNECTED');
    const sync = await api(ownerA, 'POST', '/sync', { restaurant_id: restaurantA });
    expect(sync.json().code).toBe('CONNECTOR_NOT_CONNECTED');
  });

  it('answers an unreachable portal with CONNECTOR_UNAVAILABLE and audits the failed attempt', async () => {
    const res = await api(
      ownerA,
      'POST',
      '/connect',
      { restaurant_id: restaurantA, consent, username: 'inkop@bistro-a.se', password: PASSWORD },
      'menigo',
    );
    expect(res.statusCode).toBe(502);
    expect(res.json().code).toBe('CONNECTOR_UNAVAILABLE');
    const [audit] = await rows<{ details: { reason: string } }>(sql`
      SELECT details FROM audit_log WHERE action = 'connector.connect_failed'`);
    expect(audit?.details.reason).toBe('unavailable');
  }, 60_000);

  it('asks for the one-time code with 202 and connects once the right code is given', async () => {
    const body = { restaurant_id: restaurantB, consent, username: 'chef@bistro-b.se', password: PASSWORD };
    const first = await api(ownerB, 'POST', '/connect', body);
    expect(first.statusCode).toBe(202);
    expect(first.json()).toMatchObject({ status: 'awaiting_code' });
    const challenge = first.json().challenge_id as string;

    const wrong = await api(ownerB, 'POST', `/connect/${challenge}`, {
      restaurant_id: restaurantB,
      code: '000000',
    });
    expect(wrong.statusCode).toBe(502);
    expect(wrong.json().code).toBe('CONNECTOR_AUTH_FAILED');
    // A refused code ends the step: the same challenge cannot be tried again.
    const again = await api(ownerB, 'POST', `/connect/${challenge}`, {
      restaurant_id: restaurantB,
      code: OTP,
    });
    expect(again.json().code).toBe('CONNECTOR_CHALLENGE_NOT_FOUND');

    const second = await api(ownerB, 'POST', '/connect', body);
    expect(second.statusCode).toBe(202);
    const next = second.json().challenge_id as string;
    // Another restaurant's owner cannot complete it, even naming their own restaurant.
    const foreign = await api(ownerA, 'POST', `/connect/${next}`, { restaurant_id: restaurantA, code: OTP });
    expect(foreign.json().code).toBe('CONNECTOR_CHALLENGE_NOT_FOUND');

    const done = await api(ownerB, 'POST', `/connect/${next}`, { restaurant_id: restaurantB, code: OTP });
    expect(done.statusCode).toBe(201);
    expect(done.json()).toMatchObject({ status: 'active', supplier: 'martin_servera' });
    const requested = await rows<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM audit_log WHERE action = 'connector.connect_code_requested'`);
    expect(requested[0]!.n).toBe(2);
    const dump = JSON.stringify(
      await rows(sql`SELECT row_to_json(a)::text AS t FROM audit_log a UNION ALL
        SELECT row_to_json(s)::text FROM supplier_session_secrets s`),
    );
    expect(dump).not.toContain(PASSWORD);
    expect(dump).not.toContain(OTP);
  }, 120_000);
});

describe('Martin & Servera catalog sync and cart prefill', () => {
  const supplierProducts = () =>
    rows<{ id: string; sku: string; price_cents: number }>(sql`
      SELECT p.id, p.sku, p.price_cents FROM products p
      JOIN supplier_connectors sc ON sc.supplier_id = p.supplier_id
      WHERE sc.supplier_key = 'martin_servera' AND p.deleted_at IS NULL ORDER BY p.sku`);

  it('connects restaurant A and mirrors its catalog with its own prices', async () => {
    const res = await api(ownerA, 'POST', '/connect', {
      restaurant_id: restaurantA,
      consent,
      username: 'inkop@bistro-a.se',
      password: PASSWORD,
    });
    expect(res.statusCode).toBe(201);
    const { id } = await connectionOf(restaurantA);
    await runEventJob(id, 'connector.connected', 'connectors.sync');
    const products = await supplierProducts();
    expect(products).toHaveLength(150);
    const upstream = portal.articleAt(42);
    expect(products.find((p) => p.sku === upstream.article)?.price_cents).toBe(
      customerPriceOre(upstream, 'K3003'),
    );
    expect(await connectionOf(restaurantA)).toMatchObject({ status: 'active', last_sync_outcome: 'success' });
  }, 120_000);

  it('prefills the cart from Iris product ids and article numbers and returns the deep link', async () => {
    const products = await supplierProducts();
    const orderable = [...Array(150).keys()]
      .map((i) => portal.articleAt(i))
      .filter((p) => p.orderable && p.orderMultiple === 1);
    const byId = products.find((p) => p.sku === orderable[0]!.article)!;
    const res = await api(ownerA, 'POST', '/cart/prefill', {
      restaurant_id: restaurantA,
      lines: [
        { product_id: byId.id, quantity: 3 },
        { article: orderable[1]!.article, quantity: 2 },
      ],
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.deep_link.startsWith(`${portal.url}/varukorg/delad/`)).toBe(true);
    expect(body.lines).toEqual([
      { article: byId.sku, product_id: byId.id, requested: 3, added: 3, problem: null },
      { article: orderable[1]!.article, product_id: null, requested: 2, added: 2, problem: null },
    ]);
    expect(Object.fromEntries(portal.cart('K3003'))).toEqual({
      [byId.sku]: 3,
      [orderable[1]!.article]: 2,
    });
  }, 120_000);

  it('refuses sync and prefill at once while the connector is degraded', async () => {
    await ctx.database.db.execute(sql`
      UPDATE supplier_connectors SET health = 'degraded', selector_map_version = ${martinServera.selectors.version}
      WHERE supplier_key = 'martin_servera'`);
    try {
      const sync = await api(ownerA, 'POST', '/sync', { restaurant_id: restaurantA });
      expect(sync.json().code).toBe('CONNECTOR_DEGRADED');
      const prefill = await api(ownerA, 'POST', '/cart/prefill', {
        restaurant_id: restaurantA,
        lines: [{ article: portal.articleAt(0).article, quantity: 1 }],
      });
      expect(prefill.json().code).toBe('CONNECTOR_DEGRADED');
    } finally {
      await ctx.database.db.execute(
        sql`UPDATE supplier_connectors SET health = 'healthy' WHERE supplier_key = 'martin_servera'`,
      );
    }
  });
});

describe('nightly connector job (03:00 Europe/Stockholm)', () => {
  it('is scheduled at 03:00 in the job time zone', () => {
    expect(registry.schedules).toContainEqual({ job: 'connectors.nightly', cron: '0 3 * * *' });
    expect(ctx.config.jobs.timezone).toBe('Europe/Stockholm');
  });

  it('syncs and pulls invoices for live sessions only, and expires the stale ones', async () => {
    const b = await connectionOf(restaurantB);
    await ctx.database.db.execute(sql`
      UPDATE supplier_connections SET session_expires_at = now() - interval '1 minute' WHERE id = ${b.id}::uuid`);
    const before = await connectionOf(restaurantA);
    await runJob(
      registry,
      { name: 'connectors.nightly', data: {}, id: `nightly-${Date.now()}`, attempt: 1 },
      { log, metrics: undefined },
    );
    const a = await connectionOf(restaurantA);
    expect(a.last_sync_outcome).toBe('success');
    expect(new Date(a.last_sync_at!).getTime()).toBeGreaterThan(new Date(before.last_sync_at!).getTime());
    expect(a.last_invoice_pull_at).not.toBeNull();
    const pulled = await rows<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM supplier_invoices WHERE restaurant_id = ${restaurantA}::uuid`);
    expect(pulled[0]!.n).toBe(3);
    const stale = await connectionOf(restaurantB);
    expect(stale).toMatchObject({ status: 'expired', last_sync_at: null, last_invoice_pull_at: null });
    const secrets = await rows<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM supplier_session_secrets WHERE connection_id = ${b.id}::uuid`);
    expect(secrets[0]!.n).toBe(0);
  }, 180_000);
});

describe('disconnect', () => {
  it('removes the connection’s waiting and delayed BullMQ jobs, and leaves other connections’ jobs', async () => {
    const a = await connectionOf(restaurantA);
    const sync = await api(ownerA, 'POST', '/sync', { restaurant_id: restaurantA });
    expect(sync.statusCode).toBe(202);
    // What the relay does with these events (the API process of this test runs no worker).
    const producer = new BullmqProducer({ redisUrl: TEST_REDIS_URL, prefix, registry, log });
    const queue = new Queue('connectors', { connection: { url: TEST_REDIS_URL }, prefix });
    try {
      const own = (await events(a.id)).filter((e) => e.event_type !== 'connector.sync_completed');
      const [connected, ...rest] = own;
      const relayed = (list: typeof own) =>
        list.map((e) => ({
          id: e.id,
          type: e.event_type,
          occurredAt: new Date(e.created_at),
          payload: e.payload,
        }));
      await producer.enqueue(eventJobs(registry, relayed(rest)));
      // A sync that failed once and waits for its retry.
      await queue.add(
        'connectors.sync',
        { ...relayed([connected!])[0] },
        { jobId: connected!.id, delay: 600_000 },
      );
      const b = await connectionOf(restaurantB);
      const [other] = (await events(b.id)).filter((e) => e.event_type === 'connector.connected');
      await producer.enqueue(eventJobs(registry, relayed([other!])));
      const states = await Promise.all(own.map((e) => queue.getJobState(e.id)));
      expect(states).toContain('waiting');
      expect(states).toContain('delayed');
      expect(states).not.toContain('unknown');

      const res = await ctx.app.inject({
        method: 'DELETE',
        url: `/api/v1/integrations/martin_servera?restaurant_id=${restaurantA}`,
        headers: ownerA.headers,
      });
      expect(res.statusCode).toBe(204);
      for (const e of own) expect(await queue.getJob(e.id)).toBeUndefined();
      expect(await queue.getJobState(other!.id)).toBe('waiting');
      const [audit] = await rows<{ details: { jobs_cancelled: number; secret_destroyed: boolean } }>(sql`
        SELECT details FROM audit_log WHERE action = 'connector.disconnect'`);
      expect(audit!.details).toMatchObject({ jobs_cancelled: own.length, secret_destroyed: true });
      expect(await connectionOf(restaurantA)).toMatchObject({ status: 'disconnected' });
    } finally {
      await producer.close();
      await queue.close();
    }
  }, 60_000);
});

describe('a portal that ends the session early', () => {
  it('answers a prefill with CONNECTOR_SESSION_EXPIRED and marks the connection expired', async () => {
    const body = { restaurant_id: restaurantB, consent, username: 'chef@bistro-b.se', password: PASSWORD };
    const challenge = (await api(ownerB, 'POST', '/connect', body)).json().challenge_id as string;
    const done = await api(ownerB, 'POST', `/connect/${challenge}`, {
      restaurant_id: restaurantB,
      code: OTP,
    });
    expect(done.statusCode).toBe(201);
    portal.expireSessions();
    const res = await api(ownerB, 'POST', '/cart/prefill', {
      restaurant_id: restaurantB,
      lines: [{ article: portal.articleAt(0).article, quantity: 1 }],
    });
    expect(res.json().code).toBe('CONNECTOR_SESSION_EXPIRED');
    const status = await api(ownerB, 'GET', `/status?restaurant_id=${restaurantB}`);
    expect(status.json()).toMatchObject({ status: 'expired' });
  }, 120_000);
});
