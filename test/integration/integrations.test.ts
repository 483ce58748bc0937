import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startPortal, type PortalServer } from '../../src/connectors/portals/server.js';
import { CONSENT_TEXT_VERSION } from '../../src/domain/integrations/integrations.schemas.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';

const PASSWORD = 'Hemligt-L0senord-9271';
let portal: PortalServer;
let ctx: TestContext;
let owner: TestUser;
let restaurantId: string;

const consent = {
  text_version: CONSENT_TEXT_VERSION,
  session_only: true,
  credentials_not_stored: true,
  delegated_retrieval: true,
};

beforeAll(async () => {
  portal = await startPortal({
    flavour: 'martin_servera',
    catalogSize: 300,
    pageSize: 100,
    users: [
      { username: 'kock@bistro.se', password: PASSWORD, customerId: 'K1001' },
      { username: 'souschef@bistro.se', password: PASSWORD, customerId: 'K1001', otp: '246810' },
    ],
  });
  ctx = await createTestContext({
    CONNECTOR_MARTIN_SERVERA_URL: portal.url,
    CONNECTOR_PAGE_DELAY_MS: '0',
    CONNECTOR_PAGE_JITTER_MS: '0',
  });
  owner = await createUser(ctx.database.db, ctx.config, 'RESTAURANT');
  restaurantId = await createOrg(ctx.database.db, 'restaurant', 'Bistro Test AB', [
    { user: owner, role: 'owner' },
  ]);
}, 120_000);

afterAll(async () => {
  await ctx.close();
  await portal.close();
});

const disconnect = () =>
  ctx.app.inject({
    method: 'DELETE',
    url: `/api/v1/integrations/martin_servera?restaurant_id=${restaurantId}`,
    headers: owner.headers,
  });
const status = async () =>
  (
    await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/integrations/martin_servera/status?restaurant_id=${restaurantId}`,
      headers: owner.headers,
    })
  ).json();
const prefill = () =>
  ctx.app.inject({
    method: 'POST',
    url: '/api/v1/integrations/martin_servera/cart/prefill',
    headers: owner.headers,
    payload: { restaurant_id: restaurantId, lines: [{ article: portal.articleAt(0).article, quantity: 1 }] },
  });

const connect = (body: Record<string, unknown>) =>
  ctx.app.inject({
    method: 'POST',
    url: '/api/v1/integrations/martin_servera/connect',
    headers: owner.headers,
    payload: {
      restaurant_id: restaurantId,
      consent,
      username: 'kock@bistro.se',
      password: PASSWORD,
      ...body,
    },
  });

describe('supplier connectors against the local Martin & Servera replica (real Chromium)', () => {
  it('refuses to connect without every consent statement', async () => {
    const res = await connect({ consent: { ...consent, delegated_retrieval: false } });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('CONNECTOR_CONSENT_REQUIRED');
  });

  it('answers a wrong password with 502 CONNECTOR_AUTH_FAILED and none of the portal text', async () => {
    const res = await connect({ password: 'fel-losenord' });
    expect(res.statusCode).toBe(502);
    expect(res.json().code).toBe('CONNECTOR_AUTH_FAILED');
    expect(res.body).not.toMatch(/Felaktigt|kundtjänst|08-123/);
  }, 60_000);

  it('connects, keeps only a sealed session, and never persists the password', async () => {
    const res = await connect({});
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      status: 'active',
      supplier: 'martin_servera',
      consent_text_version: CONSENT_TEXT_VERSION,
    });
    const dump = await ctx.database.db.execute(sql`
      SELECT string_agg(t::text, ' ') AS all FROM (
        SELECT row_to_json(c)::text AS t FROM supplier_connections c
        UNION ALL SELECT row_to_json(s)::text FROM supplier_session_secrets s
        UNION ALL SELECT row_to_json(a)::text FROM audit_log a
        UNION ALL SELECT row_to_json(o)::text FROM outbox_events o) x`);
    const text = JSON.stringify(dump);
    expect(text).toContain('connector.connect');
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('SESSIONID');
  }, 60_000);

  it('disconnect destroys the secret', async () => {
    const res = await disconnect();
    expect(res.statusCode).toBe(204);
    const secrets = await ctx.database.db.execute(
      sql`SELECT count(*)::int AS n FROM supplier_session_secrets`,
    );
    expect(JSON.stringify(secrets)).toContain('"n":0');
  });

  it('reads as disconnected, refuses a second disconnect and any prefill', async () => {
    expect(await status()).toMatchObject({ status: 'disconnected', session_expires_at: null });
    expect((await disconnect()).json().code).toBe('CONNECTOR_NOT_CONNECTED');
    expect((await prefill()).json().code).toBe('CONNECTOR_NOT_CONNECTED');
  });

  it('marks a connection that fails to sign in again as failed', async () => {
    const res = await connect({ password: 'fel-igen' });
    expect(res.json().code).toBe('CONNECTOR_AUTH_FAILED');
    expect(await status()).toMatchObject({ status: 'failed' });
  }, 60_000);

  it('refuses a prefill whose sealed session has run out, without asking the portal', async () => {
    expect((await connect({})).statusCode).toBe(201);
    await ctx.database.db.execute(
      sql`UPDATE supplier_session_secrets SET expires_at = now() - interval '1 second'`,
    );
    const before = portal.hits.get('/snabborder') ?? 0;
    expect((await prefill()).json().code).toBe('CONNECTOR_SESSION_EXPIRED');
    expect(portal.hits.get('/snabborder') ?? 0).toBe(before);
  }, 60_000);

  it('drops a pending one-time-code step when the restaurant disconnects', async () => {
    const pending = await connect({ username: 'souschef@bistro.se' });
    expect(pending.statusCode).toBe(202);
    expect((await disconnect()).statusCode).toBe(204);
    const late = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/integrations/martin_servera/connect/${pending.json().challenge_id}`,
      headers: owner.headers,
      payload: { restaurant_id: restaurantId, code: '246810' },
    });
    expect(late.json().code).toBe('CONNECTOR_CHALLENGE_NOT_FOUND');
  }, 60_000);

  it('answers a prefill with CONNECTOR_UNAVAILABLE while the portal is down', async () => {
    expect((await connect({})).statusCode).toBe(201);
    await portal.close();
    const res = await prefill();
    expect(res.statusCode).toBe(502);
    expect(res.json().code).toBe('CONNECTOR_UNAVAILABLE');
    expect(await status()).toMatchObject({ status: 'active' });
  }, 60_000);
});
