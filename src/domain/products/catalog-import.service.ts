import type { CatalogImportConfig } from '../../core/config.catalog.js';
import type { UserContext } from '../../core/context.js';
import type { ErrorDetail } from '../../core/errors.js';
import { checkBulkRows, type RowLocator } from './bulk-rows.js';
import { COLUMN_HEADINGS, mapColumns, mapRows } from './import-columns.js';
import { readCsv, readXlsx, type Table, XLSX_TYPE } from './import-files.js';
import { bulkInvalid, importFileInvalid } from './products.errors.js';
import { MAX_BULK_ROWS } from './products.schemas.js';
import type { ProductService } from './products.service.js';

/** Columns every file needs; the price as kronor (`pris`) or öre (`price_cents`). */
const REQUIRED = ['sku', 'name', 'category', 'unit', 'vat_category'] as const;

export interface ImportUpload {
  contentType: string;
  charset: string | undefined;
  bytes: Buffer;
}

function requireColumns(header: string[], fields: (string | null)[]): ErrorDetail[] {
  const missing: string[] = REQUIRED.filter((f) => !fields.includes(f));
  if (!fields.includes('price') && !fields.includes('price_cents')) missing.push('price');
  return missing.map((field) => ({
    path: `columns.${field}`,
    row: 1,
    column: '',
    message: `missing column for ${field} (${COLUMN_HEADINGS[field as keyof typeof COLUMN_HEADINGS].join(', ')})`,
  }));
}

/**
 * Catalog import from a spreadsheet (CSV or XLSX): the header row names the columns (Swedish or English), each
 * further row is a product, and the rows go through the JSON bulk upsert — all or nothing, every problem
 * reported at once with its row number and column heading.
 */
export function createCatalogImportService(deps: { products: ProductService; limits: CatalogImportConfig }) {
  async function read(upload: ImportUpload): Promise<Table> {
    if (upload.bytes.length === 0) throw importFileInvalid('The file is empty');
    return upload.contentType === XLSX_TYPE
      ? readXlsx(upload.bytes, deps.limits)
      : readCsv(upload.bytes, upload.charset);
  }

  return {
    async importFile(ctx: UserContext, supplierId: string, upload: ImportUpload) {
      const table = await read(upload);
      const { fields, problems } = mapColumns(table.header);
      problems.push(...requireColumns(table.header, fields));
      if (problems.length > 0)
        throw importFileInvalid('The header row does not name the columns needed', problems);
      if (table.rows.length === 0) throw importFileInvalid('The file has a header row but no products');
      if (table.rows.length > MAX_BULK_ROWS)
        throw importFileInvalid(
          `A file holds at most ${MAX_BULK_ROWS} products; this one has ${table.rows.length}`,
        );

      const mapped = mapRows(table, fields);
      const rowOf = (index: number) => mapped.rowNumbers[index] ?? 0;
      const at: RowLocator = {
        detail: (index, field, message) => {
          const key = field.split('.')[0] ?? field;
          return {
            path: `rows.${rowOf(index)}.${key}`,
            row: rowOf(index),
            column: mapped.headingOf.get(key) ?? '',
            message,
          };
        },
        rowName: (index) => `row ${rowOf(index)}`,
      };
      // A cell that could not be read is reported once, not again as the missing field it leaves behind.
      const unreadable = new Set(mapped.details.map((d) => d.path));
      const details = [
        ...mapped.details,
        ...checkBulkRows(mapped.products, at).details.filter((d) => !unreadable.has(d.path)),
      ].sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
      if (details.length > 0) throw bulkInvalid(details);
      return deps.products.bulkUpsert(ctx, supplierId, mapped.products);
    },
  };
}

export type CatalogImportService = ReturnType<typeof createCatalogImportService>;
