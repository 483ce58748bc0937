import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../core/errors.js';
import { missingFile, tooLarge } from '../../domain/supplier-invoices/supplier-invoices.errors.js';
import * as s from '../../domain/supplier-invoices/supplier-invoices.schemas.js';
import { ANY_ROLE, requireRole, userContext } from '../guards.js';

const idParams = z.object({ id: z.uuid() });
const security = [{ bearerAuth: [] }];
const tags = ['supplier-invoices'];

/** The fields and the one file of a multipart upload, bounded by the configured size; transport only. */
async function readUpload(request: import('fastify').FastifyRequest, maxBytes: number) {
  const fields: Record<string, string> = {};
  let file: { bytes: Buffer; fileName: string | null } | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || file) {
          await part.toBuffer().catch(() => undefined);
          throw new DomainError('VALIDATION_FAILED', 'Send exactly one file, in the part named "file"', [
            { path: part.fieldname, message: 'unexpected file part' },
          ]);
        }
        file = { bytes: await part.toBuffer(), fileName: part.filename || null };
      } else {
        fields[part.fieldname] = String(part.value);
      }
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw tooLarge(maxBytes);
    }
    if ((err as { code?: string }).code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') {
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the invoice as multipart/form-data');
    }
    throw err;
  }
  if (!file) throw missingFile();
  const parsed = s.uploadFields.safeParse(fields);
  if (!parsed.success) {
    throw new DomainError(
      'VALIDATION_FAILED',
      'The upload fields are invalid',
      parsed.error.issues.map((i) => ({ path: i.path.join('.') || 'fields', message: i.message })),
    );
  }
  return { ...file, fields: parsed.data };
}

export const supplierInvoiceRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = app.services.supplierInvoices;
  const maxBytes = app.config.supplierInvoices.maxBytes;
  const parties = requireRole(...ANY_ROLE);
  const restaurantSide = requireRole('ADMIN', 'RESTAURANT');

  // Parts are read into memory only up to the limit; nothing is decompressed, so a zip bomb stays a small zip.
  await app.register(multipart, {
    limits: { fileSize: maxBytes, files: 2, fields: 10, fieldSize: 1024, parts: 12, headerPairs: 50 },
  });

  app.post(
    '/supplier-invoices',
    {
      config: { errors: ['SUPPLIER_NOT_FOUND', 'RESTAURANT_NOT_FOUND', 'SUPPLIER_INVOICE_UNREADABLE'] },
      preValidation: requireRole(...ANY_ROLE),
      bodyLimit: maxBytes + 64 * 1024,
      schema: {
        tags,
        security,
        summary:
          'Upload a supplier invoice or credit note (multipart: file, restaurant_id, supplier_id, document_type)',
        consumes: ['multipart/form-data'],
        response: { 200: s.supplierInvoiceDto, 201: s.supplierInvoiceDto },
      },
    },
    async (request, reply) => {
      const upload = await readUpload(request, maxBytes);
      const result = await service.upload(userContext(request), upload);
      return reply.status(result.status).send(result.body);
    },
  );

  app.get(
    '/supplier-invoices',
    {
      config: { errors: ['SUPPLIER_NOT_FOUND', 'RESTAURANT_NOT_FOUND'] },
      preValidation: parties,
      schema: {
        summary: 'List supplier invoices the caller is a party to',
        tags,
        security,
        querystring: s.supplierInvoiceListQuery,
        response: { 200: s.supplierInvoicePage },
      },
    },
    (request) => service.list(userContext(request), request.query),
  );

  app.get(
    '/supplier-invoices/:id',
    {
      config: { errors: ['SUPPLIER_INVOICE_NOT_FOUND'] },
      preValidation: parties,
      schema: {
        summary: 'One supplier invoice with its fields, lines, discrepancies and history',
        tags,
        security,
        params: idParams,
        response: { 200: s.supplierInvoiceDto },
      },
    },
    (request) => service.get(userContext(request), request.params.id),
  );

  app.get(
    '/supplier-invoices/:id/file',
    {
      config: { errors: ['SUPPLIER_INVOICE_NOT_FOUND'] },
      preValidation: parties,
      schema: { tags, security, summary: 'The original file', params: idParams },
    },
    async (request, reply) => {
      const file = await service.file(userContext(request), request.params.id);
      const name = file.fileName.replace(/[^\w.-]+/g, '_');
      return reply
        .type(file.contentType)
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('x-content-type-options', 'nosniff')
        .send(file.bytes);
    },
  );

  app.post(
    '/supplier-invoices/:id/corrections',
    {
      config: {
        errors: ['SUPPLIER_INVOICE_NOT_FOUND', 'ORDER_NOT_FOUND', 'INVALID_SUPPLIER_INVOICE_TRANSITION'],
      },
      preValidation: restaurantSide,
      schema: {
        summary: 'Correct extracted fields or the matched order (audited)',
        tags,
        security,
        params: idParams,
        body: s.correctionBody,
        response: { 200: s.supplierInvoiceDto },
      },
    },
    (request) => service.correct(userContext(request), request.params.id, request.body),
  );

  app.post(
    '/supplier-invoices/:id/approve',
    {
      config: { errors: ['SUPPLIER_INVOICE_NOT_FOUND', 'INVALID_SUPPLIER_INVOICE_TRANSITION'] },
      preValidation: restaurantSide,
      schema: {
        summary: 'Approve a matched supplier invoice',
        tags,
        security,
        params: idParams,
        response: { 200: s.supplierInvoiceDto },
      },
    },
    (request) => service.approve(userContext(request), request.params.id),
  );

  app.post(
    '/supplier-invoices/:id/dispute',
    {
      config: { errors: ['SUPPLIER_INVOICE_NOT_FOUND', 'INVALID_SUPPLIER_INVOICE_TRANSITION'] },
      preValidation: restaurantSide,
      schema: {
        summary: 'Dispute a supplier invoice and request a credit note',
        tags,
        security,
        params: idParams,
        body: s.disputeBody,
        response: { 200: s.supplierInvoiceDto },
      },
    },
    (request) => service.dispute(userContext(request), request.params.id, request.body.reason),
  );

  app.post(
    '/supplier-invoices/:id/retry',
    {
      config: { errors: ['SUPPLIER_INVOICE_NOT_FOUND', 'INVALID_SUPPLIER_INVOICE_TRANSITION'] },
      preValidation: parties,
      schema: {
        summary: 'Run extraction again after a failure',
        tags,
        security,
        params: idParams,
        response: { 200: s.supplierInvoiceDto },
      },
    },
    (request) => service.retry(userContext(request), request.params.id),
  );

  app.put(
    '/supplier-invoices/tolerances/:supplier_id',
    {
      config: { errors: ['SUPPLIER_NOT_FOUND'] },
      preValidation: requireRole('ADMIN'),
      schema: {
        tags,
        security,
        summary: "A supplier's own per-line price tolerance (basis points; 50 = ±0.5 %)",
        params: z.object({ supplier_id: z.uuid() }),
        body: s.toleranceBody,
        response: { 200: z.object({ supplier_id: z.uuid(), tolerance_bp: z.number().int() }) },
      },
    },
    (request) =>
      service.setTolerance(userContext(request), request.params.supplier_id, request.body.tolerance_bp),
  );
};
