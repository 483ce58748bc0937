import type { ExtractedInvoice, HeaderField } from './extracted.js';
import { mulDiv } from './decimal.js';
import { type Found, findLabelled, firstColumn, identifier, titleNumber } from './text-labels.js';
import type { TextLine } from './text-layout.js';
import { FIELDS } from './text-field-labels.js';
import { readItemLines } from './text-lines.js';
import { lineConfidence, vatGroups } from './text-vat.js';
import {
  amountsIn,
  bankgiroIn,
  ibanIn,
  orgNumberIn,
  parseDate,
  ocrReferenceIn,
  plusgiroIn,
  vatNumberIn,
} from './text-values.js';

/**
 * Field extraction from printed invoices (a PDF's text layer or OCR), Swedish first: every field carries a
 * confidence, totals missing from the print are derived from the others (and marked less certain), and the
 * result is the same normalised invoice the XML parsers produce, so the same consistency checks apply.
 */

type FieldName = keyof typeof FIELDS;

const firstAmount = (text: string) => amountsIn(text)[0]?.cents ?? null;
/** Totals rows printed as columns (net, VAT, gross) end with the amount the label names. */
const lastAmount = (text: string) => amountsIn(text).at(-1)?.cents ?? null;

const CURRENCY_CODES = /\b(SEK|EUR|USD|GBP|NOK|DKK|PLN|CHF|INR)\b/g;

function currencyOf(text: string, swedish: boolean): Found<string> | null {
  const counts = new Map<string, number>();
  for (const [, c = ''] of text.matchAll(CURRENCY_CODES)) counts.set(c, (counts.get(c) ?? 0) + 1);
  const code = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (code) return { value: code, confidence: 0.9 };
  if (/\d\s?kr\b|\bkr\s?\d|kronor/i.test(text)) return { value: 'SEK', confidence: 0.8 };
  if (/€/.test(text)) return { value: 'EUR', confidence: 0.8 };
  if (/₹|\bRs\.?\s?\d/.test(text)) return { value: 'INR', confidence: 0.7 };
  if (/zł/.test(text)) return { value: 'PLN', confidence: 0.7 };
  if (/\$/.test(text)) return { value: 'USD', confidence: 0.6 };
  return swedish ? { value: 'SEK', confidence: 0.6 } : null;
}

const SWEDISH = /faktura|moms|att betala|förfallo|bankgiro|org\.?\s?nr|öresavrundning/i;
const CREDIT = /kreditfaktura|kreditnota|credit ?note|creditnota|gutschrift|\bavoir\b/i;

export interface TextExtraction {
  doc: ExtractedInvoice;
  confidence: Partial<Record<HeaderField, number>>;
}

/** Reads an invoice from printed lines; `readerConfidence` scales everything for OCR. */
export function extractFromText(lines: TextLine[]): TextExtraction {
  const all = lines.map((l) => l.text).join('\n');
  const swedish = SWEDISH.test(all);
  const conf: Partial<Record<HeaderField, number>> = {};
  const take = <T>(field: HeaderField, found: Found<T> | null): T | null => {
    if (found === null) return null;
    conf[field] = Math.round(found.confidence * 100) / 100;
    return found.value;
  };
  const find = <T>(name: FieldName, read: (t: string) => T | null) => findLabelled(lines, FIELDS[name], read);

  const items = readItemLines(lines);
  const { groups, confidence: vatConfidence } = vatGroups(lines, items.lineIndexes);
  let net = take('net_total_cents', find('net', firstAmount));
  let vatTotal = take(
    'vat_total_cents',
    find('vatTotal', lastAmount) ?? (groups.length === 0 ? find('vatTotalBare', lastAmount) : null),
  );
  let gross = take('gross_total_cents', find('gross', lastAmount));
  const rounding = take('rounding_cents', find('rounding', firstAmount)) ?? 0;
  let payable = take('payable_cents', find('payable', firstAmount));

  // Totals the print leaves out follow from the others; derived values are less certain than read ones.
  const derive = (field: HeaderField, value: number) => {
    conf[field] = 0.5;
    return value;
  };
  if (vatTotal === null && groups.length > 0) {
    vatTotal = groups.reduce((s, g) => s + g.taxCents, 0);
    conf.vat_total_cents = vatConfidence;
  }
  if (net === null && items.lines.length > 0)
    net = derive(
      'net_total_cents',
      items.lines.reduce((s, l) => s + l.netCents, 0),
    );
  if (gross === null && net !== null && vatTotal !== null)
    gross = derive('gross_total_cents', net + vatTotal);
  if (payable === null && gross !== null) payable = derive('payable_cents', gross + rounding);
  if (gross === null && payable !== null) gross = derive('gross_total_cents', payable - rounding);
  if (net === null && gross !== null && vatTotal !== null) net = derive('net_total_cents', gross - vatTotal);
  if (vatTotal === null && gross !== null && net !== null) vatTotal = derive('vat_total_cents', gross - net);
  // A single rate without a printed base: the base is the net total.
  const single = groups.length === 1 ? groups[0] : undefined;
  const vat =
    single && net !== null && Math.abs(mulDiv(net, single.rateBp, 10_000) - single.taxCents) <= 1
      ? [{ ...single, taxableCents: net }]
      : groups;

  const sellerOrg = take('seller_org_number', find('sellerOrgNumber', orgNumberIn));
  const sellerVat = take('seller_vat_number', find('sellerVatNumber', vatNumberIn));
  const doc: ExtractedInvoice = {
    documentType: CREDIT.test(all) ? 'credit_note' : 'invoice',
    invoiceNumber: take(
      'invoice_number',
      find('invoiceNumber', identifier) ?? titleNumber(lines) ?? find('invoiceNumberFallback', identifier),
    ),
    issueDate: take('issue_date', find('issueDate', parseDate)),
    dueDate: take('due_date', find('dueDate', parseDate)),
    deliveryDate: take('delivery_date', find('deliveryDate', parseDate)),
    currency: take('currency', currencyOf(all, swedish)),
    orderReference: take('order_reference', find('orderReference', identifier)),
    buyerReference: take('buyer_reference', find('buyerReference', firstColumn)),
    billingReference: take('billing_reference', find('billingReference', identifier)),
    seller: {
      name: take('seller_name', sellerName(lines)),
      orgNumber: sellerOrg ?? orgFromVat(sellerVat),
      vatNumber: sellerVat,
    },
    buyer: { name: null, orgNumber: null, vatNumber: null },
    lines: items.lines,
    vat,
    lineTotalCents: net,
    allowanceTotalCents: 0,
    chargeTotalCents: 0,
    netTotalCents: net,
    vatTotalCents: vatTotal,
    grossTotalCents: gross,
    prepaidCents: 0,
    roundingCents: rounding,
    payableCents: payable,
    payment: {
      bankgiro: take('bankgiro', find('bankgiro', bankgiroIn)),
      plusgiro: take('plusgiro', find('plusgiro', plusgiroIn)),
      iban: take('iban', find('iban', ibanIn)),
      ocrReference: take('ocr_reference', find('ocrReference', ocrReferenceIn)),
    },
  };
  if (!doc.seller.orgNumber || sellerOrg) return { doc, confidence: conf };
  conf.seller_org_number = conf.seller_vat_number ?? 0.5;
  return { doc, confidence: conf };
}

/** SE + organisationsnummer + 01 is the Swedish VAT number: the org number follows from it. */
function orgFromVat(vat: string | null): string | null {
  const m = /^SE(\d{6})(\d{4})01$/.exec(vat ?? '');
  return m ? `${m[1]}-${m[2]}` : null;
}

/** The supplier's name is usually the first printed line; a guess, hence the low confidence. */
function sellerName(lines: TextLine[]): Found<string> | null {
  const cell = (l: TextLine) => firstColumn(l.text) ?? '';
  const first = lines.find(
    (l) => /\p{L}{2,}/u.test(cell(l)) && !/faktura|invoice|rechnung|factu/i.test(cell(l)),
  );
  return first ? { value: cell(first), confidence: 0.4 * lineConfidence(first) } : null;
}
