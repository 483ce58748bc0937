import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/rows.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';
import { createProduct, placeOrder } from '../helpers/orders.js';

/** Our sales invoice: VAT settled at the tax point (delivery), and values frozen so an issued invoice never changes. */

let ctx: TestContext;
let chef: TestUser;
let seller: TestUser;
let admin: TestUser;
let restaurantId: string;
let supplierId: string;
const p: Record<string, string> = {};
// A clock the tests move: placement on one day, delivery on another.
let instant = new Date('2027-12-30T10:00:00Z');
const clock = () => instant;
const on = (day: string) => (instant = new Date(`${day}T10:00:00Z`));

beforeAll(async () => {
  ctx = await createTestContext({}, undefined, { clock });
  const db = ctx.database.db;
  chef = await createUser(db, ctx.config, 'RESTAURANT');
  seller = await createUser(db, ctx.config, 'SUPPLIER');
  admin = await createUser(db, ctx.config, 'ADMIN');
  restaurantId = await createOrg(db, 'restaurant', 'Krogen Lyktan AB', [{ user: chef, role: 'owner' }]);
  supplierId = await createOrg(db, 'supplier', 'Fisk & Grönt AB', [{ user: seller, role: 'owner' }]);
  p.food = await createProduct(db, supplierId, { priceCents: 1613, vatCategory: 'food', name: 'Laxfilé' });
  p.beer = await createProduct(db, supplierId, { priceCents: 2990, vatCategory: 'alcohol', name: 'Lager' });
  p.napkins = await createProduct(db, supplierId, { priceCents: 4900, vatCategory: 'standard' });
  const patch = await ctx.app.inject({
    method: 'PATCH',
    url: `/api/v1/suppliers/${supplierId}`,
    headers: admin.headers,
    payload: {
      address_line: 'Partihallsvägen 1',
      postal_code: '121 62',
      city: 'Johanneshov',
      bankgiro: '5678-1230',
      payment_terms_days: 20,
    },
  });
  expect(patch.statusCode).toBe(200);
});
afterAll(() => ctx.close());

const act = (user: TestUser, id: string, action: string) =>
  ctx.app.inject({
    method: 'POST',
    url: `/api/v1/orders/${id}/${action}`,
    headers: user.headers,
    payload: {},
  });
const invoiceOf = (user: TestUser, id: string) =>
  ctx.app.inject({ method: 'GET', url: `/api/v1/invoices/${id}`, headers: user.headers });

async function place(lines: { product_id: string; quantity: number }[], extra: Record<string, unknown> = {}) {
  const res = await placeOrder(ctx.app, chef.headers, {
    restaurant_id: restaurantId,
    supplier_id: supplierId,
    lines,
    ...extra,
  });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string; tax_cents: number; vat_date: string }>();
}

async function deliverOn(id: string, date: string) {
  for (const action of ['confirm', 'dispatch']) expect((await act(seller, id, action)).statusCode).toBe(200);
  on(date);
  const delivered = await act(chef, id, 'deliver');
  expect(delivered.statusCode).toBe(200);
  return delivered.json();
}

describe('the tax point', () => {
  it('quotes 6 % on 2027-12-30 and settles 12 % for a delivery on 2028-01-03', async () => {
    on('2027-12-30');
    const order = await place([{ product_id: p.food!, quantity: 10 }]);
    expect(order).toMatchObject({ vat_date: '2027-12-30', tax_cents: 968 });
    const delivered = await deliverOn(order.id, '2028-01-03');
    expect(delivered).toMatchObject({
      vat_date: '2028-01-03',
      supply_date: '2028-01-03',
      subtotal_cents: 16130,
      tax_cents: 1936,
      total_cents: 18066,
      due_date: '2028-01-23',
    });
    expect(delivered.lines[0].vat_rate).toBe('12.00%');
    const invoice = (await invoiceOf(chef, order.id)).json();
    expect(invoice).toMatchObject({
      issue_date: '2028-01-03',
      supply_date: '2028-01-03',
      invoice_number: expect.stringMatching(/^IR-2028-\d{8}$/),
      tax_cents: 1936,
      total_cents: 18066,
    });
    expect(invoice.lines[0]).toMatchObject({ vat_rate: '12.00%', vat_rate_bp: 1200, net_cents: 16130 });
  });

  it('settles 6 % for an order placed before 2026-04-01 at 12 % and delivered after it', async () => {
    on('2026-03-30');
    const order = await place([{ product_id: p.food!, quantity: 1 }], { delivery_date: '2026-03-31' });
    expect(order.tax_cents).toBe(194);
    const delivered = await deliverOn(order.id, '2026-04-01');
    expect(delivered).toMatchObject({ supply_date: '2026-04-01', tax_cents: 97 });
  });

  it('takes the date of supply on the Stockholm calendar', async () => {
    on('2027-12-30');
    const order = await place([{ product_id: p.food!, quantity: 1 }]);
    for (const action of ['confirm', 'dispatch']) await act(seller, order.id, action);
    // 23:30 UTC on 31 December is 00:30 on 1 January in Stockholm.
    instant = new Date('2027-12-31T23:30:00Z');
    const delivered = (await act(chef, order.id, 'deliver')).json();
    expect(delivered).toMatchObject({ supply_date: '2028-01-01', tax_cents: 194 });
  });
});

describe('an issued invoice', () => {
  it('shows the full Swedish invoice content, VAT per rate highest first, rounded once per rate', async () => {
    on('2027-06-15');
    const order = await place([
      { product_id: p.food!, quantity: 3 },
      { product_id: p.napkins!, quantity: 1 },
      { product_id: p.beer!, quantity: 2 },
    ]);
    await deliverOn(order.id, '2027-06-16');
    const res = await invoiceOf(seller, order.id);
    expect(res.statusCode).toBe(200);
    const invoice = res.json();
    expect(invoice).toMatchObject({
      issue_date: '2027-06-16',
      supply_date: '2027-06-16',
      payment_terms_days: 20,
      due_date: '2027-07-06',
      currency: 'SEK',
      seller: {
        legal_name: 'Fisk & Grönt AB',
        org_number: expect.stringMatching(/^\d{10}$/),
        vat_number: expect.stringMatching(/^SE\d{10}01$/),
        address: { line: 'Partihallsvägen 1', postal_code: '121 62', city: 'Johanneshov', country: 'SE' },
      },
      buyer: { legal_name: 'Krogen Lyktan AB', vat_number: null },
      payment: { bankgiro: '56781230', ocr_reference: expect.stringMatching(/^\d{10}$/) },
    });
    expect(invoice.seller.vat_number).toBe(`SE${invoice.seller.org_number}01`);
    expect(
      invoice.lines.map((l: { description: string; quantity: string }) => [l.description, l.quantity]),
    ).toEqual([
      ['Laxfilé', '3.000'],
      [expect.any(String), '1.000'],
      ['Lager', '2.000'],
    ]);
    // 25 %: 49.00 + 59.80 = 108.80 kr → 27.20 kr; 6 %: 48.39 kr → 2.9034 → 2.90 kr.
    expect(invoice.vat).toEqual([
      { vat_rate: '25.00%', vat_rate_bp: 2500, taxable_cents: 10880, tax_cents: 2720 },
      { vat_rate: '6.00%', vat_rate_bp: 600, taxable_cents: 4839, tax_cents: 290 },
    ]);
    expect(invoice).toMatchObject({ subtotal_cents: 15719, tax_cents: 3010, total_cents: 18729 });
  });

  it('never changes when the parties edit or delete themselves, and both can still read it', async () => {
    on('2027-06-15');
    const order = await place([{ product_id: p.food!, quantity: 1 }]);
    await deliverOn(order.id, '2027-06-15');
    const before = (await invoiceOf(chef, order.id)).json();
    expect(
      (
        await ctx.app.inject({
          method: 'PATCH',
          url: `/api/v1/suppliers/${supplierId}`,
          headers: admin.headers,
          payload: { legal_name: 'Nytt Namn AB', payment_terms_days: 60, bankgiro: null, city: 'Malmö' },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await ctx.app.inject({
          method: 'PATCH',
          url: `/api/v1/restaurants/${restaurantId}`,
          headers: admin.headers,
          payload: { legal_name: 'Annat Namn AB' },
        })
      ).statusCode,
    ).toBe(200);
    await queryRows(
      ctx.database.db,
      sql`UPDATE restaurants SET deleted_at = now() WHERE id = ${restaurantId}`,
    );
    await queryRows(ctx.database.db, sql`UPDATE suppliers SET deleted_at = now() WHERE id = ${supplierId}`);
    try {
      on('2027-09-01');
      const buyerView = await invoiceOf(chef, order.id);
      expect(buyerView.statusCode).toBe(200);
      expect(buyerView.json()).toEqual(before);
      const sellerView = await invoiceOf(seller, order.id);
      expect(sellerView.json()).toEqual(before);
      expect(before).toMatchObject({
        seller: { legal_name: 'Fisk & Grönt AB' },
        buyer: { legal_name: 'Krogen Lyktan AB' },
        payment_terms_days: 20,
        due_date: '2027-07-05',
        payment: { bankgiro: '56781230' },
      });
      const receipt = await ctx.app.inject({
        method: 'GET',
        url: `/api/v1/orders/${order.id}/receipt`,
        headers: chef.headers,
      });
      expect(receipt.json()).toMatchObject({ restaurant: 'Krogen Lyktan AB', supplier: 'Fisk & Grönt AB' });
    } finally {
      await queryRows(
        ctx.database.db,
        sql`UPDATE restaurants SET deleted_at = NULL, legal_name = 'Krogen Lyktan AB' WHERE id = ${restaurantId}`,
      );
      await queryRows(
        ctx.database.db,
        sql`UPDATE suppliers SET deleted_at = NULL, legal_name = 'Fisk & Grönt AB', payment_terms_days = 20, bankgiro = '56781230', city = 'Johanneshov' WHERE id = ${supplierId}`,
      );
    }
  });

  it('is refused before delivery and for an order that was cancelled', async () => {
    on('2027-06-15');
    const order = await place([{ product_id: p.food!, quantity: 1 }]);
    expect((await invoiceOf(chef, order.id)).json().code).toBe('INVOICE_NOT_AVAILABLE');
    await act(chef, order.id, 'cancel');
    expect((await invoiceOf(chef, order.id)).statusCode).toBe(409);
  });
});
