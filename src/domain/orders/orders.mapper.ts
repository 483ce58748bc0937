import type { OrderLineRow, OrderRow } from './orders.models.js';
import type { OrderDto } from './orders.schemas.js';
import type { PaymentSummary } from '../payments/payments.schemas.js';
import { formatRate } from './documents.js';

/** What the API shows of an order: everything but the bookkeeping columns. */
export type OrderView = Omit<OrderRow, 'serial' | 'createdAt' | 'updatedAt' | 'deletedAt'>;
export type OrderLineView = Omit<OrderLineRow, 'id' | 'orderId' | 'createdAt' | 'updatedAt' | 'deletedAt'>;

/** The API shape of an order and its lines. */
export function orderToDto(
  order: OrderView,
  lines: OrderLineView[],
  payment: PaymentSummary | null = null,
): OrderDto {
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    id: order.id,
    restaurant_id: order.restaurantId,
    supplier_id: order.supplierId,
    status: order.status,
    currency: order.currency,
    subtotal_cents: order.subtotalCents,
    tax_cents: order.taxCents,
    total_cents: order.totalCents,
    delivery_date: order.deliveryDate,
    vat_date: order.vatDate,
    supply_date: order.supplyDate,
    due_date: order.dueDate,
    note: order.note,
    placed_by: order.placedBy,
    placed_at: order.placedAt.toISOString(),
    confirmed_at: iso(order.confirmedAt),
    dispatched_at: iso(order.dispatchedAt),
    delivered_at: iso(order.deliveredAt),
    invoiced_at: iso(order.invoicedAt),
    cancelled_at: iso(order.cancelledAt),
    cancel_reason: order.cancelReason,
    payment_method: order.paymentMethod,
    payment,
    lines: lines.map((l) => ({
      line_no: l.lineNo,
      product_id: l.productId,
      sku: l.sku,
      name: l.name,
      unit: l.unit,
      quantity: l.quantity,
      unit_price_cents: l.unitPriceCents,
      vat_category: l.vatCategory,
      vat_rate: formatRate(l.vatRateBp),
      net_cents: l.netCents,
    })),
  };
}
