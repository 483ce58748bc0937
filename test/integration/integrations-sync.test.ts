import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { runJob, type JobRegistry } from '../../src/core/jobs.js';
import { customerPriceOre } from '../../src/connectors/portals/catalog.js';
import { startPortal, type PortalServer } from '../../src/connectors/portals/server.js';
import { queryRows } from '../../src/db/rows.js';
import { CONSENT_TEXT_VERSION } from '../../src/domain/integrations/integrations.schemas.js';
import { createJobServices } from '../../src/services.js';
import { createJobRegistry } from '../../src/workers/registry.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';

const PASSWORD = 'Hemligt-L0senord-5513';
const CUSTOMER = 'K2002';
const log = pino({ level: 'silent' });
let portal: PortalServer;
let ctx: TestContext;
let services: Awaited<ReturnType<typeof createJobServices>>;
let registry: JobRegistry;
let owner: TestUser;
let restaurantId: string;
let connectionId: string;

const consent = {
  text_version: CONSENT_TEXT_VERSION,
  session_only: true,
  credentials_not_stored: true,
  delegated_retrieval: true,
};

beforeAll(async () => {
  portal = await startPortal({
    flavour: 'menigo',
    catalogSize: 120,
    pageSize: 50,
    users: [{ username: 'inkop@krogen.se', password: PASSWORD, customerId: CUSTOMER }],
  });
  ctx = await createTestContext({
    CONNECTOR_MENIGO_URL: portal.url,
    CONNECTOR_PAGE_DELAY_MS: '0',
    CONNECTOR_PAGE_JITTER_MS: '0',
  });
  services = await createJobServices({ config: ctx.config, db: ctx.database.db });
  registry = createJobRegistry(services, ctx.config.jobs.timezone);
  owner = await createUser(ctx.database.db, ctx.config, 'RESTAURANT');
  restaurantId = await createOrg(ctx.database.db, 'restaurant', 'Krogen Test AB', [{ user: owner, role: 'owner' }]);
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/integrations/menigo/connect',
    headers: owner.headers,
    payload: { restaurant_id: restaurantId, consent, username: 'inkop@krogen.se', password: PASSWORD },
  });
  expect(res.statusCode).toBe(201);
  const [row] = await queryRows<{ id: string }>(
    ctx.database.db,
    sql`SELECT id FROM supplier_connections WHERE restaurant_id = ${restaurantId}::uuid AND supplier_key = 'menigo'`,
  );
  connectionId = row!.id;
}, 120_000);

afterAll(async () => {
  await services.close();
  await ctx.close();
  await portal.close();
});

const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(ctx.database.db, q);

/** Runs the job the relay would enqueue for the newest outbox event of this type. */
async function runFromOutbox(eventType: string, jobName: string) {
  const [event] = await rows<{ id: string; payload: Record<string, unknown> }>(sql`
    SELECT id, payload FROM outbox_events WHERE event_type = ${eventType} ORDER BY created_at DESC LIMIT 1`);
  expect(event).toBeDefined();
  await runJob(
    registry,
    {
      name: jobName,
      data: { event_id: event!.id, event_type: eventType, occurred_at: new Date().toISOString(), payload: event!.payload },
      id: `${jobName}-${Date.now()}`,
      attempt: 1,
    },
    { log, metrics: undefined },
  );
}

const sync = () => runFromOutbox('connector.connected', 'connectors.sync');

const catalog = () =>
  rows<{ sku: string; price_cents: number; active: boolean; name: string; unit: string }>(sql`
    SELECT p.sku, p.price_cents, p.active, p.name, p.unit FROM products p
    JOIN supplier_connectors sc ON sc.supplier_id = p.supplier_id
    WHERE sc.supplier_key = 'menigo' AND p.deleted_at IS NULL ORDER BY p.sku`);
const priceRows = async () =>
  (await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM product_prices`))[0]!.n;
const connection = async () =>
  (
    await rows<{ status: string; last_sync_outcome: string | null; last_sync_reason: string | null; sync_cursor: unknown }>(
      sql`SELECT status, last_sync_outcome, last_sync_reason, sync_cursor FROM supplier_connections WHERE id = ${connectionId}::uuid`,
    )
  )[0]!;

describe('connector catalog sync against the Menigo replica (real Chromium)', () => {
  it('mirrors the catalog with the restaurant’s own prices and fills the cache', async () => {
    await sync();
    const products = await catalog();
    expect(products).toHaveLength(120);
    for (const i of [0, 7, 119]) {
      const upstream = portal.articleAt(i);
      const mirrored = products.find((p) => p.sku === upstream.article);
      expect(mirrored).toMatchObject({ name: upstream.name, active: true });
      expect(mirrored?.price_cents).toBe(customerPriceOre(upstream, CUSTOMER));
    }
    const [cache] = await rows<{ n: number; raw: number }>(sql`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE raw->>'price' IS NOT NULL)::int AS raw
      FROM supplier_catalog_cache WHERE connection_id = ${connectionId}::uuid AND active`);
    expect(cache).toEqual({ n: 120, raw: 120 });
    expect(await priceRows()).toBe(120);
    expect(await connection()).toMatchObject({ status: 'active', last_sync_outcome: 'success', sync_cursor: null });
  }, 120_000);

  it('is idempotent: a second sync leaves the same catalog and no new price history', async () => {
    const before = await catalog();
    await sync();
    expect(await catalog()).toEqual(before);
    expect(await priceRows()).toBe(120);
  }, 120_000);

  it('records exactly one price period for one real upstream change', async () => {
    const article = portal.articleAt(3);
    portal.adjustPrice(article.article, 250);
    await sync();
    expect(await priceRows()).toBe(121);
    const [changed] = await rows<{ price_cents: number }>(sql`
      SELECT price_cents FROM products WHERE sku = ${article.article} AND deleted_at IS NULL`);
    expect(changed?.price_cents).toBe(customerPriceOre(article, CUSTOMER, 250));
    const periods = await rows<{ open: number }>(sql`
      SELECT count(*) FILTER (WHERE pp.valid_to IS NULL)::int AS open FROM product_prices pp
      JOIN products p ON p.id = pp.product_id WHERE p.sku = ${article.article}`);
    expect(periods[0]?.open).toBe(1);
  }, 120_000);

  it('deactivates, never deletes, an article removed upstream', async () => {
    const article = portal.articleAt(10).article;
    const activeBefore = (await catalog()).filter((p) => p.active).length;
    portal.removeArticle(article);
    await sync();
    const products = await catalog();
    expect(products).toHaveLength(120);
    expect(products.find((p) => p.sku === article)?.active).toBe(false);
    expect(products.filter((p) => p.active)).toHaveLength(activeBefore - 1);
    expect(await priceRows()).toBe(121);
    expect((await connection()).last_sync_reason).toBe('deactivated:1');
  }, 120_000);
});
