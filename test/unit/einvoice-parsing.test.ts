import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkConsistency } from '../../src/domain/supplier-invoices/extraction/consistency.js';
import { toCents, toQuantity } from '../../src/domain/supplier-invoices/extraction/decimal.js';
import {
  embeddedInvoiceXml,
  openPdf,
  PdfRejected,
} from '../../src/domain/supplier-invoices/extraction/pdf.js';
import { parseStructuredInvoice } from '../../src/domain/supplier-invoices/extraction/structured.js';
import { XmlRejected } from '../../src/domain/supplier-invoices/extraction/xml.js';
import { sharedDataDir } from '../helpers/shared-data.js';

const peppol = sharedDataDir('einvoice/peppol-bis3');
const zugferd = sharedDataDir('einvoice/zugferd-en16931');

/** The stated PayableAmount / DuePayableAmount, read with a plain regex as an independent oracle. */
function statedPayable(xml: string): number | null {
  const m = /<(?:cbc:PayableAmount|ram:DuePayableAmount)[^>]*>([^<]+)</.exec(xml);
  return m ? toCents(m[1]) : null;
}

describe('decimal text to integers', () => {
  it('rounds half away from zero without floating point', () => {
    expect(toCents('1234.50')).toBe(123450);
    expect(toCents('0.005')).toBe(1);
    expect(toCents('0.0049')).toBe(0);
    expect(toCents('-1656.25')).toBe(-165625);
    expect(toCents('8550')).toBe(855000);
    expect(toCents('1,5')).toBeNull();
    expect(toQuantity('2')).toBe('2.000');
    expect(toQuantity('-1.5')).toBe('-1.500');
  });
});

describe.skipIf(!peppol)('Peppol BIS 3 examples', () => {
  const files = peppol ? readdirSync(peppol).filter((f) => f.endsWith('.xml')) : [];
  it.each(files)('%s parses consistently, with the stated payable amount', (file) => {
    const bytes = readFileSync(join(peppol!, file));
    const inv = parseStructuredInvoice(bytes);
    expect(inv.payableCents).toBe(statedPayable(bytes.toString('utf8')));
    expect(inv.lines.length).toBeGreaterThan(0);
    expect(inv.vat.length).toBeGreaterThan(0);
    expect(checkConsistency(inv)).toEqual([]);
  });

  it('reads the base example field by field', () => {
    const inv = parseStructuredInvoice(readFileSync(join(peppol!, 'base-example.xml')));
    expect(inv).toMatchObject({
      documentType: 'invoice',
      invoiceNumber: 'Snippet1',
      issueDate: '2017-11-13',
      dueDate: '2017-12-01',
      currency: 'EUR',
      lineTotalCents: 130000,
      netTotalCents: 132500,
      vatTotalCents: 33125,
      payableCents: 165625,
    });
    expect(inv.vat).toEqual([{ category: 'S', rateBp: 2500, taxableCents: 132500, taxCents: 33125 }]);
    expect(inv.lines[0]).toMatchObject({
      quantity: '7.000',
      unitCode: 'DAY',
      unitPriceCents: 40000,
      netCents: 280000,
    });
  });

  it('reads a credit note and the invoice it corrects', () => {
    const inv = parseStructuredInvoice(readFileSync(join(peppol!, 'base-creditnote-correction.xml')));
    expect(inv.documentType).toBe('credit_note');
    expect(inv.billingReference).toBe('Snippet1');
  });
});

describe.skipIf(!zugferd)('ZUGFeRD / Factur-X EN 16931: CII, UBL and the PDF agree', () => {
  const names = [
    'EN16931_Einfach',
    'EN16931_Rabatte',
    'EN16931_Gutschrift',
    'EN16931_Innergemeinschaftliche_Lieferungen',
  ];
  it.each(names)('%s', async (name) => {
    const cii = readFileSync(join(zugferd!, `${name}.cii.xml`));
    const ubl = readFileSync(join(zugferd!, `${name}.ubl.xml`));
    const fromCii = parseStructuredInvoice(cii);
    const fromUbl = parseStructuredInvoice(ubl);
    expect(fromCii.payableCents).toBe(statedPayable(cii.toString('utf8')));
    expect(checkConsistency(fromCii)).toEqual([]);
    expect(checkConsistency(fromUbl)).toEqual([]);
    for (const key of [
      'invoiceNumber',
      'issueDate',
      'currency',
      'netTotalCents',
      'vatTotalCents',
      'payableCents',
    ] as const) {
      expect(fromCii[key], key).toEqual(fromUbl[key]);
    }
    expect(fromCii.vat).toEqual(fromUbl.vat);
    expect(fromCii.lines.map((l) => l.netCents)).toEqual(fromUbl.lines.map((l) => l.netCents));

    const pdf = await openPdf(readFileSync(join(zugferd!, `${name}.pdf`)), 100);
    const xml = await embeddedInvoiceXml(pdf);
    await pdf.destroy();
    expect(xml).not.toBeNull();
    const fromPdf = parseStructuredInvoice(xml!);
    expect(fromPdf.payableCents).toBe(fromCii.payableCents);
    expect(fromPdf.vat).toEqual(fromCii.vat);
  });
});

describe('hostile XML and PDFs', () => {
  const reject = (xml: string) => () => parseStructuredInvoice(Buffer.from(xml));
  it('refuses DTDs, external entities and entity expansion before parsing', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><Invoice>&lol2;</Invoice>`;
    const xxe = `<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Invoice><ID>&xxe;</ID></Invoice>`;
    for (const xml of [laughs, xxe]) {
      expect(reject(xml)).toThrow(XmlRejected);
      expect(reject(xml)).toThrow(/DOCTYPE/);
    }
  });
  it('refuses XML that is not an invoice, and malformed XML', () => {
    expect(reject('<?xml version="1.0"?><Order><ID>1</ID></Order>')).toThrow(/not a UBL invoice/);
    expect(reject('<Invoice><ID>1</ID>')).toThrow(XmlRejected);
  });
  it('refuses corrupt PDFs', async () => {
    await expect(openPdf(Buffer.from('%PDF-1.7\n1 0 obj garbage'), 10)).rejects.toBeInstanceOf(PdfRejected);
  });
});
