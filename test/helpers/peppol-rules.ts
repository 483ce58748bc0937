import { luhnValid } from '../../src/domain/organisations/org-number.js';
import {
  all,
  at,
  attr,
  parseXml,
  text,
  type XmlNode,
} from '../../src/domain/supplier-invoices/extraction/xml.js';

/**
 * The EN 16931 and Peppol BIS Billing 3.0 business rules our UBL output must satisfy, written as checks over
 * the parsed document (the rules as the BIS 3 guide states them; the official Schematron is XSLT 2, which has
 * no maintained JavaScript runtime). Amounts are compared in öre. A rule that does not apply is not reported.
 * The same checks pass on the public Peppol examples (test/integration/peppol-output.test.ts), so they are
 * not ours alone.
 */

export interface RuleFailure {
  rule: string;
  message: string;
}

const PEPPOL_CUSTOMIZATION = 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0';
const PEPPOL_PROFILE = 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0';

const cents = (v: string | null): number | null => (v === null ? null : Math.round(Number(v) * 100));
const num = (v: string | null): number | null => (v === null ? null : Number(v));

export function checkPeppolRules(xml: string): RuleFailure[] {
  const { root, doc } = parseXml(Buffer.from(xml, 'utf8'));
  const credit = root === 'CreditNote';
  const failures: RuleFailure[] = [];
  const fail = (rule: string, message: string) => failures.push({ rule, message });
  const must = (rule: string, ok: boolean, message: string) => ok || fail(rule, message);
  const present = (rule: string, node: XmlNode | undefined, path: string) =>
    must(rule, text(node, path) !== null, `${path} is missing`);

  // Header (BR-01…05, PEPPOL-EN16931-R001/R004/R003).
  must('BR-01', text(doc, 'CustomizationID') !== null, 'Specification identifier missing');
  must('PEPPOL-EN16931-R004', text(doc, 'CustomizationID') === PEPPOL_CUSTOMIZATION, 'not the BIS 3 id');
  must(
    'PEPPOL-EN16931-R001',
    text(doc, 'ProfileID') === PEPPOL_PROFILE,
    'Business process (ProfileID) missing',
  );
  present('BR-02', doc, 'ID');
  present('BR-03', doc, 'IssueDate');
  const typeCode = text(doc, credit ? 'CreditNoteTypeCode' : 'InvoiceTypeCode');
  must('BR-04', typeCode !== null && /^\d{3}$/.test(typeCode), 'document type code missing');
  const currency = text(doc, 'DocumentCurrencyCode');
  must('BR-05', currency !== null, 'currency missing');
  must(
    'PEPPOL-EN16931-R003',
    text(doc, 'BuyerReference') !== null || text(doc, 'OrderReference/ID') !== null,
    'buyer reference or order reference required',
  );
  for (const ref of all(doc, 'BillingReference')) present('BR-55', ref, 'InvoiceDocumentReference/ID');

  // Parties (BR-06…11, PEPPOL-EN16931-R010/R020, PEPPOL-COMMON-R049, SE-R-*).
  const seller = at(doc, 'AccountingSupplierParty/Party');
  const buyer = at(doc, 'AccountingCustomerParty/Party');
  present('BR-06', seller, 'PartyLegalEntity/RegistrationName');
  present('BR-07', buyer, 'PartyLegalEntity/RegistrationName');
  must('BR-08', at(seller, 'PostalAddress') !== undefined, 'seller postal address missing');
  present('BR-09', seller, 'PostalAddress/Country/IdentificationCode');
  must('BR-10', at(buyer, 'PostalAddress') !== undefined, 'buyer postal address missing');
  present('BR-11', buyer, 'PostalAddress/Country/IdentificationCode');
  for (const [rule, p] of [
    ['PEPPOL-EN16931-R020', seller],
    ['PEPPOL-EN16931-R010', buyer],
  ] as const) {
    const endpoint = at(p, 'EndpointID');
    must(rule, text(endpoint) !== null && attr(endpoint, 'schemeID') !== null, 'electronic address missing');
  }
  for (const id of [seller, buyer].flatMap((p) => [
    ...all(p, 'EndpointID'),
    ...all(p, 'PartyIdentification/ID'),
    ...all(p, 'PartyLegalEntity/CompanyID'),
  ])) {
    if (attr(id, 'schemeID') !== '0007') continue;
    const value = text(id) ?? '';
    must(
      'PEPPOL-COMMON-R049',
      /^\d{10}$/.test(value) && luhnValid(value),
      `Swedish org number ${value} invalid`,
    );
  }
  const sellerVat = all(seller, 'PartyTaxScheme').find((s) => text(s, 'TaxScheme/ID') === 'VAT');
  const swedishSeller = text(seller, 'PostalAddress/Country/IdentificationCode') === 'SE';
  if (swedishSeller) {
    const vat = text(sellerVat, 'CompanyID') ?? '';
    if (sellerVat) {
      must('SE-R-001', vat.length === 14, `Swedish VAT number ${vat} must have 14 characters`);
      must('SE-R-002', /^SE\d{10}01$/.test(vat), `Swedish VAT number ${vat} must be SE, 10 digits, 01`);
    }
    const legal = text(seller, 'PartyLegalEntity/CompanyID');
    if (legal !== null) {
      must('SE-R-003', /^\d+$/.test(legal), 'Swedish organisation number must be numeric');
      must('SE-R-004', legal.length === 10, 'Swedish organisation number must have 10 digits');
    }
  }

  // Payment (BR-61, BR-CO-25, SE-R-010…013).
  for (const means of all(doc, 'PaymentMeans')) {
    const code = text(means, 'PaymentMeansCode');
    if (code === '30' || code === '58') present('BR-61', means, 'PayeeFinancialAccount/ID');
    const branch = text(means, 'PayeeFinancialAccount/FinancialInstitutionBranch/ID');
    const account = text(means, 'PayeeFinancialAccount/ID') ?? '';
    if (swedishSeller && branch === 'SE:BANKGIRO')
      must('SE-R-012', /^\d{7,8}$/.test(account), `bankgiro ${account} must be 7–8 digits`);
    if (swedishSeller && branch === 'SE:PLUSGIRO')
      must('SE-R-011', /^\d{2,8}$/.test(account), `plusgiro ${account} must be 2–8 digits`);
  }

  // Lines (BR-16, BR-21…27, BR-CO-04, BR-S-05, PEPPOL-EN16931-R120/R121).
  const lineName = credit ? 'CreditNoteLine' : 'InvoiceLine';
  const qtyName = credit ? 'CreditedQuantity' : 'InvoicedQuantity';
  const lines = all(doc, lineName);
  must('BR-16', lines.length > 0, 'at least one line');
  const sRates = new Map<number, number>();
  let lineSum = 0;
  for (const line of lines) {
    const id = text(line, 'ID') ?? '?';
    present('BR-21', line, 'ID');
    present('BR-22', line, qtyName);
    must('BR-23', /^[A-Z0-9]{2,3}$/.test(attr(at(line, qtyName), 'unitCode') ?? ''), `line ${id}: unit code`);
    present('BR-24', line, 'LineExtensionAmount');
    present('BR-25', line, 'Item/Name');
    present('BR-26', line, 'Price/PriceAmount');
    const price = num(text(line, 'Price/PriceAmount')) ?? 0;
    must('BR-27', price >= 0, `line ${id}: negative price`);
    const category = text(line, 'Item/ClassifiedTaxCategory/ID');
    must('BR-CO-04', category !== null, `line ${id}: VAT category missing`);
    const rate = num(text(line, 'Item/ClassifiedTaxCategory/Percent'));
    const net = cents(text(line, 'LineExtensionAmount')) ?? 0;
    lineSum += net;
    if (category === 'S') {
      must('BR-S-05', rate !== null && rate > 0, `line ${id}: S needs a rate above zero`);
      sRates.set(rate ?? 0, (sRates.get(rate ?? 0) ?? 0) + net);
      if (swedishSeller)
        must('SE-R-006', [6, 12, 25].includes(rate ?? -1), `line ${id}: rate ${rate} is not Swedish`);
    }
    const base = num(text(line, 'Price/BaseQuantity'));
    if (base !== null) must('PEPPOL-EN16931-R121', base > 0, `line ${id}: base quantity must be positive`);
    const qty = num(text(line, qtyName)) ?? 0;
    const lineAllowances = all(line, 'AllowanceCharge').reduce((s, ac) => {
      const amount = cents(text(ac, 'Amount')) ?? 0;
      return s + (text(ac, 'ChargeIndicator') === 'true' ? amount : -amount);
    }, 0);
    const expected = Math.round((qty * price * 100) / (base ?? 1)) + lineAllowances;
    must(
      'PEPPOL-EN16931-R120',
      Math.abs(expected - net) <= 2,
      `line ${id}: net ${net} ≠ qty × price ${expected}`,
    );
  }

  // Totals (BR-12…15, BR-CO-10…18) and VAT (BR-S-01, -02, -08, -09, -10, PEPPOL-EN16931-R053).
  const totals = at(doc, 'LegalMonetaryTotal');
  for (const [rule, field] of [
    ['BR-12', 'LineExtensionAmount'],
    ['BR-13', 'TaxExclusiveAmount'],
    ['BR-14', 'TaxInclusiveAmount'],
    ['BR-15', 'PayableAmount'],
  ] as const)
    present(rule, totals, field);
  const amount = (field: string) => cents(text(totals, field)) ?? 0;
  const docAllowances = all(doc, 'AllowanceCharge').filter((ac) => text(ac, 'ChargeIndicator') === 'false');
  const docCharges = all(doc, 'AllowanceCharge').filter((ac) => text(ac, 'ChargeIndicator') === 'true');
  const sumOf = (acs: XmlNode[]) => acs.reduce((s, ac) => s + (cents(text(ac, 'Amount')) ?? 0), 0);
  must('BR-CO-10', amount('LineExtensionAmount') === lineSum, `Σ line nets ${lineSum}`);
  must(
    'BR-CO-13',
    amount('TaxExclusiveAmount') === amount('LineExtensionAmount') - sumOf(docAllowances) + sumOf(docCharges),
    'net total ≠ lines − allowances + charges',
  );
  const taxTotals = all(doc, 'TaxTotal').filter((t) => attr(at(t, 'TaxAmount'), 'currencyID') === currency);
  must(
    'PEPPOL-EN16931-R053',
    taxTotals.filter((t) => all(t, 'TaxSubtotal').length > 0).length === 1,
    'one TaxTotal with subtotals',
  );
  const taxTotal = taxTotals[0];
  const subtotals = all(taxTotal, 'TaxSubtotal');
  must('BR-CO-18', subtotals.length > 0, 'at least one VAT breakdown');
  const vat = cents(text(taxTotal, 'TaxAmount')) ?? 0;
  must(
    'BR-CO-14',
    vat === subtotals.reduce((s, st) => s + (cents(text(st, 'TaxAmount')) ?? 0), 0),
    'VAT ≠ Σ subtotals',
  );
  must('BR-CO-15', amount('TaxInclusiveAmount') === amount('TaxExclusiveAmount') + vat, 'gross ≠ net + VAT');
  must(
    'BR-CO-16',
    amount('PayableAmount') ===
      amount('TaxInclusiveAmount') - amount('PrepaidAmount') + amount('PayableRoundingAmount'),
    'payable ≠ gross − prepaid + rounding',
  );
  if (amount('PayableAmount') > 0)
    must(
      'BR-CO-25',
      text(doc, 'DueDate') !== null ||
        text(doc, 'PaymentMeans/PaymentDueDate') !== null ||
        text(doc, 'PaymentTerms/Note') !== null,
      'due date or payment terms required',
    );
  for (const st of subtotals) {
    const category = text(st, 'TaxCategory/ID');
    const rate = num(text(st, 'TaxCategory/Percent')) ?? 0;
    const taxable = cents(text(st, 'TaxableAmount')) ?? 0;
    const tax = cents(text(st, 'TaxAmount')) ?? 0;
    const expected = Math.round(taxable * rate) / 100;
    must('BR-CO-17', Math.abs(tax - expected) <= 1, `VAT at ${rate} %: ${tax} ≠ ${taxable} × rate`);
    if (category === 'S') {
      const atRate = (acs: XmlNode[]) =>
        sumOf(
          acs.filter(
            (ac) => num(text(ac, 'TaxCategory/Percent')) === rate && text(ac, 'TaxCategory/ID') === 'S',
          ),
        );
      must(
        'BR-S-08',
        taxable === (sRates.get(rate) ?? 0) + atRate(docCharges) - atRate(docAllowances),
        `taxable at ${rate} % ≠ Σ S line nets at that rate`,
      );
      must('BR-S-10', text(st, 'TaxCategory/TaxExemptionReason') === null, 'S has no exemption reason');
    }
  }
  if (sRates.size > 0) {
    must(
      'BR-S-01',
      subtotals.some((st) => text(st, 'TaxCategory/ID') === 'S'),
      'an S line needs an S breakdown',
    );
    must('BR-S-02', text(sellerVat, 'CompanyID') !== null, 'an S line needs the seller VAT identifier');
  }

  // BR-DEC-*: document amounts have at most two decimals (prices may have more).
  for (const [, name = '', value = ''] of xml.matchAll(/<(?:\w+:)?(\w*Amount)\b[^>]*>([^<]*)</g)) {
    if (name !== 'PriceAmount' && name !== 'BaseAmount')
      must('BR-DEC', /^-?\d+(\.\d{1,2})?$/.test(value.trim()), `${name} ${value} has more than two decimals`);
  }
  return failures;
}

/** The order of a document's top-level elements, as written. */
export function topLevelSequence(xml: string): string[] {
  const { doc } = parseXml(Buffer.from(xml, 'utf8'));
  return Object.keys(doc).filter((k) => !k.startsWith('@'));
}
