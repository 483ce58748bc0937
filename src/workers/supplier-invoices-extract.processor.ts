import { z } from 'zod';
import { eventSchemas } from '../core/events.js';
import { defineJob } from '../core/jobs.js';
import type { ExtractionService } from '../domain/supplier-invoices/supplier-invoices.extraction.js';

const ATTEMPTS = 5;

const received = z.object({
  event_id: z.uuid(),
  event_type: z.literal('supplier_invoice.received'),
  occurred_at: z.iso.datetime(),
  payload: eventSchemas['supplier_invoice.received'],
});

/**
 * spec §10/§12 "Invoice extraction" (event-driven, from the outbox row the upload committed): reads the stored
 * file, extracts, checks, matches and reconciles. Retried with backoff; after the last attempt the invoice is
 * marked failed rather than left extracting.
 */
export const supplierInvoicesExtractJob = (extraction: ExtractionService) =>
  defineJob({
    name: 'supplier-invoices.extract',
    queue: 'documents',
    payload: received,
    attempts: ATTEMPTS,
    backoff: { type: 'exponential', delay: 5_000 },
    async process(event, ctx) {
      await extraction.extract(event.payload.supplier_invoice_id, ctx.attempt >= ATTEMPTS);
    },
  });
