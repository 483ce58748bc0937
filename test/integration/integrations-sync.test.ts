import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { runJob, type JobRegistry } from '../../src/core/jobs.js';
import { BrowserPool, NavigationBlockedError } from '../../src/connectors/browser.js';
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
/** The replica's v2 layout renames the product title and price elements, nothing else. */
const EXPECTED_BROKEN_V2 = ['product.name', 'product.price'];
const API_PATH = '/api/v2/artiklar';
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
    CONNECTOR_BACKOFF_MS: '10',
    CONNECTOR_MAX_DOWNLOAD_BYTES: '65536',
  });
  services = await createJobServices({ config: ctx.config, db: ctx.database.db });
  registry = createJobRegistry(services, ctx.config.jobs.timezone);
  owner = await createUser(ctx.database.db, ctx.config, 'RESTAURANT');
  restaurantId = await createOrg(ctx.database.db, 'restaurant', 'Krogen Test AB', [
    { user: owner, role: 'owner' },
  ]);
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
      data: {
        event_id: event!.id,
        event_type: eventType,
        occurred_at: new Date().toISOString(),
        payload: event!.payload,
      },
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
    await rows<{
      status: string;
      last_sync_outcome: string | null;
      last_sync_reason: string | null;
      sync_cursor: unknown;
    }>(
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
    expect(await connection()).toMatchObject({
      status: 'active',
      last_sync_outcome: 'success',
      sync_cursor: null,
    });
  }, 120_000);

  it('is idempotent: a second sync leaves the same catalog and no new price history', async () => {
    const before = await catalog();
    const written = () =>
      rows<{ cache: string; products: string }>(sql`
        SELECT (SELECT max(xmin::text::bigint)::text FROM supplier_catalog_cache) AS cache,
               (SELECT max(xmin::text::bigint)::text FROM products) AS products`);
    const versionsBefore = await written();
    await sync();
    expect(await catalog()).toEqual(before);
    expect(await priceRows()).toBe(120);
    // Nothing changed upstream, so no cache row and no product was written again.
    expect(await written()).toEqual(versionsBefore);
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

describe('resilience: 429 retries and a sync that resumes at its last page', () => {
  const apiHits = () => portal.hits.get(API_PATH) ?? 0;

  it('retries throttled catalog pages (429) and completes the sync', async () => {
    const before = await catalog();
    const hitsBefore = apiHits();
    portal.throttleEvery(2);
    try {
      await sync();
    } finally {
      portal.throttleEvery(0);
    }
    // Three pages, at least one of them answered 429 first and fetched again.
    expect(apiHits() - hitsBefore).toBeGreaterThan(3);
    expect(await connection()).toMatchObject({ last_sync_outcome: 'success', sync_cursor: null });
    expect(await catalog()).toEqual(before);
  }, 120_000);

  it('keeps the pages written before an outage and resumes at the next one', async () => {
    const before = await catalog();
    portal.failFromPage(3);
    try {
      await expect(sync()).rejects.toThrow();
    } finally {
      portal.failFromPage(null);
    }
    const failed = await connection();
    expect(failed).toMatchObject({ last_sync_outcome: 'failed', last_sync_reason: 'portal_unavailable' });
    expect(failed.sync_cursor).toMatchObject({ next_page: 3 });
    const hitsBefore = apiHits();
    await sync();
    // Only page 3 is fetched again, and the resumed run (same run id) deactivates nothing it saw earlier.
    expect(apiHits() - hitsBefore).toBe(1);
    expect(await connection()).toMatchObject({ last_sync_outcome: 'success', sync_cursor: null });
    expect(await catalog()).toEqual(before);
  }, 120_000);
});

const api = (method: 'GET' | 'POST', path: string, payload?: object) =>
  ctx.app.inject({
    method,
    url: `/api/v1/integrations/menigo${path}`,
    headers: owner.headers,
    ...(payload ? { payload } : {}),
  });

describe('cart prefill and invoice pull in the restaurant’s session', () => {
  it('fills the portal cart, returns its deep link and reports an unknown article', async () => {
    const first = portal.articleAt(1);
    const second = portal.articleAt(2);
    const res = await api('POST', '/cart/prefill', {
      restaurant_id: restaurantId,
      lines: [
        { article: first.article, quantity: first.orderMultiple * 2 },
        { article: second.article, quantity: second.orderMultiple },
        { article: 'M999999', quantity: 1 },
      ],
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.deep_link.startsWith(`${portal.url}/`)).toBe(true);
    expect(body.lines).toEqual([
      expect.objectContaining({ article: first.article, added: first.orderMultiple * 2, problem: null }),
      expect.objectContaining({ article: second.article, added: second.orderMultiple, problem: null }),
      expect.objectContaining({ article: 'M999999', added: 0, problem: 'unknown_article' }),
    ]);
    const cart = portal.cart(CUSTOMER);
    expect(Object.fromEntries(cart)).toEqual({
      [first.article]: first.orderMultiple * 2,
      [second.article]: second.orderMultiple,
    });
    // The deep link opens the same cart without the restaurant's session.
    const page = await fetch(body.deep_link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(first.article);
  }, 120_000);

  it('reports a not-orderable article and a quantity rounded up to the pack', async () => {
    const closed = portal.articleAt(5);
    expect(closed.orderable).toBe(false);
    const multiple = Array.from({ length: 120 }, (_, i) => portal.articleAt(i)).find(
      (p) => p.orderable && p.orderMultiple > 1,
    );
    expect(multiple).toBeDefined();
    const res = await api('POST', '/cart/prefill', {
      restaurant_id: restaurantId,
      lines: [
        { article: closed.article, quantity: 2 },
        { article: multiple!.article, quantity: 1 },
      ],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().lines).toEqual([
      expect.objectContaining({ article: closed.article, added: 0, problem: 'not_orderable' }),
      expect.objectContaining({
        article: multiple!.article,
        added: multiple!.orderMultiple,
        problem: 'quantity_rounded',
      }),
    ]);
  }, 120_000);

  it('pulls new invoices into supplier-invoice intake once, deduplicated by content hash', async () => {
    await runFromOutbox('connector.cart_prefilled', 'connectors.invoice-pull');
    const invoices = () =>
      rows<{
        id: string;
        file_name: string;
        owner_kind: string;
        supplier_id: string;
        uploaded_by: string | null;
        format: string;
        file_sha256: string;
      }>(sql`
        SELECT id, file_name, owner_kind, supplier_id, uploaded_by, format, file_sha256 FROM supplier_invoices
        WHERE restaurant_id = ${restaurantId}::uuid ORDER BY file_name`);
    const [menigoSupplier] = await rows<{ supplier_id: string }>(
      sql`SELECT supplier_id FROM supplier_connectors WHERE supplier_key = 'menigo'`,
    );
    const first = await invoices();
    expect(first).toHaveLength(3);
    for (const invoice of first) {
      expect(invoice).toMatchObject({
        owner_kind: 'restaurant',
        supplier_id: menigoSupplier!.supplier_id,
        uploaded_by: null,
        format: 'pdf',
      });
    }
    const audited = await rows<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM audit_log WHERE action = 'supplier_invoice.portal_pull'`);
    expect(audited[0]!.n).toBe(3);
    const events = await rows<{ id: string; payload: Record<string, unknown> }>(sql`
      SELECT id, payload FROM outbox_events WHERE event_type = 'supplier_invoice.received'`);
    expect(events.map((e) => e.payload.supplier_invoice_id).sort()).toEqual(first.map((i) => i.id).sort());

    // The extraction job the intake's event starts runs on them like on any upload.
    for (const event of events) {
      await runJob(
        registry,
        {
          name: 'supplier-invoices.extract',
          data: {
            event_id: event.id,
            event_type: 'supplier_invoice.received',
            occurred_at: new Date().toISOString(),
            payload: event.payload,
          },
          id: `extract-${event.id}`,
          attempt: 1,
        },
        { log, metrics: undefined },
      );
    }
    const statuses = await rows<{ status: string; failure_reason: string | null }>(sql`
      SELECT status, failure_reason FROM supplier_invoices WHERE restaurant_id = ${restaurantId}::uuid`);
    // The replica's invoice PDFs carry no e-invoice and no readable text (neither a text layer nor print that
    // OCR can read): extraction fails them with that reason, as it would an upload.
    expect(statuses).toHaveLength(3);
    for (const s of statuses) {
      expect(s.status).toBe('failed');
      expect(s.failure_reason).toMatch(/^NO_TEXT_FOUND/);
    }

    await runFromOutbox('connector.cart_prefilled', 'connectors.invoice-pull');
    expect((await invoices()).map((i) => i.id)).toEqual(first.map((i) => i.id));
    const added = portal.addInvoice(CUSTOMER);
    await runFromOutbox('connector.cart_prefilled', 'connectors.invoice-pull');
    const after = await invoices();
    expect(after).toHaveLength(4);
    expect(after.map((d) => d.file_name)).toContain(`menigo-${added.number}.pdf`);
  }, 120_000);

  it('skips an invoice over the download size limit and still takes the others', async () => {
    const big = portal.addInvoice(CUSTOMER, { padBytes: 100_000 });
    const small = portal.addInvoice(CUSTOMER);
    await runFromOutbox('connector.cart_prefilled', 'connectors.invoice-pull');
    const names = await rows<{ file_name: string }>(sql`
      SELECT file_name FROM supplier_invoices WHERE restaurant_id = ${restaurantId}::uuid`);
    expect(names.map((n) => n.file_name)).toContain(`menigo-${small.number}.pdf`);
    expect(names.map((n) => n.file_name)).not.toContain(`menigo-${big.number}.pdf`);
    const [audit] = await rows<{
      details: { received: number; rejected: { number: string; reason: string }[] };
    }>(
      sql`SELECT details FROM audit_log WHERE action = 'connector.invoice_pull' ORDER BY created_at DESC LIMIT 1`,
    );
    expect(audit!.details.received).toBe(1);
    expect(audit!.details.rejected).toEqual([{ number: big.number, reason: 'too_large' }]);
  }, 120_000);
});

describe('DOM watcher against layout v2', () => {
  // The run a selector failure triggers, for Menigo only (the weekly run also visits the unreachable real M&S).
  const watch = () =>
    runJob(
      registry,
      {
        name: 'connectors.dom-watch',
        data: {
          event_id: randomUUID(),
          event_type: 'connector.selectors_failed',
          occurred_at: new Date().toISOString(),
          payload: { supplier_key: 'menigo', selectors: ['product.name'] },
        },
        id: `watch-${Date.now()}`,
        attempt: 1,
      },
      { log, metrics: undefined },
    );
  const connectorRow = async () =>
    (
      await rows<{ health: string; broken_selectors: string[] }>(
        sql`SELECT health, broken_selectors FROM supplier_connectors WHERE supplier_key = 'menigo'`,
      )
    )[0]!;

  it('reports exactly the broken selectors, marks the connector degraded, and sync refuses', async () => {
    await watch();
    expect(await connectorRow()).toMatchObject({ health: 'healthy', broken_selectors: [] });
    portal.setLayout('v2');
    try {
      await watch();
      const row = await connectorRow();
      expect(row.health).toBe('degraded');
      expect([...row.broken_selectors].sort()).toEqual(EXPECTED_BROKEN_V2);
      const [event] = await rows<{ payload: { broken_selectors: string[] } }>(sql`
        SELECT payload FROM outbox_events WHERE event_type = 'connector.dom_changed'`);
      expect([...event!.payload.broken_selectors].sort()).toEqual(EXPECTED_BROKEN_V2);
      const status = await api('GET', `/status?restaurant_id=${restaurantId}`);
      expect(status.json()).toMatchObject({ connector_health: 'degraded' });
      const pagesBefore = portal.hits.get(API_PATH) ?? 0;
      await sync();
      expect(await connection()).toMatchObject({
        last_sync_outcome: 'refused',
        last_sync_reason: 'connector_degraded',
      });
      expect(portal.hits.get(API_PATH) ?? 0).toBe(pagesBefore);
    } finally {
      portal.setLayout('v1');
    }
    await watch();
    expect(await connectorRow()).toMatchObject({ health: 'healthy', broken_selectors: [] });
  }, 180_000);
});

describe('host allow-list', () => {
  let outside: Server;
  let outsideUrl: string;
  let outsideHits = 0;
  let redirector: Server;
  let redirectorUrl: string;
  const pool = () =>
    new BrowserPool({
      executablePath: ctx.config.connectors.chromiumPath,
      userAgents: ctx.config.connectors.userAgents,
      proxy: undefined,
      navigationTimeoutMs: 15_000,
    });
  const listen = async (server: Server) => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  beforeAll(async () => {
    outside = createServer((_req, res) => {
      outsideHits += 1;
      res.end('internal');
    });
    outsideUrl = await listen(outside);
    redirector = createServer((req, res) => {
      if (req.url === '/weiter') res.writeHead(302, { location: `${outsideUrl}/metadata` }).end();
      else
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(`<html><body><img src="${outsideUrl}/pixel.gif"><p>ok</p></body></html>`);
    });
    redirectorUrl = await listen(redirector);
  });
  afterAll(async () => {
    outside.closeAllConnections();
    redirector.closeAllConnections();
    await new Promise((r) => outside.close(r));
    await new Promise((r) => redirector.close(r));
  });

  it('blocks direct navigation, redirects and subresources to a host outside the allow-list', async () => {
    const browser = pool();
    try {
      const g = await browser.open({ allowedOrigins: [redirectorUrl] });
      await expect(g.page.goto(`${outsideUrl}/admin`)).rejects.toThrow();
      expect(() => {
        g.assertNothingBlocked();
      }).toThrow(NavigationBlockedError);
      await expect(g.page.goto(`${redirectorUrl}/weiter`)).rejects.toThrow();
      expect(g.blocked).toContain(`${outsideUrl}/metadata`);
      await g.close();
      // A fresh context: the aborted navigations above leave the first page on Chromium's error page.
      const fresh = await browser.open({ allowedOrigins: [redirectorUrl] });
      await fresh.page.goto(`${redirectorUrl}/`);
      expect(await fresh.page.textContent('p')).toBe('ok');
      expect(fresh.blocked).toContain(`${outsideUrl}/pixel.gif`);
      expect(outsideHits).toBe(0);
      await fresh.close();
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe('session expiry', () => {
  it('marks the connection expired when the portal drops the session, and refuses further syncs', async () => {
    portal.expireSessions();
    await sync();
    expect(await connection()).toMatchObject({
      status: 'expired',
      last_sync_outcome: 'failed',
      last_sync_reason: 'session_expired',
    });
    const status = await api('GET', `/status?restaurant_id=${restaurantId}`);
    expect(status.json()).toMatchObject({ status: 'expired' });
    const refused = await api('POST', '/sync', { restaurant_id: restaurantId });
    expect(refused.statusCode).toBeGreaterThanOrEqual(400);
    expect(refused.statusCode).toBeLessThan(500);
    expect(refused.json().code).toBe('CONNECTOR_SESSION_EXPIRED');
    const pagesBefore = portal.hits.get(API_PATH) ?? 0;
    await sync();
    expect(portal.hits.get(API_PATH) ?? 0).toBe(pagesBefore);
  }, 120_000);

  it('expires a session past its lifetime without asking the portal', async () => {
    await ctx.database.db.execute(sql`
      UPDATE supplier_connections SET status = 'active', session_expires_at = now() - interval '1 minute'
      WHERE id = ${connectionId}::uuid`);
    await sync();
    expect(await connection()).toMatchObject({
      status: 'expired',
      last_sync_outcome: 'refused',
      last_sync_reason: 'session_expired',
    });
  }, 60_000);
});

describe('weekly DOM watch', () => {
  it('still checks the reachable portals when another one is down, and fails the run for a retry', async () => {
    const before = await rows<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM audit_log WHERE action = 'connector.dom_check'`);
    await expect(
      runJob(
        registry,
        { name: 'connectors.dom-watch', data: {}, id: `weekly-${Date.now()}`, attempt: 1 },
        { log, metrics: undefined },
      ),
    ).rejects.toThrow(/martin_servera/);
    const after = await rows<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM audit_log WHERE action = 'connector.dom_check'`);
    expect(after[0]!.n).toBe(before[0]!.n + 1);
  }, 120_000);
});
