import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { readImageHeader } from '../../src/domain/supplier-invoices/extraction/image-header.js';
import { openPdf } from '../../src/domain/supplier-invoices/extraction/pdf.js';
import { extractFromText } from '../../src/domain/supplier-invoices/extraction/text-fields.js';
import { pdfTextLines } from '../../src/domain/supplier-invoices/extraction/text-layout.js';
import {
  amountsIn,
  bankgiroIn,
  ibanIn,
  orgNumberIn,
  parseAmount,
  parseDate,
  vatNumberIn,
} from '../../src/domain/supplier-invoices/extraction/text-values.js';
import { pngClaiming } from '../helpers/bad-documents.js';
import { printed } from '../helpers/printed-lines.js';
import { sharedDataDir } from '../helpers/shared-data.js';

describe('Swedish amounts, dates and numbers', () => {
  it.each([
    ['1 234,50', 123450],
    ['1.234,50 kr', 123450],
    ['1\u00a0234,50', 123450],
    ['1,234.50', 123450],
    ['-0,48', -48],
    ['−12,00', -1200],
    ['99,48 kr', 9948],
    ['12 345 678,90 SEK', 1234567890],
  ])('%s is %i öre', (text, cents) => {
    expect(parseAmount(text)).toBe(cents);
  });

  it('refuses what is not an amount with two decimals', () => {
    for (const text of ['12', '1 234', 'abc', '1,2', '12,345']) expect(parseAmount(text)).toBeNull();
  });

  it('finds every amount in a line, and reads OCR letters for digits', () => {
    expect(amountsIn('Moms 25 %  1 000,00 kr  250,00 kr').map((a) => a.cents)).toEqual([100000, 25000]);
    expect(amountsIn('Att betala 1.2O4,5O').map((a) => a.cents)).toEqual([120450]);
  });

  it.each([
    ['2026-12-01', '2026-12-01'],
    ['1/12-26', '2026-12-01'],
    ['1/12-2026', '2026-12-01'],
    ['1 dec 2026', '2026-12-01'],
    ['1 december 2026', '2026-12-01'],
    ['01.12.2026', '2026-12-01'],
    ['02 Juillet 2015', '2015-07-02'],
    ['August 3 , 2014', '2014-08-03'],
    ['03/20/2023', '2023-03-20'],
    ['7. Mai 2014', '2014-05-07'],
  ])('%s is %s', (text, iso) => {
    expect(parseDate(`Fakturadatum ${text}`)).toBe(iso);
  });

  it('refuses impossible dates', () => {
    expect(parseDate('2026-02-30')).toBeNull();
    expect(parseDate('31/13-26')).toBeNull();
  });

  it('reads organisation numbers (Luhn-checked), VAT numbers, bankgiro and IBAN', () => {
    expect(orgNumberIn('Org.nr 556703-7485')).toBe('556703-7485');
    expect(orgNumberIn('Org.nr 556703-7486')).toBeNull();
    expect(vatNumberIn('Momsreg.nr SE 5567 0374 8501')).toBe('SE556703748501');
    expect(bankgiroIn('Bankgiro 5050-1055')).toBe('5050-1055');
    expect(ibanIn('IBAN SE45 5000 0000 0583 9825 7466')).toBe('SE4550000000058398257466');
  });
});

describe('field extraction from printed text', () => {
  const invoice = `
Grossist AB  Faktura
Fakturanummer   Fakturadatum   Förfallodatum
10042           1 dec 2026     31/12-26
Ordernummer: IR-2026-000042
Er referens: Anna Svensson
Art.nr  Benämning  Antal  À-pris  Moms  Belopp
1001  Mjölk 3 % 1 l  10 st  14,50  6 %  145,00
1002  Diskmedel 10 l  1 st  429,00  25 %  429,00
Summa exkl. moms  574,00
Moms 6 %  145,00  8,70
Moms 25 %  429,00  107,25
Öresavrundning  0,05
Att betala  690,00 kr
Bankgiro 5050-1055  OCR-nummer 100425
Grossist AB · Org.nr 556036-0793 · Momsreg.nr SE556036079301`;

  it('reads a Swedish invoice: header below labels, rows, VAT per rate, rounding, payment', () => {
    const { doc, confidence } = extractFromText(printed(invoice));
    expect(doc).toMatchObject({
      documentType: 'invoice',
      invoiceNumber: '10042',
      issueDate: '2026-12-01',
      dueDate: '2026-12-31',
      currency: 'SEK',
      orderReference: 'IR-2026-000042',
      buyerReference: 'Anna Svensson',
      netTotalCents: 57400,
      vatTotalCents: 11595,
      roundingCents: 5,
      payableCents: 69000,
      seller: { name: 'Grossist AB', orgNumber: '556036-0793', vatNumber: 'SE556036079301' },
      payment: { bankgiro: '5050-1055', ocrReference: '100425' },
      vat: [
        { rateBp: 600, taxableCents: 14500, taxCents: 870 },
        { rateBp: 2500, taxableCents: 42900, taxCents: 10725 },
      ],
    });
    expect(doc.lines).toEqual([
      expect.objectContaining({
        sellerItemId: '1001',
        quantity: '10.000',
        unitPriceCents: 1450,
        netCents: 14500,
        vatRateBp: 600,
      }),
      expect.objectContaining({
        sellerItemId: '1002',
        quantity: '1.000',
        unitPriceCents: 42900,
        netCents: 42900,
        vatRateBp: 2500,
      }),
    ]);
    // Beside a label is surer than below it; a derived total is less sure than a read one.
    expect(confidence.payable_cents).toBeGreaterThan(confidence.invoice_number ?? 1);
    expect(confidence.gross_total_cents).toBe(0.5);
  });

  it('scales confidence by how sure OCR was of the words', () => {
    const { confidence } = extractFromText(printed(invoice, 0.6));
    expect(confidence.payable_cents).toBeLessThan(0.6);
  });

  it('a credit note is recognised by its title; missing totals follow from the others', () => {
    const { doc } = extractFromText(
      printed(`Kreditfaktura
Fakturanummer: K-77
Fakturadatum: 2026-12-02
Avser faktura: 10042
Moms 25 %  100,00  25,00
Att betala  -125,00 kr`),
    );
    expect(doc).toMatchObject({
      documentType: 'credit_note',
      invoiceNumber: 'K-77',
      billingReference: '10042',
      payableCents: -12500,
    });
  });
});

describe('image headers, read before any decoding', () => {
  it('PNG and JPEG dimensions; a claimed 30,000 × 30,000 is reported as such', () => {
    expect(readImageHeader('png', pngClaiming(30_000, 30_000))).toEqual({
      width: 30_000,
      height: 30_000,
      pages: 1,
    });
    const canvas = createCanvas(321, 123);
    expect(readImageHeader('jpeg', canvas.toBuffer('image/jpeg'))).toEqual({
      width: 321,
      height: 123,
      pages: 1,
    });
    expect(readImageHeader('png', canvas.toBuffer('image/png'))).toEqual({
      width: 321,
      height: 123,
      pages: 1,
    });
  });

  it('TIFF: the largest page and the page count, either byte order', () => {
    const tiff = (le: boolean, sizes: [number, number][]) => {
      const b = Buffer.alloc(8 + sizes.length * (2 + 2 * 12 + 4));
      const u16 = (v: number, o: number) => (le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
      const u32 = (v: number, o: number) => (le ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));
      b.write(le ? 'II' : 'MM', 0, 'latin1');
      u16(42, 2);
      u32(8, 4);
      sizes.forEach(([w, h], i) => {
        const at = 8 + i * 30;
        u16(2, at);
        u16(256, at + 2);
        u16(4, at + 4);
        u32(1, at + 6);
        u32(w, at + 10);
        u16(257, at + 14);
        u16(4, at + 16);
        u32(1, at + 18);
        u32(h, at + 22);
        u32(i + 1 < sizes.length ? at + 30 : 0, at + 26);
      });
      return b;
    };
    expect(
      readImageHeader(
        'tiff',
        tiff(true, [
          [100, 200],
          [2480, 3508],
        ]),
      ),
    ).toEqual({ width: 2480, height: 3508, pages: 2 });
    expect(readImageHeader('tiff', tiff(false, [[40_000, 40_000]]))).toEqual({
      width: 40_000,
      height: 40_000,
      pages: 1,
    });
  });

  it('truncated or foreign bytes have no header', () => {
    expect(readImageHeader('png', Buffer.from('not a png'))).toBeNull();
    expect(readImageHeader('jpeg', Buffer.from([0xff, 0xd8, 0x00]))).toBeNull();
    expect(readImageHeader('tiff', Buffer.from('II*\0'))).toBeNull();
  });
});

describe('real PDFs with a text layer (invoice2data)', () => {
  const dir = sharedDataDir('ocr/invoice2data');
  const read = async (name: string) => {
    const pdf = await openPdf(readFileSync(join(dir ?? '', name)), 100);
    try {
      return extractFromText(await pdfTextLines(pdf)).doc;
    } finally {
      await pdf.destroy();
    }
  };
  const expected = (name: string) =>
    (JSON.parse(readFileSync(join(dir ?? '', name), 'utf8')) as Record<string, unknown>[])[0] ?? {};

  it.skipIf(!dir)('French (Free): number, dates and totals as the expected JSON says', async () => {
    const want = expected('free_fiber.json');
    const doc = await read('free_fiber.pdf');
    expect(doc).toMatchObject({
      invoiceNumber: want.invoice_number,
      issueDate: want.date,
      dueDate: want.date_due,
      payableCents: Math.round(Number(want.amount) * 100),
      currency: 'EUR',
    });
  });

  it.skipIf(!dir)(
    'English (AWS) and Dutch (Saeco): dates in words and in columns under their labels',
    async () => {
      const aws = await read('AmazonWebServices.pdf');
      expect(aws).toMatchObject({ invoiceNumber: '42183017', issueDate: '2014-08-03', payableCents: 411 });
      const saeco = await read('saeco.pdf');
      const want = expected('saeco.json');
      expect(saeco).toMatchObject({ issueDate: want.date, dueDate: want.date_due, payableCents: 4999 });
    },
  );
});
