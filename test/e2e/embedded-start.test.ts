import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type Spawned, startProcess, waitForHttp } from '../helpers/process.js';

/** `npm start` on a fresh machine: no DATABASE_URL, no Redis, no .env — the embedded PGlite path end to end. */
describe('embedded development start', () => {
  let server: Spawned;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const dir = mkdtempSync(join(tmpdir(), 'iris-embedded-'));
    server = startProcess('src/main.ts', {
      PORT: String(port),
      HOST: '127.0.0.1',
      EMBEDDED_DB_DIR: join(dir, 'pgdata'),
    });
    await waitForHttp(`${base}/healthz`, 120_000, server);
  });
  afterAll(() => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  });

  it('says it runs on the embedded database and how to log in', () => {
    expect(server.output()).toMatch(/Embedded development database \(PGlite\)/);
    expect(server.output()).toMatch(/admin@iris\.local/);
  });

  it('is migrated and ready', async () => {
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      ready: true,
      checks: { database: { ok: true }, migrations: { ok: true } },
    });
  });

  it('serves OpenAPI 3.1, Swagger UI and the 404 envelope', async () => {
    expect(((await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string }).openapi).toBe(
      '3.1.0',
    );
    expect((await fetch(`${base}/docs/`)).status).toBe(200);
    const nope = await fetch(`${base}/api/v1/nope`);
    expect(nope.status).toBe(404);
    expect(Object.keys((await nope.json()) as object)).toEqual(
      expect.arrayContaining(['error', 'code', 'message', 'status', 'timestamp', 'request_id']),
    );
  });

  it('logs in the demo users and knows their organisations', async () => {
    const login = await fetch(`${base}/auth/dev/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'chef@iris.local', password: 'iris-demo' }),
    });
    expect(login.status).toBe(200);
    const { access_token } = (await login.json()) as { access_token: string };
    const me = await fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(await me.json()).toMatchObject({
      email: 'chef@iris.local',
      role: 'RESTAURANT',
      memberships: [{ org_type: 'restaurant', legal_name: 'Demo Bistro AB', member_role: 'owner' }],
    });
    const found = await fetch(`${base}/api/v1/products?q=kyckling&limit=5`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    const page = (await found.json()) as { data: { name: string }[]; pagination: { total: number } };
    expect(page.pagination.total).toBeGreaterThan(0);
    expect(page.data[0]?.name).toMatch(/^Kyckling/);
  });

  it('places, replays and cancels an order on the embedded database', async () => {
    const login = await fetch(`${base}/auth/dev/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'chef@iris.local', password: 'iris-demo' }),
    });
    const { access_token } = (await login.json()) as { access_token: string };
    const auth = { authorization: `Bearer ${access_token}` };
    const me = (await (await fetch(`${base}/api/v1/me`, { headers: auth })).json()) as {
      memberships: { org_id: string }[];
    };
    const page = (await (
      await fetch(`${base}/api/v1/products?limit=2&sort=name`, { headers: auth })
    ).json()) as {
      data: { id: string; supplier_id: string }[];
    };
    const [first, second] = page.data.filter((p) => p.supplier_id === page.data[0]?.supplier_id);
    const body = JSON.stringify({
      restaurant_id: me.memberships[0]?.org_id,
      supplier_id: first?.supplier_id,
      lines: [first, second].filter(Boolean).map((p, i) => ({ product_id: p?.id, quantity: i + 1 })),
    });
    const post = () =>
      fetch(`${base}/api/v1/orders`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': 'embedded-e2e-1' },
        body,
      });
    const placed = await post();

    expect(placed.status).toBe(201);
    const text = await placed.text();
    const replay = await post();
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.text()).toBe(text);
    const order = JSON.parse(text) as { id: string };
    const read = await fetch(`${base}/api/v1/orders/${order.id}`, { headers: auth });
    expect(await read.json()).toEqual(order);
    const cancelled = await fetch(`${base}/api/v1/orders/${order.id}/cancel`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(((await cancelled.json()) as { status: string }).status).toBe('cancelled');
  });

  it('shuts down gracefully on SIGTERM with exit code 0', async () => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});
