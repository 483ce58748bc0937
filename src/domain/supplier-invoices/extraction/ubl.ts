import { toBasisPoints, toCents, toQuantity } from './decimal.js';
import type { ExtractedInvoice, ExtractedLine, ExtractedParty, VatGroup } from './extracted.js';
import { swedishOrgNumber } from './parties.js';
import { all, at, attr, text, type XmlNode } from './xml.js';

/**
 * UBL 2.1 Invoice and CreditNote — Peppol BIS Billing 3.0 and Svefaktura (which is BIS 3 since version 3) —
 * into the normalised invoice. Names follow the EN 16931 business terms (BT-/BG-) where that helps.
 */

function party(node: XmlNode | undefined): ExtractedParty {
  const p = at(node, 'Party');
  const vat = all(p, 'PartyTaxScheme')
    .map((s) => text(s, 'CompanyID'))
    .find((v): v is string => v !== null);
  const legal = text(p, 'PartyLegalEntity/CompanyID');
  const ids = all(p, 'PartyIdentification/ID');
  const scheme0007 = ids.find((id) => attr(id, 'schemeID') === '0007');
  const endpoint = at(p, 'EndpointID');
  const orgCandidate =
    legal ??
    (scheme0007 ? text(scheme0007) : null) ??
    (attr(endpoint, 'schemeID') === '0007' ? text(endpoint) : null);
  return {
    name: text(p, 'PartyLegalEntity/RegistrationName') ?? text(p, 'PartyName/Name'),
    orgNumber: swedishOrgNumber(orgCandidate) ?? swedishOrgNumber(vat) ?? null,
    vatNumber: vat ?? null,
  };
}

/** Allowances (false) and charges (true) on a document or line, in öre. */
function allowanceCharges(node: XmlNode | undefined, charge: boolean): number {
  return all(node, 'AllowanceCharge')
    .filter((ac) => (text(ac, 'ChargeIndicator') ?? '').toLowerCase() === String(charge))
    .reduce((sum, ac) => sum + (toCents(text(ac, 'Amount')) ?? 0), 0);
}

function lines(doc: XmlNode, credit: boolean): ExtractedLine[] {
  const lineName = credit ? 'CreditNoteLine' : 'InvoiceLine';
  const qtyName = credit ? 'CreditedQuantity' : 'InvoicedQuantity';
  return all(doc, lineName).map((line, index) => {
    const item = at(line, 'Item');
    const qtyNode = at(line, qtyName);
    const price = at(line, 'Price');
    const base = text(price, 'BaseQuantity');
    const priceCents = toCents(text(price, 'PriceAmount')) ?? 0;
    // BT-149: a price may be per several units; normalise to one.
    const baseQty = base ? Number(base) : 1;
    const tax = at(item, 'ClassifiedTaxCategory');
    const gtin = all(item, 'StandardItemIdentification/ID').find((id) => attr(id, 'schemeID') === '0160');
    return {
      lineNo: index + 1,
      sellerItemId: text(item, 'SellersItemIdentification/ID'),
      gtin: gtin ? text(gtin) : text(item, 'StandardItemIdentification/ID'),
      description: text(item, 'Name') ?? text(item, 'Description') ?? '',
      quantity: toQuantity(text(qtyNode)) ?? '0.000',
      unitCode: attr(qtyNode, 'unitCode'),
      unitPriceCents: baseQty > 0 && baseQty !== 1 ? Math.round(priceCents / baseQty) : priceCents,
      allowanceCents: allowanceCharges(line, false) - allowanceCharges(line, true),
      netCents: toCents(text(line, 'LineExtensionAmount')) ?? 0,
      vatCategory: text(tax, 'ID'),
      vatRateBp: toBasisPoints(text(tax, 'Percent')),
    };
  });
}

function vatGroups(doc: XmlNode, currency: string | null): { groups: VatGroup[]; total: number | null } {
  // BT-110 is the TaxTotal in the document currency; a second one (BT-111) may be in the accounting currency.
  const totals = all(doc, 'TaxTotal');
  const main =
    totals.find((t) => currency === null || attr(at(t, 'TaxAmount'), 'currencyID') === currency) ?? totals[0];
  const groups = all(main, 'TaxSubtotal').map((s) => ({
    category: text(s, 'TaxCategory/ID') ?? 'S',
    rateBp: toBasisPoints(text(s, 'TaxCategory/Percent')) ?? 0,
    taxableCents: toCents(text(s, 'TaxableAmount')) ?? 0,
    taxCents: toCents(text(s, 'TaxAmount')) ?? 0,
  }));
  return { groups, total: toCents(text(main, 'TaxAmount')) };
}

/** Bankgiro and plusgiro come as payee accounts with a scheme or network id; IBAN as the account id itself. */
function paymentMeans(doc: XmlNode) {
  let bankgiro: string | null = null;
  let plusgiro: string | null = null;
  let iban: string | null = null;
  let ocr: string | null = null;
  for (const means of all(doc, 'PaymentMeans')) {
    ocr ??= text(means, 'PaymentID');
    const account = at(means, 'PayeeFinancialAccount');
    const id = text(account, 'ID');
    if (!id) continue;
    const hint =
      `${attr(at(account, 'ID'), 'schemeID') ?? ''} ${text(account, 'FinancialInstitutionBranch/ID') ?? ''} ${text(account, 'Name') ?? ''}`.toUpperCase();
    const compact = id.replace(/\s/g, '');
    if (hint.includes('BGABSESS') || hint.includes('BANKGIRO') || /^\d{3,4}-\d{4}$/.test(id)) bankgiro ??= id;
    else if (hint.includes('PGSISESS') || hint.includes('PLUSGIRO')) plusgiro ??= id;
    else if (/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(compact)) iban ??= compact;
  }
  return { bankgiro, plusgiro, iban, ocrReference: ocr };
}

export function parseUbl(doc: XmlNode, root: 'Invoice' | 'CreditNote'): ExtractedInvoice {
  const credit = root === 'CreditNote';
  const currency = text(doc, 'DocumentCurrencyCode');
  const totals = at(doc, 'LegalMonetaryTotal');
  const vat = vatGroups(doc, currency);
  const typeCode = text(doc, credit ? 'CreditNoteTypeCode' : 'InvoiceTypeCode');
  return {
    documentType: credit || typeCode === '381' ? 'credit_note' : 'invoice',
    invoiceNumber: text(doc, 'ID'),
    issueDate: text(doc, 'IssueDate'),
    dueDate: text(doc, 'DueDate') ?? text(doc, 'PaymentMeans/PaymentDueDate'),
    deliveryDate: text(doc, 'Delivery/ActualDeliveryDate') ?? text(doc, 'InvoicePeriod/EndDate'),
    currency,
    orderReference: text(doc, 'OrderReference/ID'),
    buyerReference: text(doc, 'BuyerReference'),
    billingReference: text(doc, 'BillingReference/InvoiceDocumentReference/ID'),
    seller: party(at(doc, 'AccountingSupplierParty')),
    buyer: party(at(doc, 'AccountingCustomerParty')),
    lines: lines(doc, credit),
    vat: vat.groups,
    lineTotalCents: toCents(text(totals, 'LineExtensionAmount')),
    allowanceTotalCents: toCents(text(totals, 'AllowanceTotalAmount')) ?? allowanceCharges(doc, false),
    chargeTotalCents: toCents(text(totals, 'ChargeTotalAmount')) ?? allowanceCharges(doc, true),
    netTotalCents: toCents(text(totals, 'TaxExclusiveAmount')),
    vatTotalCents: vat.total,
    grossTotalCents: toCents(text(totals, 'TaxInclusiveAmount')),
    prepaidCents: toCents(text(totals, 'PrepaidAmount')) ?? 0,
    roundingCents: toCents(text(totals, 'PayableRoundingAmount')) ?? 0,
    payableCents: toCents(text(totals, 'PayableAmount')),
    payment: paymentMeans(doc),
  };
}
