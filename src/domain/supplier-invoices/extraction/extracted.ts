/** What every extractor produces: one normalised invoice, money in öre, quantities as decimal strings. */

export const EXTRACTION_SOURCES = ['xml', 'pdf-xml', 'pdf-text', 'ocr'] as const;
export type ExtractionSource = (typeof EXTRACTION_SOURCES)[number];

export interface ExtractedParty {
  name: string | null;
  /** Swedish organisationsnummer (NNNNNN-NNNN) when one is given or derivable from a SE VAT number. */
  orgNumber: string | null;
  vatNumber: string | null;
}

export interface ExtractedLine {
  lineNo: number;
  sellerItemId: string | null;
  gtin: string | null;
  description: string;
  /** Decimal string as invoiced, e.g. "2.500"; negative on corrections. */
  quantity: string;
  unitCode: string | null;
  /** Net price per unit in öre after price discounts, rounded half-up to whole öre. */
  unitPriceCents: number;
  allowanceCents: number;
  netCents: number;
  vatCategory: string | null;
  vatRateBp: number | null;
}

export interface VatGroup {
  category: string;
  rateBp: number;
  taxableCents: number;
  taxCents: number;
}

export interface ExtractedInvoice {
  documentType: 'invoice' | 'credit_note';
  invoiceNumber: string | null;
  issueDate: string | null;
  dueDate: string | null;
  deliveryDate: string | null;
  currency: string | null;
  orderReference: string | null;
  buyerReference: string | null;
  /** The invoice a credit note (or correction) refers to. */
  billingReference: string | null;
  seller: ExtractedParty;
  buyer: ExtractedParty;
  lines: ExtractedLine[];
  vat: VatGroup[];
  lineTotalCents: number | null;
  allowanceTotalCents: number;
  chargeTotalCents: number;
  netTotalCents: number | null;
  vatTotalCents: number | null;
  grossTotalCents: number | null;
  prepaidCents: number;
  roundingCents: number;
  payableCents: number | null;
  payment: {
    bankgiro: string | null;
    plusgiro: string | null;
    iban: string | null;
    ocrReference: string | null;
  };
}

/** A header field as stored: its value, where it came from and how sure the extractor is (0–1). */
export interface FieldValue {
  value: string | number | null;
  /** `manual` once a person corrected it. */
  source: ExtractionSource | 'manual';
  confidence: number;
}

export const HEADER_FIELDS = [
  'invoice_number',
  'issue_date',
  'due_date',
  'delivery_date',
  'currency',
  'order_reference',
  'buyer_reference',
  'billing_reference',
  'seller_name',
  'seller_org_number',
  'seller_vat_number',
  'buyer_name',
  'buyer_org_number',
  'buyer_vat_number',
  'line_total_cents',
  'allowance_total_cents',
  'charge_total_cents',
  'net_total_cents',
  'vat_total_cents',
  'gross_total_cents',
  'prepaid_cents',
  'rounding_cents',
  'payable_cents',
  'bankgiro',
  'plusgiro',
  'iban',
  'ocr_reference',
] as const;
export type HeaderField = (typeof HEADER_FIELDS)[number];

export function headerValues(inv: ExtractedInvoice): Record<HeaderField, string | number | null> {
  return {
    invoice_number: inv.invoiceNumber,
    issue_date: inv.issueDate,
    due_date: inv.dueDate,
    delivery_date: inv.deliveryDate,
    currency: inv.currency,
    order_reference: inv.orderReference,
    buyer_reference: inv.buyerReference,
    billing_reference: inv.billingReference,
    seller_name: inv.seller.name,
    seller_org_number: inv.seller.orgNumber,
    seller_vat_number: inv.seller.vatNumber,
    buyer_name: inv.buyer.name,
    buyer_org_number: inv.buyer.orgNumber,
    buyer_vat_number: inv.buyer.vatNumber,
    line_total_cents: inv.lineTotalCents,
    allowance_total_cents: inv.allowanceTotalCents,
    charge_total_cents: inv.chargeTotalCents,
    net_total_cents: inv.netTotalCents,
    vat_total_cents: inv.vatTotalCents,
    gross_total_cents: inv.grossTotalCents,
    prepaid_cents: inv.prepaidCents,
    rounding_cents: inv.roundingCents,
    payable_cents: inv.payableCents,
    bankgiro: inv.payment.bankgiro,
    plusgiro: inv.payment.plusgiro,
    iban: inv.payment.iban,
    ocr_reference: inv.payment.ocrReference,
  };
}

/** The inverse of `headerValues`: an invoice with its header fields replaced (used after a correction). */
export function withHeaderValues(
  inv: ExtractedInvoice,
  v: Record<HeaderField, string | number | null>,
): ExtractedInvoice {
  const s = (x: string | number | null) => (x === null ? null : String(x));
  const n = (x: string | number | null) => (x === null ? null : Number(x));
  return {
    ...inv,
    invoiceNumber: s(v.invoice_number),
    issueDate: s(v.issue_date),
    dueDate: s(v.due_date),
    deliveryDate: s(v.delivery_date),
    currency: s(v.currency),
    orderReference: s(v.order_reference),
    buyerReference: s(v.buyer_reference),
    billingReference: s(v.billing_reference),
    seller: { name: s(v.seller_name), orgNumber: s(v.seller_org_number), vatNumber: s(v.seller_vat_number) },
    buyer: { name: s(v.buyer_name), orgNumber: s(v.buyer_org_number), vatNumber: s(v.buyer_vat_number) },
    lineTotalCents: n(v.line_total_cents),
    allowanceTotalCents: n(v.allowance_total_cents) ?? 0,
    chargeTotalCents: n(v.charge_total_cents) ?? 0,
    netTotalCents: n(v.net_total_cents),
    vatTotalCents: n(v.vat_total_cents),
    grossTotalCents: n(v.gross_total_cents),
    prepaidCents: n(v.prepaid_cents) ?? 0,
    roundingCents: n(v.rounding_cents) ?? 0,
    payableCents: n(v.payable_cents),
    payment: {
      bankgiro: s(v.bankgiro),
      plusgiro: s(v.plusgiro),
      iban: s(v.iban),
      ocrReference: s(v.ocr_reference),
    },
  };
}
