import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { InvoiceFormat } from '../sniff.js';
import type { ExtractedInvoice, ExtractionSource, HeaderField } from './extracted.js';
import { readImageHeader } from './image-header.js';
import { type OcrEngine, OcrTimeout } from './ocr.js';
import { ImageUndecodable } from './ocr-image.js';
import { embeddedInvoiceXml, openPdf, PdfRejected } from './pdf.js';
import { PageTooLarge, renderPage } from './raster.js';
import { parseStructuredInvoice } from './structured.js';
import { extractFromText } from './text-fields.js';
import { MIN_TEXT_LAYER_CHARS, pdfTextLines, type TextLine, textLength } from './text-layout.js';
import { XmlRejected } from './xml.js';

/**
 * Best source first (spec §12): structured XML, the XML a PDF carries, a PDF's text layer, then OCR of a
 * scanned PDF or an image. Every refusal is an `Unreadable` with a reason code; anything else is a fault a
 * retry may cure.
 */

export interface ReadingSettings {
  maxPdfPages: number;
  ocr: { enabled: boolean; maxPages: number; maxPixels: number; dpi: number };
}

export interface ReadDocument {
  doc: ExtractedInvoice;
  source: ExtractionSource;
  /** Per field, for printed sources; structured sources state their fields (confidence 1). */
  confidence?: Partial<Record<HeaderField, number>>;
  pages: number;
}

/** A document that cannot be read: the invoice fails with this reason (no retry helps). */
export class Unreadable extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'Unreadable';
  }
}

function fromText(lines: TextLine[], source: 'pdf-text' | 'ocr', pages: number): ReadDocument {
  if (textLength(lines) < MIN_TEXT_LAYER_CHARS) {
    throw new Unreadable('NO_TEXT_FOUND', 'No readable text was found on the document');
  }
  const { doc, confidence } = extractFromText(lines);
  return { doc, source, confidence, pages };
}

async function ocrPdf(pdf: PDFDocumentProxy, settings: ReadingSettings, ocr: OcrEngine): Promise<TextLine[]> {
  if (pdf.numPages > settings.ocr.maxPages) {
    throw new Unreadable(
      'OCR_TOO_MANY_PAGES',
      `The scanned PDF has ${pdf.numPages} pages; at most ${settings.ocr.maxPages} are read by OCR`,
    );
  }
  const lines: TextLine[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const image = await renderPage(pdf, n, settings.ocr);
    lines.push(...(await ocr.read(image, n)));
  }
  return lines;
}

async function readPdf(
  bytes: Buffer,
  settings: ReadingSettings,
  ocr: OcrEngine | undefined,
): Promise<ReadDocument> {
  const pdf = await openPdf(bytes, settings.maxPdfPages);
  try {
    const xml = await embeddedInvoiceXml(pdf);
    if (xml) return { doc: parseStructuredInvoice(xml), source: 'pdf-xml', pages: pdf.numPages };
    const text = await pdfTextLines(pdf);
    if (textLength(text) >= MIN_TEXT_LAYER_CHARS) return fromText(text, 'pdf-text', pdf.numPages);
    if (!settings.ocr.enabled || !ocr) {
      throw new Unreadable('OCR_DISABLED', 'The PDF has no text layer and OCR is switched off');
    }
    return fromText(await ocrPdf(pdf, settings, ocr), 'ocr', pdf.numPages);
  } finally {
    await pdf.destroy();
  }
}

async function readImage(
  format: 'png' | 'jpeg' | 'tiff',
  bytes: Buffer,
  settings: ReadingSettings,
  ocr: OcrEngine | undefined,
): Promise<ReadDocument> {
  const header = readImageHeader(format, bytes);
  if (!header) throw new Unreadable('IMAGE_CORRUPT', `The ${format.toUpperCase()} header cannot be read`);
  const pixels = header.width * header.height;
  if (pixels > settings.ocr.maxPixels) {
    throw new Unreadable(
      'IMAGE_TOO_LARGE',
      `The image is ${header.width} × ${header.height} pixels; at most ${settings.ocr.maxPixels} are read`,
    );
  }
  if (header.pages > settings.ocr.maxPages) {
    throw new Unreadable(
      'OCR_TOO_MANY_PAGES',
      `The image has ${header.pages} pages; at most ${settings.ocr.maxPages}`,
    );
  }
  if (!settings.ocr.enabled || !ocr)
    throw new Unreadable('OCR_DISABLED', 'Reading images needs OCR, which is off');
  return fromText(await ocr.read(bytes, 1), 'ocr', header.pages);
}

export async function readDocument(
  format: InvoiceFormat,
  bytes: Buffer,
  settings: ReadingSettings,
  ocr: OcrEngine | undefined,
): Promise<ReadDocument> {
  try {
    if (format === 'ubl' || format === 'cii')
      return { doc: parseStructuredInvoice(bytes), source: 'xml', pages: 1 };
    if (format === 'pdf') return await readPdf(bytes, settings, ocr);
    return await readImage(format, bytes, settings, ocr);
  } catch (err) {
    if (err instanceof XmlRejected || err instanceof PdfRejected)
      throw new Unreadable(err.reason, err.message);
    if (err instanceof PageTooLarge) throw new Unreadable('IMAGE_TOO_LARGE', err.message);
    if (err instanceof OcrTimeout) throw new Unreadable('OCR_TIMEOUT', err.message);
    if (err instanceof ImageUndecodable) throw new Unreadable('IMAGE_CORRUPT', err.message);
    if (
      typeof err === 'string' ||
      (err instanceof Error && /Error attempting to read image/i.test(err.message))
    ) {
      // tesseract.js rejects with a plain string when the image data itself is broken.
      throw new Unreadable('IMAGE_CORRUPT', `The image cannot be decoded: ${String(err).slice(0, 200)}`);
    }
    throw err;
  }
}
