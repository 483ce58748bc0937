import { z } from 'zod';
import { eventSchemas } from '../core/events.js';
import { defineJob } from '../core/jobs.js';
import { SUPPLIER_KEYS, type SupplierKey } from '../connectors/connector.js';
import type { ConnectorJobs } from '../domain/integrations/integrations.jobs.js';

const envelope = { event_id: z.uuid(), occurred_at: z.iso.datetime() };
const connectionEvent = z.union([
  z.object({
    ...envelope,
    event_type: z.literal('connector.connected'),
    payload: eventSchemas['connector.connected'],
  }),
  z.object({
    ...envelope,
    event_type: z.literal('connector.sync_requested'),
    payload: eventSchemas['connector.sync_requested'],
  }),
]);

/** spec §10 "Connector sync" on demand: after a connect and for POST …/sync. Retries resume at the last page. */
export const connectorSyncJob = (jobs: ConnectorJobs) =>
  defineJob({
    name: 'connectors.sync',
    queue: 'connectors',
    payload: connectionEvent,
    attempts: 4,
    backoff: { type: 'exponential', delay: 30_000 },
    async process(event, ctx) {
      const outcome = await jobs.sync(event.payload.connection_id, ctx.jobId);
      ctx.log.info({ connection_id: event.payload.connection_id, outcome }, 'connector sync finished');
    },
  });

/** spec §10 nightly connector sync (03:00 Europe/Stockholm) for live sessions, followed by invoice pull. */
export const connectorNightlyJob = (jobs: ConnectorJobs) =>
  defineJob({
    name: 'connectors.nightly',
    queue: 'connectors',
    payload: z.strictObject({}),
    attempts: 2,
    backoff: { type: 'exponential', delay: 300_000 },
    async process(_payload, ctx) {
      ctx.log.info(await jobs.nightly(ctx.jobId), 'nightly connector sync finished');
    },
  });

/** spec §11 DOM watcher: weekly for every supplier, and for one supplier right after a selector failure. */
export const connectorDomWatchJob = (jobs: ConnectorJobs) =>
  defineJob({
    name: 'connectors.dom-watch',
    queue: 'connectors',
    payload: z.union([
      z.strictObject({}).transform(() => [...SUPPLIER_KEYS]),
      z
        .object({
          ...envelope,
          event_type: z.literal('connector.selectors_failed'),
          payload: eventSchemas['connector.selectors_failed'],
        })
        .transform((e) => SUPPLIER_KEYS.filter((k) => k === e.payload.supplier_key)),
    ]),
    attempts: 3,
    backoff: { type: 'exponential', delay: 60_000 },
    async process(keys, ctx) {
      // One unreachable portal must not keep the others unchecked; the job still fails so it is retried.
      const unreachable: SupplierKey[] = [];
      for (const key of keys) {
        try {
          const verdict = await jobs.watchDom(key, ctx.jobId);
          ctx.log.info({ supplier: key, ...verdict }, 'connector DOM check finished');
        } catch (err) {
          unreachable.push(key);
          ctx.log.warn({ err, supplier: key }, 'connector DOM check could not reach the portal');
        }
      }
      if (unreachable.length > 0) throw new Error(`DOM check incomplete for ${unreachable.join(', ')}`);
    },
  });

/** spec §10 "Invoice pull": after a cart prefill (the human checks out on the portal) and nightly. */
export const connectorInvoicePullJob = (jobs: ConnectorJobs) =>
  defineJob({
    name: 'connectors.invoice-pull',
    queue: 'connectors',
    payload: z.object({
      ...envelope,
      event_type: z.literal('connector.cart_prefilled'),
      payload: eventSchemas['connector.cart_prefilled'],
    }),
    attempts: 3,
    backoff: { type: 'exponential', delay: 120_000 },
    async process(event, ctx) {
      ctx.log.info(await jobs.pullInvoices(event.payload.connection_id, ctx.jobId), 'invoice pull finished');
    },
  });
