import { parseCii } from './cii.js';
import type { ExtractedInvoice } from './extracted.js';
import { parseUbl } from './ubl.js';
import { parseXml, XmlRejected } from './xml.js';

export type XmlFormat = 'ubl' | 'cii';

/** Which structured format an XML document's root says it is; null for XML that is not an invoice. */
export function xmlFormatOf(root: string | null): XmlFormat | null {
  if (root === 'Invoice' || root === 'CreditNote') return 'ubl';
  if (root === 'CrossIndustryInvoice') return 'cii';
  return null;
}

/** A UBL or CII invoice from its bytes; throws `XmlRejected` for DTDs, malformed XML and non-invoices. */
export function parseStructuredInvoice(bytes: Buffer): ExtractedInvoice {
  const { root, doc } = parseXml(bytes);
  if (root === 'Invoice' || root === 'CreditNote') return parseUbl(doc, root);
  if (root === 'CrossIndustryInvoice') return parseCii(doc);
  throw new XmlRejected(
    'NOT_AN_INVOICE',
    `XML root <${root}> is not a UBL invoice, credit note or CII invoice`,
  );
}
