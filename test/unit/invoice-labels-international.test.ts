import { describe, expect, it } from 'vitest';
import { identifier } from '../../src/domain/supplier-invoices/extraction/text-labels.js';
import { extractFromText } from '../../src/domain/supplier-invoices/extraction/text-fields.js';
import { amountsIn } from '../../src/domain/supplier-invoices/extraction/text-values.js';
import { printed } from '../helpers/printed-lines.js';

/** Each rule of the foreign-invoice reading on a few synthetic lines, in the languages suppliers print. */

const read = (text: string) => extractFromText(printed(text)).doc;
const cents = (text: string) => amountsIn(text).map((a) => a.cents);

describe('amounts and numbers beyond Swedish print', () => {
  it('a date or a version is no amount, whatever its separators', () => {
    expect(cents('Zahlungsziel  21.05.14')).toEqual([]);
    expect(cents('Zahlbar innerhalb 30 Tagen netto bis 04.07.2018')).toEqual([]);
    expect(cents('Release 1.2.30')).toEqual([]);
    expect(cents('Total  1.234,50')).toEqual([123450]);
  });

  it('a whole amount counts beside a currency sign or code, a bare integer does not', () => {
    expect(cents('Grand Total  Rs 1939')).toEqual([193900]);
    expect(cents('Montant  40 €')).toEqual([4000]);
    expect(cents('Att betala 1 250 kr')).toEqual([125000]);
    expect(cents('Total EUR 1,250')).toEqual([125000]);
    expect(cents('Room 1939 x 1 Night, page 2 of 3')).toEqual([]);
    expect(cents('Working hours 12')).toEqual([]);
    // A decimal amount with its sign is read once, not again as a whole one.
    expect(cents('Total  $4.11  € 2,50')).toEqual([411, 250]);
  });

  it('an identifier is never a date', () => {
    expect(identifier('8-9-2022')).toBeNull();
    expect(identifier('05.03.2018')).toBeNull();
    expect(identifier('VF1005193039')).toBe('VF1005193039');
    expect(identifier('INV/2023/03/0008')).toBe('INV/2023/03/0008');
  });
});

describe('invoice number and dates', () => {
  it('a header row naming the document twice: the number sits under "Factuur", not "Factuur datum"', () => {
    const doc = read(`
Kopie factuur
Klant     Order     Factuur datum  Factuur        Vervaldatum
C-0303    O-0444    8-9-2022       VF1005193039   22-9-2022`);
    expect(doc).toMatchObject({
      invoiceNumber: 'VF1005193039',
      issueDate: '2022-09-08',
      dueDate: '2022-09-22',
    });
  });

  it('a title with its number and date: "Handelsrechnung (380) Nr. 471102 vom 05.03.2018"', () => {
    const doc = read(`
Handelsrechnung (380) Nr. 471102 vom 05.03.2018
Bemerkung  Rechnung gemäß Bestellung vom 01.03.2018.`);
    expect(doc).toMatchObject({ invoiceNumber: '471102', issueDate: '2018-03-05' });
  });

  it('French, Dutch and English labels for number, date and due date', () => {
    expect(read('Facture n° 2022089083\nDate : 28/11/2022')).toMatchObject({
      invoiceNumber: '2022089083',
      issueDate: '2022-11-28',
    });
    expect(read('Factuurnummer: 993548900\nFactuurdatum: 19 april 2014')).toMatchObject({
      invoiceNumber: '993548900',
      issueDate: '2014-04-19',
    });
    expect(read('Invoice ID: A-17\nInvoice Date: 03/20/2023\nDue Date: 04/04/2023')).toMatchObject({
      invoiceNumber: 'A-17',
      issueDate: '2023-03-20',
      dueDate: '2023-04-04',
    });
  });

  it('German due dates: a "Fälligkeit" column and a "Zahlungsziel"', () => {
    expect(read('Beschreibung  Fälligkeit  Teilzahlung\n              30.11.2018').dueDate).toBe(
      '2018-11-30',
    );
    expect(read('Rechnungsnr. 30064443\nZahlungsziel  21.05.14').dueDate).toBe('2014-05-21');
  });

  it('a receipt without an invoice number is known by its booking number', () => {
    expect(read('PAYMENT RECEIPT\nBooking ID  Payment Mode\nIBZY2087    Cash at Hotel').invoiceNumber).toBe(
      'IBZY2087',
    );
  });
});

describe('net, VAT and totals', () => {
  it('"excluding VAT" wins over a sub-total that already holds the VAT', () => {
    const doc = read(`
Exclusief BTW  € 593,36  Subtotaal  € 717,97
BTW 21%  € 124,61
Totaal  € 717,97`);
    expect(doc).toMatchObject({ netTotalCents: 59336, vatTotalCents: 12461, payableCents: 71797 });
  });

  it('the last sub-total is the net when nothing says "excluding VAT"', () => {
    const doc = read(`
Subtotal $ 112.00
Subtotal $ 150.90
Subtotal  $ 262.90
Tax 15% on $ 112.90  $ 16.94
Total  $ 279.84`);
    expect(doc).toMatchObject({ netTotalCents: 26290, vatTotalCents: 1694, payableCents: 27984 });
  });

  it('"netto" in the payment terms is no net amount', () => {
    const doc = read(`
Zahlbar innerhalb 30 Tagen netto bis 04.07.2018
Rechnungssumme ohne USt.  193,77
Steuerbetrag  21,30
Zahlbetrag  215,07`);
    expect(doc).toMatchObject({ netTotalCents: 19377, vatTotalCents: 2130, payableCents: 21507 });
  });

  it('French totals: HT, TVA with its rate, TTC', () => {
    const doc = read('Total HT :  46,68 €\nTVA 20% :  9,34 €\nTotal TTC :  56,02 €');
    expect(doc).toMatchObject({ netTotalCents: 4668, vatTotalCents: 934, payableCents: 5602 });
    expect(doc.vat).toEqual([{ category: 'S', rateBp: 2000, taxableCents: 4668, taxCents: 934 }]);
  });

  it('a bare tax line ("Tax *  $0.00") is the VAT total, and the net follows from the total', () => {
    const doc = read('Charges  $4.11\nTax *  $0.00\nTotal for this invoice  $4.11');
    expect(doc).toMatchObject({ vatTotalCents: 0, netTotalCents: 411, payableCents: 411 });
  });

  it('a German rate table prints the rate as a bare number: base, rate, tax', () => {
    const doc = read(`
Umsatzsteueraufschlüsselung
Art (Kategorie)  Basisbetrag  Steuersatz [%]  Steuerbetrag
Umsatzsteuer ( ) S  275,00  7  19,25
Umsatzsteuer ( ) S  198,00  19  37,62`);
    expect(doc.vat).toEqual([
      { category: 'S', rateBp: 700, taxableCents: 27500, taxCents: 1925 },
      { category: 'S', rateBp: 1900, taxableCents: 19800, taxCents: 3762 },
    ]);
  });

  it('a zero rate needs its zero tax printed after the base', () => {
    const doc = read('Umsatzsteuer ( ) K\nMehrwertsteuerbefreiung\n2.000,00  0  0,00');
    expect(doc.vat).toEqual([{ category: 'Z', rateBp: 0, taxableCents: 200_000, taxCents: 0 }]);
    expect(read('Steuersatz\nPos 3  2.000,00  0  12,00').vat).toEqual([]);
  });

  it('a rate whose % OCR misread is still a rate when the arithmetic holds, never otherwise', () => {
    expect(read('Moms 6 4  1.658,00 kr  99,48 kr').vat).toEqual([
      { category: 'S', rateBp: 600, taxableCents: 165_800, taxCents: 9948 },
    ]);
    expect(read('Moms 6 4  1.658,00 kr  99,00 kr').vat).toEqual([]);
  });

  it('an article row whose % OCR read as letters still counts, with its rate', () => {
    const doc = read('10138  Vetemjöl 2 kg  10 st  23,90 kr  6 NY  239,00 kr');
    expect(doc.lines).toEqual([
      expect.objectContaining({ quantity: '10.000', unitPriceCents: 2390, netCents: 23900, vatRateBp: 600 }),
    ]);
  });

  it('an article row read without Swedish letters keeps its unit (säck → sack, förp → forp)', () => {
    const doc = read(
      '10175  Gul lök 5 kg  10 sack  64,50  6 %  645,00\n10212  Kycklingfilé  8 forp  289,50  6 %  2.316,00',
    );
    expect(doc.lines.map((l) => [l.quantity, l.unitCode, l.netCents])).toEqual([
      ['10.000', 'SACK', 64_500],
      ['8.000', 'FORP', 231_600],
    ]);
  });
});
