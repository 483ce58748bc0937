import type { RestaurantRow, SupplierRow } from '../organisations/organisations.models.js';
import { totals } from './money.js';
import type { InvoiceParty, InvoiceSeller, OrderLineRow } from './orders.models.js';
import { addDays, vatRateBp } from './vat.js';

/**
 * The tax point (Mervärdesskattelagen: VAT on goods falls due on delivery). The amounts priced at placement are
 * a quote at the rates of the requested delivery date; at `deliver` every line's rate is settled for the date
 * of supply and the VAT recomputed per rate group. The invoice shows only settled values.
 */
export function settleVat(
  lines: Pick<OrderLineRow, 'lineNo' | 'vatCategory' | 'netCents'>[],
  supplyDate: string,
) {
  const rates = lines.map((l) => ({ lineNo: l.lineNo, vatRateBp: vatRateBp(l.vatCategory, supplyDate) }));
  const sums = totals(lines.map((l, i) => ({ netCents: l.netCents, vatRateBp: rates[i]?.vatRateBp ?? 0 })));
  return { rates, ...sums };
}

const addressOf = (o: SupplierRow | RestaurantRow): InvoiceParty['address'] => ({
  line: o.addressLine,
  postalCode: o.postalCode,
  city: o.city,
  country: o.country,
});

/** The seller as the invoice will show it forever, however the supplier's row changes later. */
export function freezeSeller(s: SupplierRow): InvoiceSeller {
  return {
    legalName: s.legalName,
    orgNumber: s.orgNumber,
    vatNumber: s.vatNumber,
    address: addressOf(s),
    bankgiro: s.bankgiro,
  };
}

export function freezeBuyer(r: RestaurantRow): InvoiceParty {
  return { legalName: r.legalName, orgNumber: r.orgNumber, vatNumber: r.vatNumber, address: addressOf(r) };
}

/** Everything `deliver` writes on the order: the settled VAT, the date of supply, the terms and the parties. */
export function deliverySettlement(
  lines: Pick<OrderLineRow, 'lineNo' | 'vatCategory' | 'netCents'>[],
  supplyDate: string,
  supplier: SupplierRow,
  restaurant: RestaurantRow,
) {
  const vat = settleVat(lines, supplyDate);
  return {
    rates: vat.rates,
    values: {
      taxCents: vat.taxCents,
      totalCents: vat.totalCents,
      vatDate: supplyDate,
      supplyDate,
      paymentTermsDays: supplier.paymentTermsDays,
      dueDate: addDays(supplyDate, supplier.paymentTermsDays),
      seller: freezeSeller(supplier),
      buyer: freezeBuyer(restaurant),
    },
  };
}
