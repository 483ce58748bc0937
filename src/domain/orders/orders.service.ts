import { randomUUID } from 'node:crypto';
import type { UserContext } from '../../core/context.js';
import type { Database, Executor, Transaction } from '../../core/db.types.js';
import type { Quota } from '../../core/quota.js';
import type { OrderStatus } from './orders.events.js';
import { type Paginated, toPage } from '../../core/pagination.js';
import { auditEntry, recordAudit } from '../audit/audit.service.js';
import {
  type ClaimCompletion,
  type IdempotencyService,
  type StoredResponse,
  keyedPost,
} from '../idempotency/idempotency.service.js';
import { findRestaurant, findSupplier, memberOrgIds } from '../organisations/organisations.repository.js';
import { insertOutboxEvents } from '../outbox/outbox.repository.js';
import { lockProducts } from '../products/products.repository.js';
import { checkTransition, type OrderAction, STATUS_TIMESTAMP } from './lifecycle.js';
import { partyOf, visibleOrder } from './order-access.js';
import { milliToString, totals } from './money.js';
import * as e from './orders.errors.js';
import { orderToDto, type OrderView } from './orders.mapper.js';
import * as repo from './orders.repository.js';
import type { OrderCreate, OrderDto, OrderListQuery } from './orders.schemas.js';
import { priceLines } from './placement.js';
import { deliverySettlement } from './settlement.js';
import { stockholmDate } from './vat.js';
import { pendingCardPayment, type PaymentSummary } from '../payments/payments.schemas.js';
import type { PaymentMethod } from '../payments/payments.events.js';

/** The payments domain's hooks into orders (card payments); without them, card orders are refused. */
export interface OrderPaymentHooks {
  /** Inside placement's transaction, after the order is written: may refuse (422) and records the payment. */
  cardPlacement(
    tx: Transaction,
    order: { id: string; supplierId: string; currency: string; totalCents: number },
  ): Promise<void>;
  summaries(
    ex: Executor,
    orders: { id: string; paymentMethod: PaymentMethod }[],
  ): Promise<Map<string, PaymentSummary>>;
  /** After placement commits: a card order's answer with its PaymentIntent's client_secret when Stripe answers in time. */
  afterPlacement(body: string): Promise<string>;
}

/** Longest wait for product row locks while placing an order; well under the 90 s idempotency lock. */
const LOCK_WAIT_MS = 5_000;

export interface OrderServiceDeps {
  db: Database;
  idempotency: IdempotencyService;
  /** Called after an order transaction commits, to publish its outbox events promptly. */
  afterCommit?: () => void;
  payments?: OrderPaymentHooks;
  /** The clock every date that decides money is read from (VAT dates, date of supply, due dates). */
  now?: () => Date;
  /** Orders per restaurant per window, shared by every instance; counted once the caller may order for it. */
  placementLimit?: Quota;
}

/**
 * Orders (spec §4, §6): placement under an Idempotency-Key with stock taken under row locks in a fixed order,
 * prices and VAT from the database and the calendar, the lifecycle transition table, and derived documents.
 */
export function createOrderService(deps: OrderServiceDeps) {
  const { db, idempotency } = deps;
  const now = deps.now ?? (() => new Date());
  const published = () => deps.afterCommit?.();
  const paymentsOf = async (ex: Executor, rows: { id: string; paymentMethod: PaymentMethod }[]) =>
    (await deps.payments?.summaries(ex, rows)) ?? new Map<string, PaymentSummary>();

  /**
   * The whole placement in the caller's transaction, in two statements (docs/benchmarks.md: round trips bound
   * throughput): one reads and locks, then the rules and the pricing run here, then one writes the order, its
   * lines, stock, history, outbox event, audit row and the stored answer. Returns the answer's body.
   */
  async function placeInTransaction(
    tx: Transaction,
    ctx: UserContext,
    input: OrderCreate,
    completion: ClaimCompletion,
  ): Promise<string> {
    const context = await repo.lockForPlacement(tx, {
      restaurantId: input.restaurant_id,
      supplierId: input.supplier_id,
      accountId: ctx.principal.accountId,
      productIds: input.lines.map((l) => l.product_id),
      lockWaitMs: LOCK_WAIT_MS,
    });
    if (!context.restaurantLive || !(context.member || ctx.principal.role === 'ADMIN')) {
      throw e.restaurantNotFound(input.restaurant_id);
    }
    // After the membership check, so no outsider can spend a restaurant's budget; a replay never reaches here.
    const budget = await deps.placementLimit?.take(input.restaurant_id);
    if (budget && !budget.allowed) throw e.placementRateLimited(budget);
    const currency = context.supplierCurrency;
    if (!currency) throw e.supplierNotFound(input.supplier_id);

    const vatDate = input.delivery_date ?? stockholmDate(now());
    const priced = priceLines(input.lines, context.products, input.supplier_id, currency, vatDate);
    const sums = totals(priced.map((p) => ({ netCents: p.net, vatRateBp: p.rate })));

    const order = {
      id: randomUUID(),
      restaurantId: input.restaurant_id,
      supplierId: input.supplier_id,
      status: 'placed' as const,
      currency,
      ...sums,
      deliveryDate: input.delivery_date ?? null,
      vatDate,
      note: input.note ?? null,
      paymentMethod: input.payment_method ?? 'invoice',
      placedBy: ctx.principal.accountId,
    };
    const lines = priced.map((p, index) => ({
      lineNo: index + 1,
      productId: p.product.id,
      sku: p.product.sku,
      name: p.product.name,
      unit: p.product.unit,
      quantity: milliToString(p.milli),
      unitPriceCents: p.product.priceCents,
      vatCategory: p.product.vatCategory,
      vatRateBp: p.rate,
      netCents: p.net,
      stockTaken: p.product.stockQuantity !== null,
    }));
    // placed_at defaults to the transaction's time stamp, which lockForPlacement read.
    const placed: OrderView = {
      ...order,
      placedAt: context.now,
      confirmedAt: null,
      dispatchedAt: null,
      deliveredAt: null,
      invoicedAt: null,
      cancelledAt: null,
      cancelReason: null,
      supplyDate: null,
      paymentTermsDays: null,
      dueDate: null,
      seller: null,
      buyer: null,
    };
    const card = order.paymentMethod === 'card';
    if (card && !deps.payments) throw e.cardPaymentsOff();
    const body = JSON.stringify(
      orderToDto(placed, lines, card ? pendingCardPayment(order.totalCents) : null),
    );
    const written = await repo.recordPlacement(tx, {
      order,
      lines,
      stock: lines
        .filter((l) => l.stockTaken)
        .map((l) => ({ productId: l.productId, delta: `-${l.quantity}` })),
      history: {
        orderId: order.id,
        fromStatus: null,
        toStatus: 'placed',
        actorAccountId: ctx.principal.accountId,
      },
      event: {
        type: 'order.placed',
        aggregateType: 'order',
        aggregateId: order.id,
        payload: {
          order_id: order.id,
          restaurant_id: order.restaurantId,
          supplier_id: order.supplierId,
          placed_by: ctx.principal.accountId,
          total_cents: order.totalCents,
          currency: order.currency,
        },
      },
      audit: auditEntry(ctx, {
        action: 'order.place',
        resourceType: 'order',
        resourceId: order.id,
        details: { lines: lines.length, total_cents: order.totalCents },
      }),
      completion: completion.write(tx, 201, body),
    });
    completion.confirm(written.completed);
    if (card) await deps.payments?.cardPlacement(tx, order);
    return body;
  }

  return {
    /** POST /orders under an Idempotency-Key; returns the (possibly replayed) stored response. */
    async place(
      ctx: UserContext,
      rawKey: string | string[] | undefined,
      path: string,
      input: OrderCreate,
    ): Promise<StoredResponse> {
      const request = keyedPost(ctx, rawKey, path, input);
      const seen = new Map<string, number>();
      input.lines.forEach((l, i) => {
        if (seen.has(l.product_id)) throw e.duplicateProduct(i);
        seen.set(l.product_id, i);
      });
      if (input.delivery_date && input.delivery_date < stockholmDate(now())) throw e.deliveryInPast();

      const response = await idempotency.run(request, async (completion) => {
        const body = await db.transaction((tx) => placeInTransaction(tx, ctx, input, completion));
        return { status: 201, body, replayed: false };
      });
      if (response.replayed || response.status !== 201) return response;
      const body = deps.payments ? await deps.payments.afterPlacement(response.body) : response.body;
      published();
      return { ...response, body };
    },

    async transition(
      ctx: UserContext,
      id: string,
      action: OrderAction,
      reason: string | undefined,
    ): Promise<OrderDto> {
      const at = now();
      const result = await db.transaction(async (tx) => {
        const order = await repo.lockOrder(tx, id);
        if (!order) throw e.orderNotFound(id);
        const party = await partyOf(tx, ctx, order);
        const check = checkTransition(action, order.status, party);
        if (!check.ok)
          throw check.reason === 'invalid'
            ? e.invalidTransition(action, order.status)
            : e.transitionForbidden(action);
        if (action === 'cancel' && party === 'supplier' && !reason) throw e.reasonRequired();
        const from: OrderStatus = order.status;
        const lines = await repo.linesOf(tx, id);
        let values: repo.StatusChangeValues =
          check.to === 'cancelled' ? { cancelReason: reason ?? null } : {};
        if (check.to === 'delivered') {
          const [supplier, restaurant] = await Promise.all([
            findSupplier(tx, order.supplierId),
            findRestaurant(tx, order.restaurantId),
          ]);
          if (!supplier || !restaurant) throw new Error(`order ${id} refers to a missing party`);
          const settled = deliverySettlement(lines, stockholmDate(at), supplier, restaurant);
          await repo.settleLineRates(tx, id, settled.rates);
          const rateOf = new Map(settled.rates.map((r) => [r.lineNo, r.vatRateBp]));
          lines.forEach((l) => (l.vatRateBp = rateOf.get(l.lineNo) ?? l.vatRateBp));
          values = settled.values;
        }
        const updated = await repo.updateStatus(tx, {
          id,
          from,
          to: check.to,
          stamp: STATUS_TIMESTAMP[check.to],
          at,
          values,
        });
        if (!updated) throw e.invalidTransition(action, from);
        if (check.to === 'cancelled') {
          // Only what placement took goes back; product rows are locked in the id order placement uses.
          const taken = lines.filter((l) => l.stockTaken);
          await lockProducts(
            tx,
            taken.map((l) => l.productId),
          );
          await repo.adjustStock(
            tx,
            taken.map((l) => ({ productId: l.productId, delta: l.quantity })),
          );
        }
        await repo.insertHistory(tx, {
          orderId: id,
          fromStatus: from,
          toStatus: check.to,
          actorAccountId: ctx.principal.accountId,
          reason: reason ?? null,
        });
        await insertOutboxEvents(tx, [
          {
            type: 'order.status_changed',
            aggregateType: 'order',
            aggregateId: id,
            payload: {
              order_id: id,
              restaurant_id: order.restaurantId,
              supplier_id: order.supplierId,
              from,
              to: check.to,
              changed_by: ctx.principal.accountId,
            },
          },
        ]);
        await recordAudit(tx, ctx, {
          action: `order.${action}`,
          resourceType: 'order',
          resourceId: id,
          details: {
            from,
            to: check.to,
            ...(reason ? { reason } : {}),
            ...(check.to === 'delivered'
              ? { quoted_tax_cents: order.taxCents, settled_tax_cents: updated.taxCents }
              : {}),
          },
        });
        return orderToDto(updated, lines, (await paymentsOf(tx, [updated])).get(id) ?? null);
      });
      published();
      return result;
    },

    async get(ctx: UserContext, id: string): Promise<OrderDto> {
      const order = await visibleOrder(db, ctx, id);
      return orderToDto(order, await repo.linesOf(db, id), (await paymentsOf(db, [order])).get(id) ?? null);
    },

    async list(ctx: UserContext, query: OrderListQuery): Promise<Paginated<OrderDto>> {
      const role = ctx.principal.role;
      const scope =
        role === 'ADMIN'
          ? undefined
          : {
              restaurantIds:
                role === 'RESTAURANT' ? await memberOrgIds(db, 'restaurant', ctx.principal.accountId) : [],
              supplierIds:
                role === 'SUPPLIER' ? await memberOrgIds(db, 'supplier', ctx.principal.accountId) : [],
            };
      const sort = (query.sort ?? '-placed_at').split(',').map((s) => ({
        field: s.replace(/^-/, '') as repo.OrderSort['field'],
        descending: s.startsWith('-'),
      }));
      const page = { limit: query.limit, offset: query.offset };
      const { rows, total } = await repo.listOrders(
        db,
        {
          status: query.status,
          restaurantId: query.restaurant_id,
          supplierId: query.supplier_id,
          from: query.from ? new Date(query.from) : undefined,
          to: query.to ? new Date(query.to) : undefined,
          scope,
        },
        sort,
        page,
      );
      const lines = await repo.linesOfMany(
        db,
        rows.map((r) => r.id),
      );
      const payments = await paymentsOf(db, rows);
      return toPage(
        rows.map((r) =>
          orderToDto(
            r,
            lines.filter((l) => l.orderId === r.id),
            payments.get(r.id) ?? null,
          ),
        ),
        page,
        total,
      );
    },

    purgeIdempotencyKeys: () => idempotency.purgeExpired(),
  };
}

export type OrderService = ReturnType<typeof createOrderService>;
