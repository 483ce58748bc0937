import { fileTypeFromBuffer } from 'file-type';
import { xmlFormatOf } from './extraction/structured.js';
import { rootElement } from './extraction/xml.js';
import type { SUPPLIER_INVOICE_FORMATS } from './supplier-invoices.models.js';

export type InvoiceFormat = (typeof SUPPLIER_INVOICE_FORMATS)[number];

export type Sniffed =
  | { ok: true; format: InvoiceFormat; contentType: string }
  | { ok: false; detected: string | undefined; dtd?: boolean };

const BINARY: Record<string, { format: InvoiceFormat; contentType: string }> = {
  pdf: { format: 'pdf', contentType: 'application/pdf' },
  png: { format: 'png', contentType: 'image/png' },
  jpg: { format: 'jpeg', contentType: 'image/jpeg' },
  tif: { format: 'tiff', contentType: 'image/tiff' },
};

/** The format from the bytes themselves — never from the file name or the part's declared type. */
export async function sniffInvoiceFile(bytes: Buffer): Promise<Sniffed> {
  const type = await fileTypeFromBuffer(bytes);
  if (type && type.ext !== 'xml') {
    const known = BINARY[type.ext];
    return known ? { ok: true, ...known } : { ok: false, detected: type.mime };
  }
  const head = bytes.subarray(0, 64 * 1024).toString('utf8');
  if (!/^\uFEFF?\s*</.test(head)) return { ok: false, detected: type?.mime };
  if (/<!DOCTYPE|<!ENTITY/i.test(head)) return { ok: false, detected: 'XML with a DTD', dtd: true };
  const root = rootElement(head);
  const format = xmlFormatOf(root);
  if (!format) return { ok: false, detected: root ? `XML <${root}>` : 'not XML' };
  return { ok: true, format, contentType: 'application/xml' };
}
