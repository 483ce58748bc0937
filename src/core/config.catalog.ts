import type { z } from 'zod';
import { int } from './config.fields.js';

/** Catalog import settings (spreadsheet upload of products), parsed with the rest of the environment in config.ts. */
export const catalogEnv = {
  CATALOG_IMPORT_MAX_BYTES: int(5 * 1_048_576, 1024, 50 * 1_048_576),
  CATALOG_IMPORT_MAX_UNPACKED_BYTES: int(25 * 1_048_576, 64 * 1024, 500 * 1_048_576),
};

type CatalogEnv = z.infer<z.ZodObject<typeof catalogEnv>>;

export interface CatalogImportConfig {
  /** The uploaded file (CSV or XLSX) as sent; more is a 413. */
  maxBytes: number;
  /** What an XLSX file may unpack to, all its XML parts together; more is a 413 (a zip bomb stays a small zip). */
  maxUnpackedBytes: number;
}

export function catalogImportConfig(e: CatalogEnv): CatalogImportConfig {
  return { maxBytes: e.CATALOG_IMPORT_MAX_BYTES, maxUnpackedBytes: e.CATALOG_IMPORT_MAX_UNPACKED_BYTES };
}
