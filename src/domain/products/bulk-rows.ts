import type { ErrorDetail } from '../../core/errors.js';
import { type ProductRowInput, productRow } from './products.schemas.js';

/** Where a problem of a bulk row is reported: JSON rows by index, file rows by row number and column. */
export interface RowLocator {
  detail(index: number, field: string, message: string): ErrorDetail;
  /** How a later row names the earlier row whose SKU it repeats. */
  rowName(index: number): string;
}

export const jsonRows: RowLocator = {
  detail: (index, field, message) => ({ path: `products.${index}${field ? `.${field}` : ''}`, message }),
  rowName: (index) => `row ${index} in this call`,
};

/**
 * Checks every row of a bulk upsert before anything is written: each invalid field and each SKU repeated in
 * the same call is reported, so one 422 lists every problem.
 */
export function checkBulkRows(
  rawRows: unknown[],
  at: RowLocator = jsonRows,
): { rows: ProductRowInput[]; details: ErrorDetail[] } {
  const details: ErrorDetail[] = [];
  const rows: ProductRowInput[] = [];
  const seen = new Map<string, number>();
  rawRows.forEach((raw, index) => {
    // Duplicate SKUs are reported even when the earlier row is invalid for another reason.
    const sku = typeof raw === 'object' && raw !== null ? (raw as { sku?: unknown }).sku : undefined;
    const first = typeof sku === 'string' ? seen.get(sku.trim()) : undefined;
    if (first !== undefined) details.push(at.detail(index, 'sku', `duplicates ${at.rowName(first)}`));
    else if (typeof sku === 'string') seen.set(sku.trim(), index);
    const parsed = productRow.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(',') : '');
        details.push(at.detail(index, field, issue.message));
      }
      return;
    }
    rows.push(parsed.data);
  });
  return { rows, details };
}
