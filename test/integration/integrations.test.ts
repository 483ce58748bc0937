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
    users: [{ username: 'kock@bistro.se', password: PASSWORD, customerId: 'K1001' }],
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
    const res = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/v1/integrations/martin_servera?restaurant_id=${restaurantId}`,
      headers: owner.headers,
    });
    expect(res.statusCode).toBe(204);
    const secrets = await ctx.database.db.execute(
      sql`SELECT count(*)::int AS n FROM supplier_session_secrets`,
    );
    expect(JSON.stringify(secrets)).toContain('"n":0');
  });
});
