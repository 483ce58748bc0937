import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/rows.js';
import { checkConsistency } from '../../src/domain/supplier-invoices/extraction/consistency.js';
import { parseStructuredInvoice } from '../../src/domain/supplier-invoices/extraction/structured.js';
import { reconcile } from '../../src/domain/supplier-invoices/reconcile.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';
import { createProduct, placeOrder } from '../helpers/orders.js';
import { checkPeppolRules, topLevelSequence } from '../helpers/peppol-rules.js';
import { sharedDataDir } from '../helpers/shared-data.js';

/**
 * Our sales documents beyond the JSON invoice: credit notes (own series, never more than invoiced, VAT per
 * rate, audited, an outbox event) and both documents as Peppol BIS Billing 3.0 UBL.
 */

let ctx: TestContext;
let chef: TestUser;
let seller: TestUser;
let otherSeller: TestUser;
let admin: TestUser;
let restaurantId: string;
let supplierId: string;
const p: Record<string, string> = {};
let instant = new Date('2027-06-15T10:00:00Z');
const on = (day: string) => (instant = new Date(`${day}T10:00:00Z`));

beforeAll(async () => {
  ctx = await createTestContext({}, undefined, { clock: () => instant });
  const db = ctx.database.db;
  chef = await createUser(db, ctx.config, 'RESTAURANT');
  seller = await createUser(db, ctx.config, 'SUPPLIER');
  otherSeller = await createUser(db, ctx.config, 'SUPPLIER');
  admin = await createUser(db, ctx.config, 'ADMIN');
  restaurantId = await createOrg(db, 'restaurant', 'Krogen <Lyktan> & Co AB', [
    { user: chef, role: 'owner' },
  ]);
  supplierId = await createOrg(db, 'supplier', 'Fisk & Grönt AB', [{ user: seller, role: 'owner' }]);
  await createOrg(db, 'supplier', 'Annan Grossist AB', [{ user: otherSeller, role: 'owner' }]);
  p.salmon = await createProduct(db, supplierId, {
    priceCents: 1613,
    vatCategory: 'food',
    name: 'Laxfilé',
    unit: 'kg',
  });
  p.beer = await createProduct(db, supplierId, {
    priceCents: 2990,
    vatCategory: 'alcohol',
    name: 'Lager 5,0 %',
    unit: 'fl',
  });
  p.napkins = await createProduct(db, supplierId, {
    priceCents: 33,
    vatCategory: 'standard',
    name: 'Servett',
    unit: 'st',
  });
  for (const [id, payload] of [
    [
      supplierId,
      {
        address_line: 'Partihallsvägen 1',
        postal_code: '121 62',
        city: 'Johanneshov',
        bankgiro: '5678-1230',
        payment_terms_days: 20,
      },
    ],
    [restaurantId, { address_line: 'Storgatan 2', postal_code: '411 01', city: 'Göteborg' }],
  ] as const) {
    const kind = id === supplierId ? 'suppliers' : 'restaurants';
    const res = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/${kind}/${id}`,
      headers: admin.headers,
      payload,
    });
    expect(res.statusCode, res.body).toBe(200);
  }
});
afterAll(() => ctx.close());

async function deliveredOrder(lines: { product_id: string; quantity: number }[]) {
  on('2027-06-15');
  const placed = await placeOrder(ctx.app, chef.headers, {
    restaurant_id: restaurantId,
    supplier_id: supplierId,
    lines,
  });
  expect(placed.statusCode, placed.body).toBe(201);
  const id = placed.json<{ id: string }>().id;
  for (const [user, action] of [
    [seller, 'confirm'],
    [seller, 'dispatch'],
    [chef, 'deliver'],
  ] as const) {
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/orders/${id}/${action}`,
      headers: user.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
  }
  return id;
}

const credit = (user: TestUser, orderId: string, payload: Record<string, unknown>, key = randomUUID()) =>
  ctx.app.inject({
    method: 'POST',
    url: `/api/v1/invoices/${orderId}/credit-notes`,
    headers: { ...user.headers, 'idempotency-key': key },
    payload,
  });
const get = (user: TestUser, url: string, accept?: string) =>
  ctx.app.inject({ method: 'GET', url, headers: { ...user.headers, ...(accept ? { accept } : {}) } });

describe('credit notes', () => {
  it('credit part of an invoice with its own number series, the invoice referenced and VAT per rate', async () => {
    const orderId = await deliveredOrder([
      { product_id: p.salmon!, quantity: 3 },
      { product_id: p.beer!, quantity: 2 },
    ]);
    const invoice = (await get(chef, `/api/v1/invoices/${orderId}`)).json();
    on('2027-06-20');
    const res = await credit(seller, orderId, {
      reason: 'Två flaskor trasiga',
      lines: [{ line_no: 2, quantity: 2 }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const note = res.json();
    expect(note).toMatchObject({
      credit_note_number: expect.stringMatching(/^KR-2027-\d{8}$/),
      order_id: orderId,
      invoice_number: invoice.invoice_number,
      invoice_issue_date: invoice.issue_date,
      issue_date: '2027-06-20',
      reason: 'Två flaskor trasiga',
      seller: invoice.seller,
      buyer: invoice.buyer,
      lines: [{ line_no: 1, invoice_line_no: 2, quantity: '2.000', net_cents: 5980, vat_rate_bp: 2500 }],
      vat: [{ vat_rate: '25.00%', vat_rate_bp: 2500, taxable_cents: 5980, tax_cents: 1495 }],
      subtotal_cents: 5980,
      tax_cents: 1495,
      total_cents: 7475,
    });
    // The invoice itself never changes.
    expect((await get(chef, `/api/v1/invoices/${orderId}`)).json()).toEqual(invoice);

    const [event] = await queryRows<{ payload: Record<string, unknown> }>(
      ctx.database.db,
      sql`SELECT payload FROM outbox_events WHERE event_type = 'order.credit_note_issued' AND aggregate_id = ${orderId}`,
    );
    expect(event?.payload).toMatchObject({
      credit_note_id: note.id,
      total_cents: 7475,
      issued_by: seller.id,
    });
    const [audit] = await queryRows<{ details: Record<string, unknown> }>(
      ctx.database.db,
      sql`SELECT details FROM audit_log WHERE action = 'invoice.credit' AND resource_id = ${note.id}`,
    );
    expect(audit?.details).toMatchObject({
      order_id: orderId,
      invoice_number: invoice.invoice_number,
      total_cents: 7475,
    });

    const list = (await get(chef, `/api/v1/invoices/${orderId}/credit-notes`)).json();
    expect(list.pagination.total).toBe(1);
    expect(list.data[0]).toEqual(note);
    expect((await get(chef, `/api/v1/credit-notes/${note.id}`)).json()).toEqual(note);
  });

  it('never credits more than was invoiced: quantities, nets and VAT per rate, in any number of parts', async () => {
    // 7 servetter at 0.33 kr: 2.31 kr, VAT 0.5775 → 0.58 kr. Credited one by one, each part rounds on its own.
    const orderId = await deliveredOrder([{ product_id: p.napkins!, quantity: 7 }]);
    const invoice = (await get(chef, `/api/v1/invoices/${orderId}`)).json();
    const notes: { subtotal_cents: number; tax_cents: number; total_cents: number }[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await credit(seller, orderId, { reason: 'retur', lines: [{ line_no: 1, quantity: 1 }] });
      expect(res.statusCode, res.body).toBe(201);
      notes.push(res.json());
    }
    const sum = (f: keyof (typeof notes)[number]) => notes.reduce((s, n) => s + n[f], 0);
    expect([sum('subtotal_cents'), sum('tax_cents'), sum('total_cents')]).toEqual([
      invoice.subtotal_cents,
      invoice.tax_cents,
      invoice.total_cents,
    ]);
    for (const n of notes) {
      // Each note's VAT is its own taxable × rate within one öre (BR-CO-17's tolerance).
      expect(Math.abs(n.tax_cents - (n.subtotal_cents * 25) / 100)).toBeLessThanOrEqual(1);
    }
    const over = await credit(seller, orderId, { reason: 'igen', lines: [{ line_no: 1, quantity: 0.5 }] });
    expect(over.statusCode).toBe(422);
    expect(over.json()).toMatchObject({
      code: 'CREDIT_EXCEEDS_INVOICE',
      details: [{ path: 'lines.0.quantity', message: 'at most 0.000 is left to credit' }],
    });
    expect((await credit(seller, orderId, { reason: 'allt' })).json().code).toBe('CREDIT_EXCEEDS_INVOICE');
  });

  it('credits everything left when no lines are given, and refuses unknown or repeated lines', async () => {
    const orderId = await deliveredOrder([
      { product_id: p.salmon!, quantity: 2.5 },
      { product_id: p.napkins!, quantity: 10 },
    ]);
    const invoice = (await get(seller, `/api/v1/invoices/${orderId}`)).json();
    const bad = await credit(seller, orderId, {
      reason: 'fel',
      lines: [
        { line_no: 9, quantity: 1 },
        { line_no: 1, quantity: 1 },
        { line_no: 1, quantity: 1 },
      ],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details).toEqual([
      { path: 'lines.0.line_no', message: 'not a line of this invoice' },
      { path: 'lines.2.line_no', message: 'appears on an earlier line' },
    ]);
    expect(
      (await credit(seller, orderId, { reason: 'del', lines: [{ line_no: 1, quantity: 1.25 }] })).statusCode,
    ).toBe(201);
    const rest = (await credit(admin, orderId, { reason: 'resten' })).json();
    expect(
      rest.lines.map((l: { invoice_line_no: number; quantity: string }) => [l.invoice_line_no, l.quantity]),
    ).toEqual([
      [1, '1.250'],
      [2, '10.000'],
    ]);
    const all = (await get(chef, `/api/v1/invoices/${orderId}/credit-notes`)).json().data;
    expect(all.reduce((s: number, n: { total_cents: number }) => s + n.total_cents, 0)).toBe(
      invoice.total_cents,
    );
    expect(all.map((n: { credit_note_number: string }) => n.credit_note_number)).toEqual(
      [...all.map((n: { credit_note_number: string }) => n.credit_note_number)].sort(),
    );
  });

  it('is issued only by the seller or an admin, only for a delivered order, and is read only by the parties', async () => {
    const orderId = await deliveredOrder([{ product_id: p.salmon!, quantity: 1 }]);
    const byChef = await credit(chef, orderId, { reason: 'vill ha pengar' });
    expect(byChef.statusCode).toBe(403);
    expect((await credit(otherSeller, orderId, { reason: 'x' })).statusCode).toBe(404);
    const placed = await placeOrder(ctx.app, chef.headers, {
      restaurant_id: restaurantId,
      supplier_id: supplierId,
      lines: [{ product_id: p.salmon!, quantity: 1 }],
    });
    const notDelivered = await credit(seller, placed.json().id, { reason: 'x' });
    expect(notDelivered.statusCode).toBe(409);
    expect(notDelivered.json().code).toBe('INVOICE_NOT_AVAILABLE');
    const note = (await credit(seller, orderId, { reason: 'ok' })).json();
    expect((await get(otherSeller, `/api/v1/credit-notes/${note.id}`)).json().code).toBe(
      'CREDIT_NOTE_NOT_FOUND',
    );
    expect((await get(otherSeller, `/api/v1/invoices/${orderId}/credit-notes`)).statusCode).toBe(404);
    expect((await get(chef, `/api/v1/credit-notes/${randomUUID()}`)).statusCode).toBe(404);
  });

  it('replays under the same Idempotency-Key, and twenty concurrent full credits issue one note', async () => {
    const orderId = await deliveredOrder([{ product_id: p.beer!, quantity: 4 }]);
    const key = randomUUID();
    const first = await credit(
      seller,
      orderId,
      { reason: 'retur', lines: [{ line_no: 1, quantity: 1 }] },
      key,
    );
    const again = await credit(
      seller,
      orderId,
      { reason: 'retur', lines: [{ line_no: 1, quantity: 1 }] },
      key,
    );
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    const missing = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/invoices/${orderId}/credit-notes`,
      headers: seller.headers,
      payload: { reason: 'x' },
    });
    expect(missing.statusCode).toBe(400);

    const results = await Promise.all(
      Array.from({ length: 20 }, () => credit(seller, orderId, { reason: 'allt' })),
    );
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 422)).toHaveLength(19);
    const [credited] = await queryRows<{ quantity: string }>(
      ctx.database.db,
      sql`SELECT sum(l.quantity)::text AS quantity FROM credit_note_lines l JOIN credit_notes n ON n.id = l.credit_note_id
          WHERE n.order_id = ${orderId}`,
    );
    expect(credited?.quantity).toBe('4.000');
  });
});

describe('Peppol BIS Billing 3.0 output', () => {
  let orderId: string;
  let xml: string;

  beforeAll(async () => {
    orderId = await deliveredOrder([
      { product_id: p.salmon!, quantity: 2.5 },
      { product_id: p.beer!, quantity: 6 },
      { product_id: p.napkins!, quantity: 250 },
    ]);
    const res = await get(chef, `/api/v1/invoices/${orderId}`, 'application/xml');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
    xml = res.body;
  });

  it('answers JSON unless XML is preferred', async () => {
    for (const accept of [undefined, '*/*', 'application/json', 'application/json, application/xml;q=0.5'])
      expect((await get(chef, `/api/v1/invoices/${orderId}`, accept)).headers['content-type']).toMatch(
        /json/,
      );
    for (const accept of [
      'text/xml',
      'application/xml;q=0.9, application/json;q=0.1',
      'application/xml, */*',
    ])
      expect((await get(chef, `/api/v1/invoices/${orderId}`, accept)).headers['content-type']).toMatch(/xml/);
  });

  it('satisfies the EN 16931 and Peppol BIS 3 rules, Swedish ones included', () => {
    expect(checkPeppolRules(xml)).toEqual([]);
    expect(xml).toContain('<cbc:EndpointID schemeID="0007">');
    expect(xml).toContain('Krogen &lt;Lyktan&gt; &amp; Co AB');
  });

  it('reads back through our own intake parser and reconciles to its order with zero discrepancies', async () => {
    const parsed = parseStructuredInvoice(Buffer.from(xml));
    const invoice = (await get(chef, `/api/v1/invoices/${orderId}`)).json();
    expect(checkConsistency(parsed)).toEqual([]);
    expect(parsed).toMatchObject({
      documentType: 'invoice',
      invoiceNumber: invoice.invoice_number,
      issueDate: invoice.issue_date,
      dueDate: invoice.due_date,
      deliveryDate: invoice.supply_date,
      currency: 'SEK',
      orderReference: orderId,
      seller: { name: 'Fisk & Grönt AB', vatNumber: invoice.seller.vat_number },
      buyer: { name: 'Krogen <Lyktan> & Co AB' },
      payableCents: invoice.total_cents,
      vatTotalCents: invoice.tax_cents,
      payment: { bankgiro: '56781230', ocrReference: invoice.payment.ocr_reference },
    });
    expect(parsed.vat).toEqual(
      invoice.vat.map((g: { vat_rate_bp: number; taxable_cents: number; tax_cents: number }) => ({
        category: 'S',
        rateBp: g.vat_rate_bp,
        taxableCents: g.taxable_cents,
        taxCents: g.tax_cents,
      })),
    );
    const order = (await get(chef, `/api/v1/orders/${orderId}`)).json();
    const result = reconcile(
      parsed,
      {
        currency: order.currency,
        deliveryDate: order.delivery_date,
        vatDate: order.vat_date,
        lines: order.lines.map((l: Record<string, never>) => ({
          lineNo: l.line_no,
          sku: l.sku,
          gtin: null,
          name: l.name,
          quantity: l.quantity,
          unitPriceCents: l.unit_price_cents,
          vatCategory: l.vat_category,
          netCents: l.net_cents,
        })),
      },
      0,
    );
    expect(result.discrepancies).toEqual([]);
    expect(result.matches.size).toBe(3);
  });

  it('writes the credit note as a UBL CreditNote that refers to the invoice', async () => {
    const note = (
      await credit(seller, orderId, { reason: 'Fel pris', lines: [{ line_no: 3, quantity: 100 }] })
    ).json();
    const res = await get(chef, `/api/v1/credit-notes/${note.id}`, 'application/xml');
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(checkPeppolRules(res.body)).toEqual([]);
    const parsed = parseStructuredInvoice(Buffer.from(res.body));
    expect(checkConsistency(parsed)).toEqual([]);
    expect(parsed).toMatchObject({
      documentType: 'credit_note',
      invoiceNumber: note.credit_note_number,
      billingReference: note.invoice_number,
      payableCents: note.total_cents,
      lines: [{ sellerItemId: expect.any(String), quantity: '100.000', netCents: 3300, vatRateBp: 2500 }],
    });
  });

  it('follows the element order of the public Peppol examples, whose rules the same checks pass', async () => {
    const dir = sharedDataDir('einvoice/peppol-bis3');
    if (!dir) return;
    const examples = readdirSync(dir)
      .filter((f) => f.endsWith('.xml'))
      .map((f) => ({ file: f, xml: readFileSync(join(dir, f), 'utf8') }));
    expect(examples.length).toBeGreaterThan(5);
    for (const example of examples)
      expect([example.file, checkPeppolRules(example.xml)]).toEqual([example.file, []]);

    const note = (await get(chef, `/api/v1/invoices/${orderId}/credit-notes`)).json().data[0];
    const ours = [xml, (await get(chef, `/api/v1/credit-notes/${note.id}`, 'application/xml')).body];
    // Every pair of our top-level elements appears in the same order wherever an example has both.
    const sequences = examples.map((e) => topLevelSequence(e.xml));
    for (const doc of ours) {
      const sequence = topLevelSequence(doc);
      sequence.forEach((a, i) => {
        for (const b of sequence.slice(i + 1))
          for (const s of sequences)
            if (s.includes(a) && s.includes(b))
              expect([a, b, s.indexOf(a) < s.indexOf(b)]).toEqual([a, b, true]);
      });
    }
  });

  it('fails the rules when an amount is tampered with', () => {
    const tampered = xml.replace(
      /(<cbc:PayableAmount currencyID="SEK">)(\d+)/,
      (_m, open: string, kr: string) => `${open}${Number(kr) + 1}`,
    );
    expect(checkPeppolRules(tampered).map((f) => f.rule)).toContain('BR-CO-16');
  });
});
