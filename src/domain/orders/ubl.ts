import type { PaymentMethod } from '../payments/payments.events.js';
import type { CreditNoteDto, InvoiceDto } from './orders.schemas.js';

/**
 * Our sales invoices and credit notes as Peppol BIS Billing 3.0 documents (UBL 2.1, EN 16931), built from the
 * same derived document the JSON shows, so both always agree. Elements follow the UBL schema's sequence.
 * Swedish specifics (the SE national rules of BIS 3): parties identified by organisationsnummer under ICD
 * scheme 0007, VAT numbers SE…01, bankgiro as the payee account with branch `SE:BANKGIRO`, the OCR number as
 * the payment id. Every line is VAT category S (Swedish goods at 6, 12 or 25 %).
 */

export const PEPPOL_CUSTOMIZATION_ID =
  'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0';
export const PEPPOL_PROFILE_ID = 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0';
/** ICD 0007: Swedish organisationsnummer (Bolagsverket). */
const SWEDISH_ORG_SCHEME = '0007';

const NS = {
  Invoice: 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
  CreditNote: 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2',
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
};

type Content = string | null | undefined | Content[];

const escape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function attributes(attrs: Record<string, string>): string {
  return Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${escape(v)}"`)
    .join('');
}

const markup = (c: Content): string[] => (Array.isArray(c) ? c.flatMap(markup) : c ? [c] : []);

/** An aggregate: its children's markup, or nothing when every child is absent. */
function el(name: string, children: Content[], attrs: Record<string, string> = {}): string | null {
  const inner = children.flatMap(markup);
  return inner.length === 0 ? null : `<${name}${attributes(attrs)}>${inner.join('')}</${name}>`;
}

/** A basic component: escaped text, or nothing when the value is absent. */
function leaf(name: string, value: string | number | null | undefined, attrs: Record<string, string> = {}) {
  if (value === null || value === undefined || value === '') return null;
  return `<${name}${attributes(attrs)}>${escape(String(value))}</${name}>`;
}

/** Öre as a decimal amount with two decimals (BR-DEC-*). */
export function amount(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const money = (name: string, cents: number, currency: string) =>
  leaf(name, amount(cents), { currencyID: currency });

/** "4.500" → "4.5", "2.000" → "2". */
const quantityText = (q: string) => q.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
const percent = (bp: number) => String(bp / 100);

/** UN/ECE Recommendation 20 (and 21, X-prefixed) codes for the units suppliers use; C62 ("one") otherwise. */
const UNIT_CODES: Record<string, string> = {
  st: 'H87',
  styck: 'H87',
  pcs: 'H87',
  kg: 'KGM',
  g: 'GRM',
  hg: 'HGM',
  l: 'LTR',
  liter: 'LTR',
  dl: 'DLT',
  cl: 'CLT',
  ml: 'MLT',
  förp: 'XPK',
  paket: 'XPK',
  pkt: 'XPK',
  krt: 'XCT',
  kartong: 'XCT',
  fl: 'XBO',
  flaska: 'XBO',
  burk: 'XTN',
  back: 'XCR',
  låda: 'XBX',
};
export const unitCode = (unit: string) => UNIT_CODES[unit.trim().toLowerCase()] ?? 'C62';

const vatScheme = () => el('cac:TaxScheme', [leaf('cbc:ID', 'VAT')]);
const categoryS = (name: string, bp: number) =>
  el(name, [leaf('cbc:ID', 'S'), leaf('cbc:Percent', percent(bp)), vatScheme()]);

type Party = InvoiceDto['buyer'];

function party(role: 'cac:AccountingSupplierParty' | 'cac:AccountingCustomerParty', p: Party) {
  const scheme = { schemeID: SWEDISH_ORG_SCHEME };
  return el(role, [
    el('cac:Party', [
      leaf('cbc:EndpointID', p.org_number, scheme),
      el('cac:PartyIdentification', [leaf('cbc:ID', p.org_number, scheme)]),
      el('cac:PartyName', [leaf('cbc:Name', p.legal_name)]),
      el('cac:PostalAddress', [
        leaf('cbc:StreetName', p.address.line),
        leaf('cbc:CityName', p.address.city),
        leaf('cbc:PostalZone', p.address.postal_code),
        el('cac:Country', [leaf('cbc:IdentificationCode', p.address.country)]),
      ]),
      p.vat_number ? el('cac:PartyTaxScheme', [leaf('cbc:CompanyID', p.vat_number), vatScheme()]) : null,
      el('cac:PartyLegalEntity', [
        leaf('cbc:RegistrationName', p.legal_name),
        leaf('cbc:CompanyID', p.org_number, scheme),
      ]),
    ]),
  ]);
}

type Doc = InvoiceDto | CreditNoteDto;

function taxAndTotals(doc: Doc) {
  const c = doc.currency;
  return [
    el('cac:TaxTotal', [
      money('cbc:TaxAmount', doc.tax_cents, c),
      doc.vat.map((g) =>
        el('cac:TaxSubtotal', [
          money('cbc:TaxableAmount', g.taxable_cents, c),
          money('cbc:TaxAmount', g.tax_cents, c),
          categoryS('cac:TaxCategory', g.vat_rate_bp),
        ]),
      ),
    ]),
    el('cac:LegalMonetaryTotal', [
      money('cbc:LineExtensionAmount', doc.subtotal_cents, c),
      money('cbc:TaxExclusiveAmount', doc.subtotal_cents, c),
      money('cbc:TaxInclusiveAmount', doc.total_cents, c),
      money('cbc:PayableAmount', doc.total_cents, c),
    ]),
  ];
}

function lines(doc: Doc, kind: 'Invoice' | 'CreditNote') {
  const quantityName = kind === 'Invoice' ? 'cbc:InvoicedQuantity' : 'cbc:CreditedQuantity';
  return doc.lines.map((l) =>
    el(`cac:${kind}Line`, [
      leaf('cbc:ID', l.line_no),
      leaf(quantityName, quantityText(l.quantity), { unitCode: unitCode(l.unit) }),
      money('cbc:LineExtensionAmount', l.net_cents, doc.currency),
      el('cac:OrderLineReference', [
        leaf('cbc:LineID', 'invoice_line_no' in l ? l.invoice_line_no : l.line_no),
      ]),
      el('cac:Item', [
        leaf('cbc:Name', l.description),
        el('cac:SellersItemIdentification', [leaf('cbc:ID', l.sku)]),
        categoryS('cac:ClassifiedTaxCategory', l.vat_rate_bp),
      ]),
      el('cac:Price', [money('cbc:PriceAmount', l.unit_price_cents, doc.currency)]),
    ]),
  );
}

function document(kind: 'Invoice' | 'CreditNote', children: Content[]): string {
  const root = el(kind, children, { xmlns: NS[kind], 'xmlns:cac': NS.cac, 'xmlns:cbc': NS.cbc });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root ?? ''}\n`;
}

/** The sales invoice as a Peppol BIS 3 UBL Invoice. */
export function invoiceUbl(invoice: InvoiceDto, paymentMethod: PaymentMethod): string {
  const c = invoice.currency;
  const bankgiro = invoice.payment.bankgiro;
  const paymentMeans =
    paymentMethod === 'card'
      ? el('cac:PaymentMeans', [
          leaf('cbc:PaymentMeansCode', '48', { name: 'Bank card' }),
          leaf('cbc:PaymentID', invoice.payment.ocr_reference),
        ])
      : bankgiro
        ? el('cac:PaymentMeans', [
            leaf('cbc:PaymentMeansCode', '30', { name: 'Credit transfer' }),
            leaf('cbc:PaymentID', invoice.payment.ocr_reference),
            el('cac:PayeeFinancialAccount', [
              leaf('cbc:ID', bankgiro),
              el('cac:FinancialInstitutionBranch', [leaf('cbc:ID', 'SE:BANKGIRO')]),
            ]),
          ])
        : null;
  return document('Invoice', [
    leaf('cbc:CustomizationID', PEPPOL_CUSTOMIZATION_ID),
    leaf('cbc:ProfileID', PEPPOL_PROFILE_ID),
    leaf('cbc:ID', invoice.invoice_number),
    leaf('cbc:IssueDate', invoice.issue_date),
    leaf('cbc:DueDate', invoice.due_date),
    leaf('cbc:InvoiceTypeCode', '380'),
    leaf('cbc:DocumentCurrencyCode', c),
    el('cac:OrderReference', [leaf('cbc:ID', invoice.order_id)]),
    party('cac:AccountingSupplierParty', invoice.seller),
    party('cac:AccountingCustomerParty', invoice.buyer),
    el('cac:Delivery', [leaf('cbc:ActualDeliveryDate', invoice.supply_date)]),
    paymentMeans,
    el('cac:PaymentTerms', [
      leaf('cbc:Note', `${invoice.payment_terms_days} dagar netto, förfaller ${invoice.due_date}`),
    ]),
    taxAndTotals(invoice),
    lines(invoice, 'Invoice'),
  ]);
}

/** A credit note as a Peppol BIS 3 UBL CreditNote referring to the invoice it corrects (BT-25, BT-26). */
export function creditNoteUbl(note: CreditNoteDto): string {
  return document('CreditNote', [
    leaf('cbc:CustomizationID', PEPPOL_CUSTOMIZATION_ID),
    leaf('cbc:ProfileID', PEPPOL_PROFILE_ID),
    leaf('cbc:ID', note.credit_note_number),
    leaf('cbc:IssueDate', note.issue_date),
    leaf('cbc:CreditNoteTypeCode', '381'),
    leaf('cbc:Note', note.reason),
    leaf('cbc:DocumentCurrencyCode', note.currency),
    el('cac:OrderReference', [leaf('cbc:ID', note.order_id)]),
    el('cac:BillingReference', [
      el('cac:InvoiceDocumentReference', [
        leaf('cbc:ID', note.invoice_number),
        leaf('cbc:IssueDate', note.invoice_issue_date),
      ]),
    ]),
    party('cac:AccountingSupplierParty', note.seller),
    party('cac:AccountingCustomerParty', note.buyer),
    el('cac:PaymentTerms', [leaf('cbc:Note', `Krediteras mot faktura ${note.invoice_number}`)]),
    taxAndTotals(note),
    lines(note, 'CreditNote'),
  ]);
}
