import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderStatus } from '../../src/domain/orders/orders.events.js';
import { queryRows } from '../../src/db/rows.js';
import { luhnValid } from '../../src/domain/organisations/org-number.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';
import { createProduct, placeOrder } from '../helpers/orders.js';

let ctx: TestContext;
let chef: TestUser;
let seller: TestUser;
let admin: TestUser;
let outsider: TestUser;
let restaurantId: string;
let supplierId: string;
let productId: string;

beforeAll(async () => {
  ctx = await createTestContext();
  const db = ctx.database.db;
  chef = await createUser(db, ctx.config, 'RESTAURANT');
  seller = await createUser(db, ctx.config, 'SUPPLIER');
  admin = await createUser(db, ctx.config, 'ADMIN');
  outsider = await createUser(db, ctx.config, 'SUPPLIER');
  restaurantId = await createOrg(db, 'restaurant', 'Krogen Lyktan AB', [{ user: chef, role: 'owner' }]);
  supplierId = await createOrg(db, 'supplier', 'Fisk & Grönt AB', [{ user: seller, role: 'staff' }]);
  await createOrg(db, 'supplier', 'Konkurrent AB', [{ user: outsider, role: 'owner' }]);
  productId = await createProduct(db, supplierId, {
    priceCents: 4990,
    vatCategory: 'food',
    stockQuantity: '1000.000',
  });
});
afterAll(() => ctx.close());

const PATH: OrderStatus[] = ['placed', 'confirmed', 'dispatched', 'delivered', 'invoiced'];
const STEP: Record<string, string> = {
  confirmed: 'confirm',
  dispatched: 'dispatch',
  delivered: 'deliver',
  invoiced: 'invoice',
  cancelled: 'cancel',
};

const act = (user: TestUser, id: string, action: string, payload: object = {}) =>
  ctx.app.inject({ method: 'POST', url: `/api/v1/orders/${id}/${action}`, headers: user.headers, payload });

/** A fresh order driven (by an admin) to `status`. */
async function orderIn(status: OrderStatus): Promise<string> {
  const placed = await placeOrder(ctx.app, chef.headers, {
    restaurant_id: restaurantId,
    supplier_id: supplierId,
    lines: [{ product_id: productId, quantity: 1 }],
  });
  const id = placed.json().id as string;
  if (status === 'cancelled') {
    expect((await act(admin, id, 'cancel')).statusCode).toBe(200);
    return id;
  }
  for (const next of PATH.slice(1, PATH.indexOf(status) + 1))
    expect((await act(admin, id, STEP[next]!)).statusCode).toBe(200);
  return id;
}

/**
 * The expected table, written out independently of src/domain/orders/lifecycle.ts:
 * each (status, action) that is a valid move, and the parties allowed to make it.
 */
const ALLOWED: Record<string, string[]> = {
  'placed:confirm': ['supplier', 'admin'],
  'confirmed:dispatch': ['supplier', 'admin'],
  'dispatched:deliver': ['supplier', 'restaurant', 'admin'],
  'delivered:invoice': ['supplier', 'admin'],
  'placed:cancel': ['restaurant', 'supplier', 'admin'],
  'confirmed:cancel': ['supplier', 'admin'],
};
const STATUSES: OrderStatus[] = ['placed', 'confirmed', 'dispatched', 'delivered', 'invoiced', 'cancelled'];
const ACTIONS = ['confirm', 'dispatch', 'deliver', 'invoice', 'cancel'];
const PARTIES = ['restaurant', 'supplier', 'admin'] as const;
const cells = STATUSES.flatMap((status) =>
  ACTIONS.flatMap((action) => PARTIES.map((party) => [status, action, party] as const)),
);

describe('transition table: every cell', () => {
  it.each(cells)('%s → %s by %s', async (status, action, party) => {
    const id = await orderIn(status);
    const user = { restaurant: chef, supplier: seller, admin }[party];
    const res = await act(user, id, action, action === 'cancel' ? { reason: 'Slut i lager' } : {});
    const parties = ALLOWED[`${status}:${action}`];
    if (!parties) {
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('INVALID_ORDER_TRANSITION');
    } else if (!parties.includes(party)) {
      expect(res.statusCode).toBe(403);
    } else {
      expect(res.statusCode).toBe(200);
      expect(res.json().status).toBe(
        action === 'cancel'
          ? 'cancelled'
          : { confirm: 'confirmed', dispatch: 'dispatched', deliver: 'delivered', invoice: 'invoiced' }[
              action
            ],
      );
    }
  });
});

describe('lifecycle rules', () => {
  it('needs a reason when the supplier cancels, records it, and audits every change', async () => {
    const id = await orderIn('confirmed');
    expect((await act(seller, id, 'cancel')).statusCode).toBe(400);
    const res = await act(seller, id, 'cancel', { reason: 'Leverantören saknar varan' });
    expect(res.json()).toMatchObject({ status: 'cancelled', cancel_reason: 'Leverantören saknar varan' });
    const audit = await queryRows<{ action: string }>(
      ctx.database.db,
      sql`SELECT action FROM audit_log WHERE resource_id = ${id} ORDER BY created_at`,
    );
    expect(audit.map((a) => a.action)).toEqual(['order.place', 'order.confirm', 'order.cancel']);
    const events = await queryRows<{ event_type: string; payload: { from: string; to: string } }>(
      ctx.database.db,
      sql`SELECT event_type, payload FROM outbox_events WHERE aggregate_id = ${id} ORDER BY created_at`,
    );
    expect(events.map((e) => [e.event_type, 'to' in e.payload ? e.payload.to : null])).toEqual([
      ['order.placed', null],
      ['order.status_changed', 'confirmed'],
      ['order.status_changed', 'cancelled'],
    ]);
  });

  it('hides the order from other tenants with a 404', async () => {
    const id = await orderIn('placed');
    expect((await act(outsider, id, 'confirm')).statusCode).toBe(404);
    expect(
      (await ctx.app.inject({ method: 'GET', url: `/api/v1/orders/${id}`, headers: outsider.headers }))
        .statusCode,
    ).toBe(404);
    expect(
      (
        await ctx.app.inject({
          method: 'GET',
          url: `/api/v1/orders/${id}/receipt`,
          headers: outsider.headers,
        })
      ).statusCode,
    ).toBe(404);
  });
});

describe('derived documents', () => {
  it('gives a receipt with Stockholm times', async () => {
    const id = await orderIn('confirmed');
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/orders/${id}/receipt`,
      headers: chef.headers,
    });
    expect(res.statusCode).toBe(200);
    const receipt = res.json();
    expect(receipt).toMatchObject({
      restaurant: 'Krogen Lyktan AB',
      supplier: 'Fisk & Grönt AB',
      times_zone: 'Europe/Stockholm',
      status: 'confirmed',
    });
    expect(receipt.placed_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[12]:00$/);
    expect(receipt.status_history.map((h: { status: string }) => h.status)).toEqual(['placed', 'confirmed']);
    expect(receipt.total_cents).toBe(Number(receipt.subtotal_cents) + Number(receipt.tax_cents));
  });

  it('refuses the invoice before delivery (409), then derives it deterministically', async () => {
    const id = await orderIn('dispatched');
    const early = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/invoices/${id}`,
      headers: chef.headers,
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('INVOICE_NOT_AVAILABLE');
    await act(chef, id, 'deliver');
    const invoice = (
      await ctx.app.inject({ method: 'GET', url: `/api/v1/invoices/${id}`, headers: seller.headers })
    ).json();
    expect(invoice.seller).toMatchObject({
      legal_name: 'Fisk & Grönt AB',
      org_number: expect.stringMatching(/^\d{10}$/),
    });
    expect(invoice.buyer.legal_name).toBe('Krogen Lyktan AB');
    expect(invoice.payment_terms_days).toBe(30);
    const due = new Date(`${invoice.issue_date}T00:00:00Z`);
    due.setUTCDate(due.getUTCDate() + 30);
    expect(invoice.due_date).toBe(due.toISOString().slice(0, 10));
    expect(invoice.vat).toEqual([{ vat_rate: '6.00%', net_cents: 4990, tax_cents: 299 }]);
    expect(invoice).toMatchObject({
      subtotal_cents: 4990,
      tax_cents: 299,
      total_cents: 5289,
      currency: 'SEK',
    });
    expect(luhnValid(invoice.ocr_reference)).toBe(true);
    expect(invoice.invoice_number).toMatch(/^IR-\d{4}-\d{8}$/);
    const other = await orderIn('delivered');
    const otherInvoice = (
      await ctx.app.inject({ method: 'GET', url: `/api/v1/invoices/${other}`, headers: chef.headers })
    ).json();
    expect(otherInvoice.invoice_number).not.toBe(invoice.invoice_number);
    expect(otherInvoice.ocr_reference).not.toBe(invoice.ocr_reference);
    const again = (
      await ctx.app.inject({ method: 'GET', url: `/api/v1/invoices/${id}`, headers: chef.headers })
    ).json();
    expect(again).toEqual(invoice);
    const stored = await queryRows(
      ctx.database.db,
      sql`SELECT table_name FROM information_schema.tables WHERE table_name IN ('invoices', 'receipts')`,
    );
    expect(stored).toEqual([]);
  });
});

describe('GET /orders', () => {
  it('scopes lists to the caller and filters', async () => {
    const mine = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/orders?status=placed&limit=5',
      headers: chef.headers,
    });
    expect(mine.statusCode).toBe(200);
    expect(
      mine
        .json()
        .data.every(
          (o: { restaurant_id: string; status: string }) =>
            o.restaurant_id === restaurantId && o.status === 'placed',
        ),
    ).toBe(true);
    const theirs = await ctx.app.inject({ method: 'GET', url: '/api/v1/orders', headers: outsider.headers });
    expect(theirs.json().pagination.total).toBe(0);
    const sellerView = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/orders?sort=-total_cents',
      headers: seller.headers,
    });
    expect(sellerView.json().pagination.total).toBeGreaterThan(0);
    const all = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/orders?supplier_id=${supplierId}&from=2020-01-01T00:00:00Z`,
      headers: admin.headers,
    });
    expect(all.json().pagination.total).toBe(sellerView.json().pagination.total);
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/api/v1/orders?sort=price', headers: admin.headers }))
        .statusCode,
    ).toBe(400);
  });
});
