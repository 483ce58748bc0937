import type { ErrorCode } from '../../core/errors.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import * as s from '../../domain/orders/orders.schemas.js';
import { prefersXml, sendRepresentation, sendStoredJson } from '../contract.js';
import { ANY_ROLE, requireRole, userContext } from '../guards.js';
import { IDEMPOTENCY_ERRORS, IDEMPOTENCY_POLICY, idempotencyHeaders } from './idempotency.js';

const security = [{ bearerAuth: [] }];
const tags = ['invoices'];
const orderParams = z.object({ order_id: z.uuid() });
const XML = 'application/xml; charset=utf-8';
const invoiceErrors: ErrorCode[] = ['ORDER_NOT_FOUND', 'INVOICE_NOT_AVAILABLE'];

const ublInvoice = z.string().meta({
  description:
    'Peppol BIS Billing 3.0 (UBL 2.1 Invoice, EN 16931): parties under scheme 0007, VAT per rate (category S), ' +
    'bankgiro and OCR reference, payment terms, the order as order reference',
});
const ublCreditNote = z.string().meta({
  description: 'Peppol BIS Billing 3.0 (UBL 2.1 CreditNote) referring to the invoice it corrects',
});

/**
 * Our own sales invoices (derived from delivered orders) and their credit notes. Not to be confused with
 * `/supplier-invoices`: bills that suppliers send to restaurants, taken in from files (docs/README.md).
 */
export const invoiceRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = app.services.invoices;
  const parties = requireRole(...ANY_ROLE);

  app.get(
    '/invoices/:order_id',
    {
      preValidation: parties,
      config: { errors: invoiceErrors, representations: { 200: { 'application/xml': ublInvoice } } },
      schema: {
        tags,
        security,
        summary:
          'Invoice of a delivered order, derived on request (never stored); JSON, or UBL with Accept: application/xml',
        params: orderParams,
        response: { 200: s.invoiceDto },
      },
    },
    async (request, reply) => {
      const ctx = userContext(request);
      if (prefersXml(request.headers.accept))
        return sendRepresentation(reply, XML, await service.invoiceXml(ctx, request.params.order_id));
      return service.invoice(ctx, request.params.order_id);
    },
  );

  app.post(
    '/invoices/:order_id/credit-notes',
    {
      preValidation: requireRole('ADMIN', 'SUPPLIER'),
      config: {
        errors: [...invoiceErrors, 'CREDIT_EXCEEDS_INVOICE', ...IDEMPOTENCY_ERRORS],
      },
      schema: {
        tags,
        security,
        summary:
          'Issue a credit note against the invoice (the seller or an admin); never more than was invoiced',
        description: `Without lines, credits everything not yet credited. ${IDEMPOTENCY_POLICY}`,
        params: orderParams,
        headers: idempotencyHeaders,
        body: s.creditNoteCreate,
        response: { 201: s.creditNoteDto },
      },
    },
    async (request, reply) => {
      const stored = await service.issueCreditNote(
        userContext(request),
        request.headers['idempotency-key'],
        `/api/v1/invoices/${request.params.order_id}/credit-notes`,
        request.params.order_id,
        request.body,
      );
      return sendStoredJson(reply, stored, { 201: s.creditNoteDto }, app.config.http.validateResponses);
    },
  );

  app.get(
    '/invoices/:order_id/credit-notes',
    {
      preValidation: parties,
      config: { errors: invoiceErrors },
      schema: {
        tags,
        security,
        summary: "The invoice's credit notes, oldest first",
        params: orderParams,
        querystring: s.creditNoteListQuery,
        response: { 200: s.creditNotePage },
      },
    },
    (request) => service.creditNotes(userContext(request), request.params.order_id, request.query),
  );

  app.get(
    '/credit-notes/:id',
    {
      preValidation: parties,
      config: {
        errors: ['CREDIT_NOTE_NOT_FOUND'],
        representations: { 200: { 'application/xml': ublCreditNote } },
      },
      schema: {
        tags,
        security,
        summary: 'One credit note; JSON, or UBL with Accept: application/xml',
        params: z.object({ id: z.uuid() }),
        response: { 200: s.creditNoteDto },
      },
    },
    async (request, reply) => {
      const ctx = userContext(request);
      if (prefersXml(request.headers.accept))
        return sendRepresentation(reply, XML, await service.creditNoteXml(ctx, request.params.id));
      return service.creditNote(ctx, request.params.id);
    },
  );
};
