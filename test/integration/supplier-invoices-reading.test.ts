import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createObjectStore } from '../../src/core/storage/create-store.js';
import { createOcrEngine, type OcrEngine } from '../../src/domain/supplier-invoices/extraction/ocr.js';
import { createExtractionService } from '../../src/domain/supplier-invoices/supplier-invoices.extraction.js';
import { addDays, stockholmDate } from '../../src/domain/orders/vat.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { encryptedPdf, manyPagesPdf, pngClaiming, zipBomb } from '../helpers/bad-documents.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';
import { uploadInvoice } from '../helpers/multipart.js';
import { createProduct, placeOrder } from '../helpers/orders.js';
import {
  damageFor,
  type InvoiceOverrides,
  openChromium,
  renderPdf,
  renderScan,
  swedishInvoice,
} from '../helpers/swedish-invoices.js';

/**
 * Printed supplier invoices (spec §12): a PDF's text layer and OCR of scans, read in the extraction job, checked
 * and reconciled like XML; hostile documents fail with a reason and never take the job down.
 */

let ctx: TestContext;
let dir: string;
let browser: Browser;
let ocr: OcrEngine;
let chef: TestUser;
let seller: TestUser;
let restaurantId: string;
let supplierId: string;
let extraction: ReturnType<typeof createExtractionService>;
const delivery = addDays(stockholmDate(), 1);

const upload = (bytes: Buffer, name = 'faktura.pdf') =>
  uploadInvoice(
    ctx.app,
    chef.headers,
    { restaurant_id: restaurantId, supplier_id: supplierId },
    { name, bytes },
  );

interface Field {
  value: string | number | null;
  source: string;
  confidence: number;
}
interface InvoiceView {
  id: string;
  status: string;
  extraction_source: string | null;
  failure_reason: string | null;
  fields: Record<string, Field>;
  review_reasons: { code: string }[];
  discrepancies: { reason: string }[];
}

async function uploadAndExtract(bytes: Buffer, name = 'faktura.pdf'): Promise<InvoiceView> {
  const r = await upload(bytes, name);
  expect(r.statusCode).toBe(201);
  const id = r.json<{ id: string }>().id;
  await extraction.extract(id, false);
  const got = await ctx.app.inject({
    method: 'GET',
    url: `/api/v1/supplier-invoices/${id}`,
    headers: chef.headers,
  });
  return got.json<InvoiceView>();
}

/** A delivered order of two food articles, and the invoice overrides that bill it exactly. */
async function deliveredOrder(): Promise<InvoiceOverrides> {
  const db = ctx.database.db;
  // Article numbers as suppliers print them: digits (a word-like code would read as part of the name).
  const tag = String(10_000 + Math.floor(Math.random() * 89_999));
  const articles = [
    { sku: `MJ${tag}`, name: 'Mjölk 3 % 1 l', priceCents: 1450, quantity: 12 },
    { sku: `OS${tag}`, name: 'Västerbottensost 1,2 kg', priceCents: 31900, quantity: 2 },
  ];
  const ids = [];
  for (const a of articles)
    ids.push(await createProduct(db, supplierId, { sku: a.sku, name: a.name, priceCents: a.priceCents }));
  const placed = await placeOrder(ctx.app, chef.headers, {
    restaurant_id: restaurantId,
    supplier_id: supplierId,
    delivery_date: delivery,
    lines: ids.map((product_id, i) => ({ product_id, quantity: articles[i]!.quantity })),
  });
  expect(placed.statusCode).toBe(201);
  const orderId = placed.json<{ id: string }>().id;
  for (const action of ['confirm', 'dispatch', 'deliver']) {
    const r = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/orders/${orderId}/${action}`,
      headers: seller.headers,
    });
    expect(r.statusCode).toBe(200);
  }
  return {
    orderReference: orderId,
    issueDate: delivery,
    lines: articles.map((a) => ({
      sku: a.sku,
      name: a.name,
      quantity: String(a.quantity),
      unit: 'st',
      priceCents: a.priceCents,
      rateBp: 600,
    })),
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iris-si-read-'));
  ctx = await createTestContext({ STORAGE_LOCAL_DIR: dir });
  const db = ctx.database.db;
  chef = await createUser(db, ctx.config, 'RESTAURANT');
  seller = await createUser(db, ctx.config, 'SUPPLIER');
  restaurantId = await createOrg(db, 'restaurant', 'Bistro Ett AB', [{ user: chef, role: 'owner' }]);
  supplierId = await createOrg(db, 'supplier', 'Färskvaruhallen i Mälardalen AB', [
    { user: seller, role: 'owner' },
  ]);
  ocr = createOcrEngine({ ...ctx.config.invoiceReading.ocr, workers: 1, timeoutMs: 300_000 });
  extraction = createExtractionService({
    db,
    store: createObjectStore(ctx.config.storage),
    settings: {
      defaultToleranceBp: 50,
      maxPdfPages: 100,
      ocr: { enabled: true, maxPages: 3, maxPixels: 40_000_000, dpi: 200 },
      reviewMinConfidence: 0.7,
    },
    ocr,
    metrics: undefined,
  });
  browser = await openChromium();
});

afterAll(async () => {
  await browser.close();
  await ocr.close();
  await ctx.close();
  await rm(dir, { recursive: true, force: true });
});

describe('printed invoices (PDF text layer)', () => {
  it('a Swedish PDF is read field by field, with source and confidence, and reconciles to its order', async () => {
    const { truth, html } = swedishInvoice(11, await deliveredOrder());
    const got = await uploadAndExtract(await renderPdf(browser, html));
    expect(got.extraction_source).toBe('pdf-text');
    expect(got.review_reasons).toEqual([]);
    expect(got.status).toBe('matched');
    expect(got.discrepancies).toEqual([]);
    expect(got.fields.invoice_number).toMatchObject({ value: truth.invoiceNumber, source: 'pdf-text' });
    expect(got.fields.invoice_number!.confidence).toBeGreaterThanOrEqual(0.9);
    expect(got.fields).toMatchObject({
      issue_date: { value: truth.issueDate },
      due_date: { value: truth.dueDate },
      payable_cents: { value: truth.payableCents },
      net_total_cents: { value: truth.netCents },
      rounding_cents: { value: truth.roundingCents },
      ocr_reference: { value: truth.ocrReference },
      bankgiro: { value: truth.bankgiro },
      seller_org_number: { value: truth.sellerOrgNumber },
      seller_vat_number: { value: `SE${truth.sellerOrgNumber.replace('-', '')}01` },
    });
  });

  it('amounts that do not add up send the invoice to review with the reason, never accepted', async () => {
    const { html } = swedishInvoice(12, { ...(await deliveredOrder()), payableErrorCents: 10_000 });
    const got = await uploadAndExtract(await renderPdf(browser, html));
    expect(got.status).toBe('needs_review');
    expect(got.review_reasons.map((r) => r.code)).toContain('PAYABLE_MISMATCH');
  });

  it('a PDF that is not an invoice goes to review: fields missing or unsure, no rows', async () => {
    const html = `<p>${'Hej! Här kommer veckans meny och öppettider för restaurangen. '.repeat(4)}</p>`;
    const got = await uploadAndExtract(await renderPdf(browser, html));
    expect(got.status).toBe('needs_review');
    expect(got.review_reasons.map((r) => r.code)).toEqual(
      expect.arrayContaining(['MISSING_FIELD', 'LOW_CONFIDENCE', 'LINES_NOT_READ']),
    );
  });
});

describe('scanned invoices (OCR in the job)', () => {
  it(
    'a degraded JPEG scan of a Swedish invoice is read by OCR with its totals',
    { timeout: 300_000 },
    async () => {
      const { truth, html } = swedishInvoice(13, await deliveredOrder());
      const got = await uploadAndExtract(await renderScan(browser, html, damageFor(13), 13), 'scan.jpg');
      expect(got.extraction_source).toBe('ocr');
      expect(got.fields).toMatchObject({
        invoice_number: { value: truth.invoiceNumber, source: 'ocr' },
        payable_cents: { value: truth.payableCents, source: 'ocr' },
        net_total_cents: { value: truth.netCents },
      });
      // OCR is never fully sure: the confidence is below a text layer's.
      expect(got.fields.payable_cents!.confidence).toBeLessThan(0.95);
      expect({ status: got.status, discrepancies: got.discrepancies }).toMatchObject({
        status: expect.stringMatching(/^(matched|needs_review)$/),
      });
    },
  );

  it('a PDF holding only a scanned image is rasterised and read by OCR', { timeout: 300_000 }, async () => {
    const { truth, html } = swedishInvoice(14);
    const jpeg = await renderScan(browser, html, damageFor(14), 14);
    const wrapper = `<style>@page{margin:0}body{margin:0}</style><img style="width:210mm" src="data:image/jpeg;base64,${jpeg.toString('base64')}">`;
    const got = await uploadAndExtract(await renderPdf(browser, wrapper));
    expect(got.extraction_source).toBe('ocr');
    expect(got.fields.invoice_number).toMatchObject({ value: truth.invoiceNumber, source: 'ocr' });
    expect(got.fields.payable_cents).toMatchObject({ value: truth.payableCents });
  });
});

describe('hostile and broken documents fail with a reason', () => {
  const failed = async (bytes: Buffer, name: string, reason: string) => {
    const got = await uploadAndExtract(bytes, name);
    expect(got.status).toBe('failed');
    expect(got.failure_reason).toMatch(new RegExp(`^${reason}: `));
  };

  it('encrypted, truncated and 500-page PDFs', async () => {
    await failed(encryptedPdf(), 'locked.pdf', 'PDF_ENCRYPTED');
    await failed(manyPagesPdf(3).subarray(0, 200), 'cut.pdf', 'PDF_CORRUPT');
    await failed(manyPagesPdf(500), 'long.pdf', 'PDF_TOO_MANY_PAGES');
  });

  it('a scan of more pages than OCR reads, and a scan with no text at all', async () => {
    await failed(manyPagesPdf(4), 'blank4.pdf', 'OCR_TOO_MANY_PAGES');
    await failed(manyPagesPdf(1), 'blank1.pdf', 'NO_TEXT_FOUND');
  }, 120_000);

  it('an image of 30,000 × 30,000 pixels is refused from its header, before decoding', async () => {
    await failed(pngClaiming(30_000, 30_000), 'huge.png', 'IMAGE_TOO_LARGE');
  });

  it('an image whose header cannot be read', async () => {
    const broken = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
      Buffer.from('JFIF\0'),
      Buffer.alloc(64, 0x11),
    ]);
    await failed(broken, 'broken.jpg', 'IMAGE_CORRUPT');
  });

  it('a zip bomb in the multipart part is refused (415) without inflating it, and nothing is stored', async () => {
    const before = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/supplier-invoices',
      headers: chef.headers,
    });
    const bomb = zipBomb(200 * 1_048_576);
    expect(bomb.length).toBeLessThan(1_048_576);
    const r = await upload(bomb, 'faktura.zip');
    expect(r.statusCode).toBe(415);
    const after = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/supplier-invoices',
      headers: chef.headers,
    });
    expect(after.json<{ pagination: { total: number } }>().pagination.total).toBe(
      before.json<{ pagination: { total: number } }>().pagination.total,
    );
  });
});
