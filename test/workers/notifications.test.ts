import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobRegistry, runJob } from '../../src/core/jobs.js';
import type { DomainEvent } from '../../src/core/events.js';
import { queryRows } from '../../src/db/rows.js';
import { DeliveriesIncompleteError } from '../../src/domain/notifications/deliveries.service.js';
import { createJobServices, type JobServices } from '../../src/services.js';
import { createJobRegistry } from '../../src/workers/registry.js';
import { createTestContext, type TestContext, testConfig } from '../helpers/app.js';
import { startFakeFcm, type FakeFcm } from '../helpers/fake-fcm.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';
import { jobData, orderPlaced, statusChanged, verifySignature, writeOutbox } from '../helpers/jobs.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const log = pino({ level: 'silent' });
let ctx: TestContext;
let fcm: FakeFcm;
let receiver: WebhookReceiver;
let services: JobServices;
let registry: JobRegistry;
let supplierId: string;
let otherSupplierId: string;
let restaurantId: string;
let owner: TestUser;
let staff: TestUser;
let gone: TestUser;
let chef: TestUser;
let stranger: TestUser;

async function device(user: TestUser, token: string) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/me/devices',
    headers: user.headers,
    payload: { token, platform: 'android' },
  });
  expect(res.statusCode).toBe(201);
}

/** Writes the event to the outbox and runs the dispatch processor on it, as the worker would. */
async function dispatch(event: DomainEvent, id?: string) {
  const eventId = id ?? (await writeOutbox(ctx.database.db, [event]))[0]!;
  await runJob(
    registry,
    { name: 'notifications.dispatch', data: jobData(eventId, event), id: eventId, attempt: 1 },
    { log, metrics: undefined },
  );
  return eventId;
}

const deliveries = (eventId: string) =>
  queryRows<{ channel: string; target: string; status: string; attempts: number; last_error: string | null }>(
    ctx.database.db,
    sql`SELECT channel, target, status, attempts, last_error FROM notification_deliveries WHERE event_id = ${eventId} ORDER BY channel, target`,
  );

const tokensOf = (messages: { token: string }[]) => messages.map((m) => m.token).sort();

beforeAll(async () => {
  fcm = await startFakeFcm();
  receiver = await startWebhookReceiver();
  ctx = await createTestContext({
    GOOGLE_APPLICATION_CREDENTIALS: fcm.credentialsFile,
    FCM_ENDPOINT_OVERRIDE: fcm.endpoint,
    WEBHOOK_ALLOW_INSECURE_TARGETS: 'true',
  });
  services = await createJobServices({ config: ctx.config, db: ctx.database.db });
  registry = createJobRegistry(services, ctx.config.jobs.timezone);
  const db = ctx.database.db;
  owner = await createUser(db, ctx.config, 'SUPPLIER');
  staff = await createUser(db, ctx.config, 'SUPPLIER');
  gone = await createUser(db, ctx.config, 'SUPPLIER');
  stranger = await createUser(db, ctx.config, 'SUPPLIER');
  chef = await createUser(db, ctx.config, 'RESTAURANT');
  supplierId = await createOrg(db, 'supplier', 'Grossist AB', [
    { user: owner, role: 'owner' },
    { user: staff, role: 'staff' },
    { user: gone, role: 'staff' },
  ]);
  otherSupplierId = await createOrg(db, 'supplier', 'Annan Grossist AB', [{ user: stranger, role: 'owner' }]);
  restaurantId = await createOrg(db, 'restaurant', 'Bistro AB', [{ user: chef, role: 'owner' }]);
  await device(owner, 'owner-phone');
  await device(owner, 'owner-tablet');
  await device(staff, 'staff-phone');
  await device(gone, 'gone-phone');
  await device(stranger, 'stranger-phone');
  await device(chef, 'chef-phone');
  await ctx.database.db.execute(
    sql`UPDATE supplier_members SET deleted_at = now() WHERE account_id = ${gone.id} AND org_id = ${supplierId}`,
  );
});
afterAll(async () => {
  await services.close();
  await ctx.close();
  await fcm.close();
  await receiver.close();
});

describe('push fan-out', () => {
  it('sends order.placed to every device of the supplier’s live members, and to no one else', async () => {
    const before = fcm.accepted.length;
    const eventId = await dispatch(orderPlaced(supplierId, restaurantId));
    const sent = fcm.accepted.slice(before);
    expect(tokensOf(sent)).toEqual(['owner-phone', 'owner-tablet', 'staff-phone']);
    expect(sent[0]).toMatchObject({
      // sv-SE groups thousands with a no-break space.
      notification: { title: 'New order', body: 'A restaurant placed an order of 1\u00a0234,50 SEK.' },
      data: { event_id: eventId, event_type: 'order.placed' },
    });
    expect((await deliveries(eventId)).map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);
    expect(fcm.tokenRequests()).toBeGreaterThan(0);
  });

  it('sends status changes to confirmed/dispatched/delivered/cancelled to the restaurant’s members only', async () => {
    for (const to of ['confirmed', 'dispatched', 'delivered', 'cancelled'] as const) {
      const before = fcm.accepted.length;
      await dispatch(statusChanged(supplierId, restaurantId, to));
      expect(tokensOf(fcm.accepted.slice(before))).toEqual(['chef-phone']);
      expect(fcm.accepted.at(-1)!.data.status).toBe(to);
    }
    const before = fcm.accepted.length;
    const invoiced = await dispatch(statusChanged(supplierId, restaurantId, 'invoiced'));
    expect(fcm.accepted.length).toBe(before);
    expect(await deliveries(invoiced)).toEqual([]);
  });

  it('sends nothing twice when the same job is delivered again', async () => {
    const event = orderPlaced(supplierId, restaurantId);
    const eventId = await dispatch(event);
    const after = fcm.accepted.length;
    await dispatch(event, eventId);
    await Promise.all([dispatch(event, eventId), dispatch(event, eventId)]);
    expect(fcm.accepted.length).toBe(after);
    expect((await deliveries(eventId)).every((d) => d.status === 'sent' && d.attempts === 1)).toBe(true);
  });

  it('deletes tokens FCM reports as invalid and drops their deliveries', async () => {
    await device(chef, 'unregistered-chef-old-phone');
    await device(chef, 'badtoken-chef-garbage');
    const eventId = await dispatch(statusChanged(supplierId, restaurantId, 'confirmed'));
    const dropped = (await deliveries(eventId)).filter((d) => d.status === 'dropped');
    expect(dropped.map((d) => d.last_error).sort()).toEqual([
      'messaging/invalid-argument',
      'messaging/registration-token-not-registered',
    ]);
    const live = await queryRows<{ token: string }>(
      ctx.database.db,
      sql`SELECT token FROM device_tokens WHERE account_id = ${chef.id} AND deleted_at IS NULL`,
    );
    expect(live.map((r) => r.token)).toEqual(['chef-phone']);
  });

  it('retries only the failed sends: a job retry after an FCM outage sends each message once', async () => {
    await device(staff, 'flaky-staff-watch');
    const event = orderPlaced(supplierId, restaurantId);
    const [eventId] = await writeOutbox(ctx.database.db, [event]);
    const before = fcm.accepted.length;
    const run = (attempt: number) =>
      runJob(
        registry,
        { name: 'notifications.dispatch', data: jobData(eventId!, event), id: eventId!, attempt },
        { log, metrics: undefined },
      );
    await expect(run(1)).rejects.toBeInstanceOf(DeliveriesIncompleteError);
    expect((await deliveries(eventId!)).find((d) => d.status === 'failed')?.last_error).toContain(
      'messaging/internal-error',
    );
    await run(2);
    const sent = fcm.accepted.slice(before);
    expect(tokensOf(sent)).toEqual(['flaky-staff-watch', 'owner-phone', 'owner-tablet', 'staff-phone']);
    expect((await deliveries(eventId!)).map((d) => [d.status, d.attempts])).toContainEqual(['sent', 2]);
  });

  it('records deliveries as dropped, not failed, when FCM is not configured', async () => {
    const unconfigured = await createJobServices({
      config: testConfig({ DATABASE_URL: ctx.databaseUrl }),
      db: ctx.database.db,
    });
    const event = statusChanged(supplierId, restaurantId, 'delivered');
    const [eventId] = await writeOutbox(ctx.database.db, [event]);
    await runJob(
      createJobRegistry(unconfigured, 'Europe/Stockholm'),
      { name: 'notifications.dispatch', data: jobData(eventId!, event), id: eventId!, attempt: 1 },
      { log, metrics: undefined },
    );
    expect(await deliveries(eventId!)).toEqual([
      expect.objectContaining({ channel: 'fcm', status: 'dropped', last_error: 'fcm not configured' }),
    ]);
  });
});

describe('webhooks', () => {
  let secret: string;
  let placedOnlyId: string;

  beforeAll(async () => {
    const all = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/suppliers/${supplierId}/webhooks`,
      headers: owner.headers,
      payload: { url: receiver.url('/all'), description: 'ERP' },
    });
    expect(all.statusCode).toBe(201);
    secret = all.json().secret;
    const statusOnly = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/suppliers/${supplierId}/webhooks`,
      headers: owner.headers,
      payload: { url: receiver.url('/status'), events: ['order.status_changed'] },
    });
    placedOnlyId = statusOnly.json().id;
  });

  it('POSTs a body the receiver can verify with the signing secret shown at creation', async () => {
    const before = receiver.received.length;
    const event = orderPlaced(supplierId, restaurantId);
    const eventId = await dispatch(event);
    const got = receiver.received.slice(before);
    expect(got.map((r) => r.path)).toEqual(['/all']);
    const [hook] = got;
    expect(verifySignature(String(hook!.headers['iris-signature']), hook!.body, secret)).toBe(true);
    expect(verifySignature(String(hook!.headers['iris-signature']), `${hook!.body} `, secret)).toBe(false);
    expect(verifySignature(String(hook!.headers['iris-signature']), hook!.body, 'whsec_wrong')).toBe(false);
    expect(hook!.headers['iris-event-id']).toBe(eventId);
    expect(JSON.parse(hook!.body)).toMatchObject({ id: eventId, type: 'order.placed', data: event.payload });
  });

  it('honours each endpoint’s event filter and ignores other suppliers’ events', async () => {
    const before = receiver.received.length;
    await dispatch(statusChanged(supplierId, restaurantId, 'dispatched'));
    await dispatch(orderPlaced(otherSupplierId, restaurantId));
    expect(
      receiver.received
        .slice(before)
        .map((r) => r.path)
        .sort(),
    ).toEqual(['/all', '/status']);
    expect(placedOnlyId).toBeDefined();
  });

  it('retries a failing receiver until it accepts, delivering once', async () => {
    const event = orderPlaced(supplierId, restaurantId);
    const [eventId] = await writeOutbox(ctx.database.db, [event]);
    const before = receiver.received.length;
    receiver.failNext(1);
    const run = (attempt: number) =>
      runJob(
        registry,
        { name: 'notifications.dispatch', data: jobData(eventId!, event), id: eventId!, attempt },
        { log, metrics: undefined },
      );
    await expect(run(1)).rejects.toThrow(/1 deliveries failed/);
    expect((await deliveries(eventId!)).find((d) => d.channel === 'webhook')?.last_error).toBe('HTTP 500');
    await run(2);
    await run(3);
    expect(
      receiver.received.slice(before).filter((r) => r.headers['iris-event-id'] === eventId),
    ).toHaveLength(1);
  });

  it('fails the job for good on a payload that does not match the event schema', async () => {
    const eventId = (await writeOutbox(ctx.database.db, [orderPlaced(supplierId, restaurantId)]))[0]!;
    await expect(
      runJob(
        registry,
        {
          name: 'notifications.dispatch',
          data: { event_id: eventId, event_type: 'order.placed', occurred_at: 'yesterday', payload: {} },
          id: eventId,
          attempt: 1,
        },
        { log, metrics: undefined },
      ),
    ).rejects.toThrow(/Invalid payload/);
    expect(await deliveries(eventId)).toEqual([]);
  });
});
