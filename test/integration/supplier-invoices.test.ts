import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createObjectStore } from '../../src/core/storage/create-store.js';
import { createExtractionService } from '../../src/domain/supplier-invoices/supplier-invoices.extraction.js';
import { addDays, stockholmDate } from '../../src/domain/orders/vat.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';
import { uploadInvoice } from '../helpers/multipart.js';
import { createProduct, placeOrder } from '../helpers/orders.js';

let ctx: TestContext;
let dir: string;
let chef: TestUser;
let otherChef: TestUser;
let seller: TestUser;
let restaurantId: string;
let otherRestaurantId: string;
let supplierId: string;
let extraction: ReturnType<typeof createExtractionService>;
const delivery = addDays(stockholmDate(), 1);

const upload = (user: TestUser, fields: Record<string, string>, file?: { name: string; bytes: Buffer }) =>
  uploadInvoice(ctx.app, user.headers, fields, file);

interface Line {
  sku: string;
  name: string;
  qty: string;
  price: string;
  rate: string;
}

/** A Peppol BIS 3 invoice; totals computed from the lines so the document is consistent. */
function ubl(p: { number: string; orderRef: string; currency?: string; lines: Line[]; credit?: string }) {
  const cur = p.currency ?? 'SEK';
  const cents = (s: string) => Math.round(Number(s) * 100);
  const lines = p.lines.map((l) => ({ ...l, net: Math.round(Number(l.qty) * cents(l.price)) }));
  const byRate = new Map<string, number>();
  for (const l of lines) byRate.set(l.rate, (byRate.get(l.rate) ?? 0) + l.net);
  const groups = [...byRate].map(([rate, net]) => ({
    rate,
    net,
    tax: Math.round((net * Number(rate)) / 100),
  }));
  const net = lines.reduce((s, l) => s + l.net, 0);
  const tax = groups.reduce((s, g) => s + g.tax, 0);
  const m = (c: number) => (c / 100).toFixed(2);
  const root = p.credit ? 'CreditNote' : 'Invoice';
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<${root} xmlns="urn:oasis:names:specification:ubl:schema:xsd:${root}-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
<cbc:ID>${p.number}</cbc:ID><cbc:IssueDate>${delivery}</cbc:IssueDate>
<cbc:DocumentCurrencyCode>${cur}</cbc:DocumentCurrencyCode>
<cac:OrderReference><cbc:ID>${p.orderRef}</cbc:ID></cac:OrderReference>
${p.credit ? `<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>${p.credit}</cbc:ID></cac:InvoiceDocumentReference></cac:BillingReference>` : ''}
<cac:Delivery><cbc:ActualDeliveryDate>${delivery}</cbc:ActualDeliveryDate></cac:Delivery>
<cac:TaxTotal><cbc:TaxAmount currencyID="${cur}">${m(tax)}</cbc:TaxAmount>
${groups.map((g) => `<cac:TaxSubtotal><cbc:TaxableAmount currencyID="${cur}">${m(g.net)}</cbc:TaxableAmount><cbc:TaxAmount currencyID="${cur}">${m(g.tax)}</cbc:TaxAmount><cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>${g.rate}</cbc:Percent></cac:TaxCategory></cac:TaxSubtotal>`).join('')}
</cac:TaxTotal>
<cac:LegalMonetaryTotal><cbc:LineExtensionAmount currencyID="${cur}">${m(net)}</cbc:LineExtensionAmount><cbc:TaxExclusiveAmount currencyID="${cur}">${m(net)}</cbc:TaxExclusiveAmount><cbc:TaxInclusiveAmount currencyID="${cur}">${m(net + tax)}</cbc:TaxInclusiveAmount><cbc:PayableAmount currencyID="${cur}">${m(net + tax)}</cbc:PayableAmount></cac:LegalMonetaryTotal>
${lines.map((l, i) => `<cac:${root}Line><cbc:ID>${i + 1}</cbc:ID><cbc:${p.credit ? 'CreditedQuantity' : 'InvoicedQuantity'} unitCode="EA">${l.qty}</cbc:${p.credit ? 'CreditedQuantity' : 'InvoicedQuantity'}><cbc:LineExtensionAmount currencyID="${cur}">${m(l.net)}</cbc:LineExtensionAmount><cac:Item><cbc:Name>${l.name}</cbc:Name><cac:SellersItemIdentification><cbc:ID>${l.sku}</cbc:ID></cac:SellersItemIdentification><cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>${l.rate}</cbc:Percent></cac:ClassifiedTaxCategory></cac:Item><cac:Price><cbc:PriceAmount currencyID="${cur}">${l.price}</cbc:PriceAmount></cac:Price></cac:${root}Line>`).join('\n')}
</${root}>`);
}

async function deliveredOrder(): Promise<string> {
  const db = ctx.database.db;
  const a = await createProduct(db, supplierId, {
    sku: `MJ-${Math.random().toString(36).slice(2, 8)}`,
    name: 'Mjölk 3 %',
    priceCents: 1500,
  });
  const b = await createProduct(db, supplierId, {
    sku: `OS-${Math.random().toString(36).slice(2, 8)}`,
    name: 'Ost lagrad',
    priceCents: 12000,
  });
  const placed = await placeOrder(ctx.app, chef.headers, {
    restaurant_id: restaurantId,
    supplier_id: supplierId,
    delivery_date: delivery,
    lines: [
      { product_id: a, quantity: 10 },
      { product_id: b, quantity: 2 },
    ],
  });
  expect(placed.statusCode).toBe(201);
  const id = placed.json<{ id: string }>().id;
  for (const action of ['confirm', 'dispatch', 'deliver']) {
    const r = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/orders/${id}/${action}`,
      headers: seller.headers,
    });
    expect(r.statusCode).toBe(200);
  }
  return id;
}

async function orderLines(orderId: string) {
  const r = await ctx.app.inject({ method: 'GET', url: `/api/v1/orders/${orderId}`, headers: chef.headers });
  return r.json<{ lines: { sku: string; name: string }[] }>().lines;
}

async function uploadAndExtract(
  bytes: Buffer,
  user = chef,
  fields: Record<string, string> = { restaurant_id: restaurantId },
) {
  const r = await upload(user, fields, { name: 'faktura.xml', bytes });
  expect(r.statusCode).toBe(201);
  const id = r.json<{ id: string }>().id;
  await extraction.extract(id, false);
  const got = await ctx.app.inject({
    method: 'GET',
    url: `/api/v1/supplier-invoices/${id}`,
    headers: chef.headers,
  });
  return got.json<{
    id: string;
    status: string;
    disputed_cents: number;
    credited_cents: number;
    review_reasons: { code: string }[];
    discrepancies: { reason: string; amount_cents: number }[];
    history: { action: string }[];
  }>();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iris-si-'));
  ctx = await createTestContext({ STORAGE_LOCAL_DIR: dir, SUPPLIER_INVOICE_MAX_BYTES: '65536' });
  const db = ctx.database.db;
  chef = await createUser(db, ctx.config, 'RESTAURANT');
  otherChef = await createUser(db, ctx.config, 'RESTAURANT');
  seller = await createUser(db, ctx.config, 'SUPPLIER');
  restaurantId = await createOrg(db, 'restaurant', 'Bistro Ett AB', [{ user: chef, role: 'owner' }]);
  otherRestaurantId = await createOrg(db, 'restaurant', 'Bistro Två AB', [
    { user: otherChef, role: 'owner' },
  ]);
  supplierId = await createOrg(db, 'supplier', 'Grossist AB', [{ user: seller, role: 'owner' }]);
  extraction = createExtractionService({
    db,
    store: createObjectStore(ctx.config.storage),
    settings: {
      defaultToleranceBp: 50,
      maxPdfPages: 5,
      ocr: { ...ctx.config.invoiceReading.ocr, enabled: false },
      reviewMinConfidence: 0.7,
    },
    ocr: undefined,
    metrics: undefined,
  });
});

afterAll(async () => {
  await ctx.close();
  await rm(dir, { recursive: true, force: true });
});

describe('supplier invoice intake and reconciliation', () => {
  it('an invoice that matches its order line by line is matched, with zero discrepancies', async () => {
    const orderId = await deliveredOrder();
    const [a, b] = await orderLines(orderId);
    const inv = await uploadAndExtract(
      ubl({
        number: 'F-1001',
        orderRef: orderId,
        lines: [
          { sku: a!.sku, name: 'Mjölk 3 %', qty: '10', price: '15.00', rate: '6' },
          { sku: b!.sku, name: 'Ost lagrad', qty: '2', price: '120.00', rate: '6' },
        ],
      }),
      chef,
      { restaurant_id: restaurantId, supplier_id: supplierId },
    );
    expect(inv.review_reasons).toEqual([]);
    expect(inv.status).toBe('matched');
    expect(inv.discrepancies).toEqual([]);
    expect(inv.history.map((h) => h.action)).toEqual([
      'upload',
      'start_extraction',
      'extraction_succeeded',
      'reconciled_clean',
    ]);
  });

  it('price beyond ±0.5 %, an unordered line, a missing line and a wrong VAT rate are disputed, amounts in öre', async () => {
    const orderId = await deliveredOrder();
    const [a] = await orderLines(orderId);
    const inv = await uploadAndExtract(
      ubl({
        number: 'F-1002',
        orderRef: orderId,
        lines: [
          { sku: a!.sku, name: 'Mjölk 3 %', qty: '10', price: '15.50', rate: '12' },
          { sku: 'X-1', name: 'Frakt', qty: '1', price: '99.00', rate: '25' },
        ],
      }),
      chef,
      { restaurant_id: restaurantId, supplier_id: supplierId },
    );
    expect(inv.status).toBe('disputed');
    expect(inv.discrepancies.map((d) => [d.reason, d.amount_cents])).toEqual([
      ['PRICE_DIFFERS', 500],
      ['VAT_RATE_WRONG', 930],
      ['LINE_NOT_ORDERED', 9900],
      ['LINE_MISSING', -24000],
    ]);
    expect(inv.disputed_cents).toBe(500 + 930 + 9900);

    const credit = await uploadAndExtract(
      ubl({
        number: 'K-1',
        orderRef: orderId,
        credit: 'F-1002',
        lines: [{ sku: 'X-1', name: 'Frakt', qty: '1', price: '91.00', rate: '25' }],
      }),
      seller,
      { supplier_id: supplierId, restaurant_id: restaurantId },
    );
    expect(credit.status).toBe('matched');
    const settled = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/supplier-invoices/${inv.id}`,
      headers: chef.headers,
    });
    expect(settled.json()).toMatchObject({ status: 'credited', credited_cents: 11375 });
  });

  it('within tolerance is no discrepancy; another currency is', async () => {
    const orderId = await deliveredOrder();
    const [a, b] = await orderLines(orderId);
    const lines = [
      { sku: a!.sku, name: 'Mjölk', qty: '10', price: '15.07', rate: '6' },
      { sku: b!.sku, name: 'Ost', qty: '2', price: '120.00', rate: '6' },
    ];
    const ok = await uploadAndExtract(ubl({ number: 'F-1003', orderRef: orderId, lines }), chef, {
      restaurant_id: restaurantId,
      supplier_id: supplierId,
    });
    expect(ok.status).toBe('matched');
    const eur = await uploadAndExtract(
      ubl({ number: 'F-1004', orderRef: orderId, currency: 'EUR', lines }),
      chef,
      { restaurant_id: restaurantId, supplier_id: supplierId },
    );
    expect(eur.discrepancies.map((d) => d.reason)).toEqual(['CURRENCY_DIFFERS']);
  });

  it("another restaurant's order is not matched and cannot be linked (404, no leak)", async () => {
    const orderId = await deliveredOrder();
    await uploadAndExtract(
      ubl({
        number: 'F-1005',
        orderRef: orderId,
        lines: [{ sku: 'A', name: 'Mjölk', qty: '1', price: '15.00', rate: '6' }],
      }),
      otherChef,
      { restaurant_id: otherRestaurantId, supplier_id: supplierId },
    );
    const list = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/supplier-invoices?status=needs_review',
      headers: otherChef.headers,
    });
    const mine = list.json<{ data: { id: string; review_reasons: { code: string }[] }[] }>().data;
    expect(mine).toHaveLength(1);
    expect(mine[0]!.review_reasons.map((r) => r.code)).toEqual(['ORDER_NOT_MATCHED']);
    const link = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/supplier-invoices/${mine[0]!.id}/corrections`,
      headers: otherChef.headers,
      payload: { order_id: orderId },
    });
    expect(link.statusCode).toBe(404);
    expect(link.json()).toMatchObject({ code: 'ORDER_NOT_FOUND' });
    const peek = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/supplier-invoices/${mine[0]!.id}`,
      headers: chef.headers,
    });
    expect(peek.statusCode).toBe(404);
  });
});

describe('uploads', () => {
  const xml = ubl({
    number: 'D-1',
    orderRef: 'none',
    lines: [{ sku: 'A', name: 'x', qty: '1', price: '1.00', rate: '25' }],
  });
  it('the same bytes twice give the existing invoice with 200; the original file downloads for parties only', async () => {
    const first = await upload(chef, { restaurant_id: restaurantId }, { name: 'a.xml', bytes: xml });
    const second = await upload(chef, { restaurant_id: restaurantId }, { name: 'b.xml', bytes: xml });
    expect([first.statusCode, second.statusCode]).toEqual([201, 200]);
    expect(second.json<{ id: string }>().id).toBe(first.json<{ id: string }>().id);
    const file = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/supplier-invoices/${first.json<{ id: string }>().id}/file`,
      headers: chef.headers,
    });
    expect(file.headers['content-type']).toMatch(/application\/xml/);
    expect(file.rawPayload.equals(xml)).toBe(true);
    const stranger = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/supplier-invoices/${first.json<{ id: string }>().id}/file`,
      headers: otherChef.headers,
    });
    expect(stranger.statusCode).toBe(404);
  });

  it('rejects empty (400), too large (413), other types and zip bombs (415), DTDs (422), with nothing stored', async () => {
    const empty = await upload(
      chef,
      { restaurant_id: restaurantId },
      { name: 'e.pdf', bytes: Buffer.alloc(0) },
    );
    expect(empty.statusCode).toBe(400);
    const big = await upload(
      chef,
      { restaurant_id: restaurantId },
      { name: 'b.pdf', bytes: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(70_000, 32)]) },
    );
    expect(big.statusCode).toBe(413);
    // A zip whose one entry would inflate hugely: stored as is, never inflated, and not an accepted type.
    const zip = Buffer.concat([
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 8, 0]),
      Buffer.alloc(200, 0),
    ]);
    expect(
      (await upload(chef, { restaurant_id: restaurantId }, { name: 'bomb.zip', bytes: zip })).statusCode,
    ).toBe(415);
    const order = Buffer.from('<?xml version="1.0"?><Order><ID>1</ID></Order>');
    expect(
      (await upload(chef, { restaurant_id: restaurantId }, { name: 'o.xml', bytes: order })).statusCode,
    ).toBe(415);
    const dtd = Buffer.from(
      '<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY x SYSTEM "file:///etc/passwd">]><Invoice>&x;</Invoice>',
    );
    const rejected = await upload(chef, { restaurant_id: restaurantId }, { name: 'x.xml', bytes: dtd });
    expect(rejected.statusCode).toBe(422);
    expect(rejected.json()).toMatchObject({ code: 'SUPPLIER_INVOICE_UNREADABLE' });
    const notMine = await upload(chef, { restaurant_id: otherRestaurantId }, { name: 'a.xml', bytes: xml });
    expect(notMine.statusCode).toBe(404);
  });

  it('a corrupt PDF fails with a reason and can be retried', async () => {
    const r = await upload(
      chef,
      { restaurant_id: restaurantId },
      { name: 'c.pdf', bytes: Buffer.from('%PDF-1.7\n1 0 obj << broken') },
    );
    expect(r.statusCode).toBe(201);
    const id = r.json<{ id: string }>().id;
    expect(await extraction.extract(id, false)).toBe('failed');
    const got = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/supplier-invoices/${id}`,
      headers: chef.headers,
    });
    expect(got.json()).toMatchObject({
      status: 'failed',
      failure_reason: expect.stringMatching(/^PDF_CORRUPT/),
    });
    const retry = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/supplier-invoices/${id}/retry`,
      headers: chef.headers,
    });
    expect(retry.json()).toMatchObject({ status: 'received' });
  });
});
