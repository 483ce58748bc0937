import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { getDocument } from './pdfjs-runtime.js';

/** PDFs, opened defensively: no eval, no fonts, no network; encrypted, corrupt and oversized documents refused. */

export class PdfRejected extends Error {
  constructor(
    readonly reason: 'PDF_ENCRYPTED' | 'PDF_CORRUPT' | 'PDF_TOO_MANY_PAGES',
    message: string,
  ) {
    super(message);
    this.name = 'PdfRejected';
  }
}

export async function openPdf(bytes: Buffer, maxPages: number): Promise<PDFDocumentProxy> {
  let doc: PDFDocumentProxy;
  try {
    doc = await getDocument({
      data: new Uint8Array(bytes),
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      stopAtErrors: true,
      verbosity: 0,
    }).promise;
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'PasswordException') throw new PdfRejected('PDF_ENCRYPTED', 'The PDF is password-protected');
    throw new PdfRejected('PDF_CORRUPT', `The PDF cannot be read: ${(err as Error).message.slice(0, 200)}`);
  }
  if (doc.numPages > maxPages) {
    await doc.destroy();
    throw new PdfRejected(
      'PDF_TOO_MANY_PAGES',
      `The PDF has ${doc.numPages} pages; at most ${maxPages} are read`,
    );
  }
  return doc;
}

/** File names Factur-X, ZUGFeRD and XRechnung use for the embedded invoice, most specific first. */
const EMBEDDED_NAMES = ['factur-x.xml', 'zugferd-invoice.xml', 'xrechnung.xml', 'order-x.xml'];

/** The structured invoice attached to a PDF (Factur-X/ZUGFeRD), or null when there is none. */
export async function embeddedInvoiceXml(doc: PDFDocumentProxy): Promise<Buffer | null> {
  const attachments = ((await doc.getAttachments()) ?? {}) as Record<
    string,
    { filename: string; content: Uint8Array }
  >;
  const files = Object.values(attachments);
  const named =
    EMBEDDED_NAMES.map((n) => files.find((f) => f.filename.toLowerCase() === n)).find(Boolean) ??
    files.find((f) => f.filename.toLowerCase().endsWith('.xml'));
  return named ? Buffer.from(named.content) : null;
}
