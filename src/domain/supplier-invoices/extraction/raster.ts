import { createCanvas } from '@napi-rs/canvas';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

type RenderParameters = Parameters<Awaited<ReturnType<PDFDocumentProxy['getPage']>>['render']>[0];

/**
 * Scanned PDF pages to pixels for OCR, with pdfjs-dist drawing onto @napi-rs/canvas (Skia, prebuilt: no
 * native build). The pixel count is computed from the page size before anything is drawn: an oversized page
 * is rendered at a lower resolution, down to a floor, and refused below it.
 */

export class PageTooLarge extends Error {
  constructor(
    readonly page: number,
    pixels: number,
  ) {
    super(`Page ${page} would need ${pixels} pixels even at the lowest resolution`);
    this.name = 'PageTooLarge';
  }
}

/** Below this, text is too small for OCR to read anything. */
const MIN_DPI = 100;

export async function renderPage(
  doc: PDFDocumentProxy,
  pageNo: number,
  opts: { dpi: number; maxPixels: number },
): Promise<Buffer> {
  const page = await doc.getPage(pageNo);
  try {
    const size = page.getViewport({ scale: 1 });
    const pixelsAt = (dpi: number) =>
      Math.ceil((size.width * dpi) / 72) * Math.ceil((size.height * dpi) / 72);
    let dpi = opts.dpi;
    if (pixelsAt(dpi) > opts.maxPixels)
      dpi = Math.floor(72 * Math.sqrt(opts.maxPixels / (size.width * size.height)));
    if (dpi < MIN_DPI) throw new PageTooLarge(pageNo, pixelsAt(MIN_DPI));
    const viewport = page.getViewport({ scale: dpi / 72 });
    const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
    const context = canvas.getContext('2d');
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    // pdfjs types its canvas as the DOM's; Skia's canvas implements the part it draws with.
    const params = { canvas, canvasContext: context, viewport } as unknown as RenderParameters;
    await page.render(params).promise;
    return canvas.toBuffer('image/png');
  } finally {
    page.cleanup();
  }
}
