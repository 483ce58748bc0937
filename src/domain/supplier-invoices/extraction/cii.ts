import { toBasisPoints, toCents, toQuantity } from './decimal.js';
import type { ExtractedInvoice, ExtractedLine, ExtractedParty, VatGroup } from './extracted.js';
import { swedishOrgNumber } from './parties.js';
import { all, at, attr, text, type XmlNode } from './xml.js';

/** UN/CEFACT Cross Industry Invoice (Factur-X / ZUGFeRD, EN 16931 profile) into the normalised invoice. */

/** CII dates are `udt:DateTimeString format="102"`: YYYYMMDD. */
function date(node: XmlNode | undefined, path: string): string | null {
  const raw = text(node, `${path}/DateTimeString`);
  const m = raw ? /^(\d{4})(\d{2})(\d{2})$/.exec(raw) : null;
  return m ? `${m[1]}-${m[2]}-${m[3]}` : raw;
}

function party(node: XmlNode | undefined): ExtractedParty {
  const vat = all(node, 'SpecifiedTaxRegistration/ID').find((id) => attr(id, 'schemeID') === 'VA');
  const vatNumber = vat ? text(vat) : null;
  return {
    name: text(node, 'Name'),
    orgNumber:
      swedishOrgNumber(text(node, 'SpecifiedLegalOrganization/ID')) ?? swedishOrgNumber(vatNumber) ?? null,
    vatNumber,
  };
}

function lines(tx: XmlNode | undefined): ExtractedLine[] {
  return all(tx, 'IncludedSupplyChainTradeLineItem').map((item, index) => {
    const product = at(item, 'SpecifiedTradeProduct');
    const agreement = at(item, 'SpecifiedLineTradeAgreement');
    const net = at(agreement, 'NetPriceProductTradePrice');
    const priceCents = toCents(text(net, 'ChargeAmount')) ?? 0;
    const basis = text(net, 'BasisQuantity');
    const baseQty = basis ? Number(basis) : 1;
    const qty = at(item, 'SpecifiedLineTradeDelivery/BilledQuantity');
    const settlement = at(item, 'SpecifiedLineTradeSettlement');
    const allowances = all(settlement, 'SpecifiedTradeAllowanceCharge').reduce((sum, ac) => {
      const amount = toCents(text(ac, 'ActualAmount')) ?? 0;
      return sum + (text(ac, 'ChargeIndicator/Indicator') === 'true' ? -amount : amount);
    }, 0);
    const gtin = all(product, 'GlobalID').find((id) => attr(id, 'schemeID') === '0160');
    return {
      lineNo: index + 1,
      sellerItemId: text(product, 'SellerAssignedID'),
      gtin: gtin ? text(gtin) : null,
      description: text(product, 'Name') ?? '',
      quantity: toQuantity(text(qty)) ?? '0.000',
      unitCode: attr(qty, 'unitCode'),
      unitPriceCents: baseQty > 0 && baseQty !== 1 ? Math.round(priceCents / baseQty) : priceCents,
      allowanceCents: allowances,
      netCents:
        toCents(text(settlement, 'SpecifiedTradeSettlementLineMonetarySummation/LineTotalAmount')) ?? 0,
      vatCategory: text(settlement, 'ApplicableTradeTax/CategoryCode'),
      vatRateBp: toBasisPoints(text(settlement, 'ApplicableTradeTax/RateApplicablePercent')),
    };
  });
}

function paymentMeans(settlement: XmlNode | undefined) {
  let bankgiro: string | null = null;
  let plusgiro: string | null = null;
  let iban: string | null = null;
  for (const means of all(settlement, 'SpecifiedTradeSettlementPaymentMeans')) {
    const account = at(means, 'PayeePartyCreditorFinancialAccount');
    const ibanId = text(account, 'IBANID');
    const proprietary = text(account, 'ProprietaryID');
    const bic = (text(means, 'PayeeSpecifiedCreditorFinancialInstitution/BICID') ?? '').toUpperCase();
    if (ibanId) iban ??= ibanId.replace(/\s/g, '');
    if (proprietary && bic.startsWith('BGABSESS')) bankgiro ??= proprietary;
    else if (proprietary && bic.startsWith('PGSISESS')) plusgiro ??= proprietary;
  }
  return { bankgiro, plusgiro, iban, ocrReference: text(settlement, 'PaymentReference') };
}

export function parseCii(doc: XmlNode): ExtractedInvoice {
  const header = at(doc, 'ExchangedDocument');
  const tx = at(doc, 'SupplyChainTradeTransaction');
  const agreement = at(tx, 'ApplicableHeaderTradeAgreement');
  const settlement = at(tx, 'ApplicableHeaderTradeSettlement');
  const summation = at(settlement, 'SpecifiedTradeSettlementHeaderMonetarySummation');
  const currency = text(settlement, 'InvoiceCurrencyCode');
  const groups: VatGroup[] = all(settlement, 'ApplicableTradeTax').map((t) => ({
    category: text(t, 'CategoryCode') ?? 'S',
    rateBp: toBasisPoints(text(t, 'RateApplicablePercent')) ?? 0,
    taxableCents: toCents(text(t, 'BasisAmount')) ?? 0,
    taxCents: toCents(text(t, 'CalculatedAmount')) ?? 0,
  }));
  const taxTotals = all(summation, 'TaxTotalAmount');
  const taxTotal =
    taxTotals.find((t) => currency === null || attr(t, 'currencyID') === currency) ?? taxTotals[0];
  const typeCode = text(header, 'TypeCode');
  return {
    documentType: typeCode === '381' ? 'credit_note' : 'invoice',
    invoiceNumber: text(header, 'ID'),
    issueDate: date(header, 'IssueDateTime'),
    dueDate: date(settlement, 'SpecifiedTradePaymentTerms/DueDateDateTime'),
    deliveryDate: date(tx, 'ApplicableHeaderTradeDelivery/ActualDeliverySupplyChainEvent/OccurrenceDateTime'),
    currency,
    orderReference: text(agreement, 'BuyerOrderReferencedDocument/IssuerAssignedID'),
    buyerReference: text(agreement, 'BuyerReference'),
    billingReference: text(settlement, 'InvoiceReferencedDocument/IssuerAssignedID'),
    seller: party(at(agreement, 'SellerTradeParty')),
    buyer: party(at(agreement, 'BuyerTradeParty')),
    lines: lines(tx),
    vat: groups,
    lineTotalCents: toCents(text(summation, 'LineTotalAmount')),
    allowanceTotalCents: toCents(text(summation, 'AllowanceTotalAmount')) ?? 0,
    chargeTotalCents: toCents(text(summation, 'ChargeTotalAmount')) ?? 0,
    netTotalCents: toCents(text(summation, 'TaxBasisTotalAmount')),
    vatTotalCents: taxTotal ? toCents(text(taxTotal)) : null,
    grossTotalCents: toCents(text(summation, 'GrandTotalAmount')),
    prepaidCents: toCents(text(summation, 'TotalPrepaidAmount')) ?? 0,
    roundingCents: toCents(text(summation, 'RoundingAmount')) ?? 0,
    payableCents: toCents(text(summation, 'DuePayableAmount')),
    payment: paymentMeans(settlement),
  };
}
