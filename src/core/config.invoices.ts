import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { bool, emptyToUndefined, int, optionalString } from './config.fields.js';

const OCR_LANGUAGE_SETS = {
  swe: ['swe'],
  eng: ['eng'],
  'swe+eng': ['swe', 'eng'],
  'eng+swe': ['eng', 'swe'],
} as const;

/** Supplier-invoice reading settings (spec §12: printed PDFs and OCR), parsed with the rest of the environment. */
export const invoiceReadingEnv = {
  INVOICE_OCR_ENABLED: bool(true),
  /**
   * OCR workers per process (each a WebAssembly Tesseract on its own thread, kept between pages): the bound on
   * OCR parallelism. Tesseract is CPU-bound, so one per core; fewer leaves cores to the API.
   */
  INVOICE_OCR_WORKERS: int(Math.min(availableParallelism(), 8), 1, 8),
  /**
   * Tesseract languages, primary first. `eng` is the default: labels are matched without diacritics, it reads
   * `%` and digits more surely than `swe` and costs less; `swe+eng` keeps å/ä/ö in names at 1.2–1.5× the CPU
   * (docs/benchmarks.md).
   */
  INVOICE_OCR_LANGUAGES: z.preprocess(
    emptyToUndefined,
    z
      .enum(Object.keys(OCR_LANGUAGE_SETS) as [keyof typeof OCR_LANGUAGE_SETS])
      .default('eng')
      .transform((k) => OCR_LANGUAGE_SETS[k]),
  ),
  /** Which trained data of the npm packages: `best_int` (LSTM only) or `standard` (the 4.0.0 files). */
  INVOICE_OCR_MODEL: z.preprocess(emptyToUndefined, z.enum(['best_int', 'standard']).default('best_int')),
  /** Images wider than this many pixels are scaled down before OCR (1240 = A4 at 150 dpi); 0 keeps the size. */
  INVOICE_OCR_MAX_WIDTH: int(1240, 0, 20_000),
  INVOICE_OCR_MAX_PAGES: int(10, 1, 100),
  /** Largest image (or rasterised page) OCR accepts, checked from the header before anything is decoded. */
  INVOICE_OCR_MAX_PIXELS: int(40_000_000, 1_000_000, 200_000_000),
  INVOICE_OCR_DPI: int(150, 100, 400),
  INVOICE_OCR_TIMEOUT_MS: int(120_000, 5_000, 900_000),
  /** A folder holding swe/eng.traineddata.gz; unset uses the npm packages' data (no download, ever). */
  INVOICE_OCR_LANG_PATH: optionalString,
  /** Fields read from print with less confidence than this send the invoice to review. */
  INVOICE_REVIEW_MIN_CONFIDENCE: z.preprocess(emptyToUndefined, z.coerce.number().min(0).max(1).default(0.7)),
};

type InvoiceReadingEnv = z.infer<z.ZodObject<typeof invoiceReadingEnv>>;

export interface InvoiceReadingConfig {
  ocr: {
    enabled: boolean;
    workers: number;
    maxPages: number;
    maxPixels: number;
    dpi: number;
    timeoutMs: number;
    langPath: string | undefined;
    languages: readonly ('swe' | 'eng')[];
    model: 'best_int' | 'standard';
    image: { maxWidth: number; crop: boolean };
  };
  reviewMinConfidence: number;
}

export function invoiceReadingConfig(e: InvoiceReadingEnv): InvoiceReadingConfig {
  return {
    ocr: {
      enabled: e.INVOICE_OCR_ENABLED,
      workers: e.INVOICE_OCR_WORKERS,
      maxPages: e.INVOICE_OCR_MAX_PAGES,
      maxPixels: e.INVOICE_OCR_MAX_PIXELS,
      dpi: e.INVOICE_OCR_DPI,
      timeoutMs: e.INVOICE_OCR_TIMEOUT_MS,
      langPath: e.INVOICE_OCR_LANG_PATH,
      languages: e.INVOICE_OCR_LANGUAGES,
      model: e.INVOICE_OCR_MODEL,
      image: { maxWidth: e.INVOICE_OCR_MAX_WIDTH, crop: true },
    },
    reviewMinConfidence: e.INVOICE_REVIEW_MIN_CONFIDENCE,
  };
}

/** Supplier-invoice intake (spec §4, §12): upload bounds and the reconciliation tolerance. */
export const supplierInvoiceEnv = {
  SUPPLIER_INVOICE_MAX_BYTES: int(20 * 1_048_576, 1024, 200 * 1_048_576),
  SUPPLIER_INVOICE_TOLERANCE_BP: int(50, 0, 10_000),
  SUPPLIER_INVOICE_MAX_PDF_PAGES: int(100, 1, 10_000),
};

type SupplierInvoiceEnv = z.infer<z.ZodObject<typeof supplierInvoiceEnv>>;

export interface SupplierInvoiceConfig {
  maxBytes: number;
  /** Default per-line price tolerance in basis points (50 = ±0.5 %); a supplier may have its own. */
  toleranceBp: number;
  maxPdfPages: number;
}

export function supplierInvoiceConfig(e: SupplierInvoiceEnv): SupplierInvoiceConfig {
  return {
    maxBytes: e.SUPPLIER_INVOICE_MAX_BYTES,
    toleranceBp: e.SUPPLIER_INVOICE_TOLERANCE_BP,
    maxPdfPages: e.SUPPLIER_INVOICE_MAX_PDF_PAGES,
  };
}
