import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CSV_TYPE, XLSX_TYPE } from '../../domain/products/import-files.js';
import * as s from '../../domain/products/products.schemas.js';
import { requireRole, userContext } from '../guards.js';

const SPREADSHEET_TYPES = [CSV_TYPE, XLSX_TYPE];

/** Spreadsheet upload of a catalog; its own plugin, so only this route reads CSV and XLSX bodies. */
export const catalogImportRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = app.services.catalogImport;
  const { maxBytes } = app.config.catalogImport;

  // Only spreadsheets here: JSON or any other body is a 415 before validation.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    SPREADSHEET_TYPES,
    { parseAs: 'buffer', bodyLimit: maxBytes },
    (_request, body, done) => {
      done(null, body);
    },
  );

  app.post(
    '/import',
    {
      preValidation: requireRole('ADMIN', 'SUPPLIER'),
      bodyLimit: maxBytes,
      config: {
        errors: ['SUPPLIER_NOT_FOUND', 'IMPORT_FILE_INVALID', 'BULK_VALIDATION_FAILED', 'CONCURRENT_UPDATE'],
      },
      schema: {
        tags: ['products'],
        security: [{ bearerAuth: [] }],
        summary: 'Upsert a supplier catalog from a CSV or XLSX file; all or nothing, per-row errors on 422',
        description:
          'The body is the file itself, Content-Type text/csv (charset optional) or the XLSX type. The header ' +
          'row names the columns in Swedish or English (docs/README.md, "Spreadsheet import"); decimal commas ' +
          '(12,50) are read. At most 1,000 products and CATALOG_IMPORT_MAX_BYTES per file. A 422 lists every ' +
          'problem with its row (1 = header) and column heading; nothing is written then.',
        consumes: SPREADSHEET_TYPES,
        querystring: s.importQuery,
        body: s.importFile,
        response: { 200: s.bulkResult },
      },
    },
    (request) => {
      const [type = '', ...params] = (request.headers['content-type'] ?? '').split(';').map((p) => p.trim());
      const charset = params
        .find((p) => /^charset=/i.test(p))
        ?.slice('charset='.length)
        .replace(/"/g, '');
      return service.importFile(userContext(request), request.query.supplier_id, {
        contentType: type.toLowerCase(),
        charset,
        bytes: request.body,
      });
    },
  );
};
