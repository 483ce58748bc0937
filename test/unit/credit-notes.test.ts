import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeCredit, creditNoteNumber } from '../../src/domain/orders/credit-notes.js';
import { lineNet, milliToString, vatBreakdown } from '../../src/domain/orders/money.js';
import type { OrderLineRow } from '../../src/domain/orders/orders.models.js';
import { amount, unitCode } from '../../src/domain/orders/ubl.js';
import { prefersXml } from '../../src/api/contract.js';

const invoiceLine = (lineNo: number, price: number, milli: number, rate: number) =>
  ({
    lineNo,
    sku: `S-${lineNo}`,
    name: `Vara ${lineNo}`,
    unit: 'st',
    quantity: milliToString(BigInt(milli)),
    unitPriceCents: price,
    vatCategory: 'standard',
    vatRateBp: rate,
    netCents: lineNet(price, BigInt(milli)),
  }) as OrderLineRow;

describe('credit notes (property-based)', () => {
  const invoice = fc
    .array(
      fc.record({
        price: fc.integer({ min: 1, max: 100_000 }),
        milli: fc.integer({ min: 1, max: 50_000 }),
        rate: fc.constantFrom(600, 1200, 2500),
      }),
      { minLength: 1, maxLength: 6 },
    )
    .map((ls) => ls.map((l, i) => invoiceLine(i + 1, l.price, l.milli, l.rate)));

  it('never credits more than was invoiced, and crediting everything in parts credits exactly the invoice', () => {
    fc.assert(
      fc.property(
        invoice,
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 8 }),
        (lines, cuts) => {
          const earlier: { invoiceLineNo: number; quantity: string; netCents: number; vatRateBp: number }[] =
            [];
          const notes: ReturnType<typeof computeCredit>[] = [];
          // A part whose every line rounds to 0 öre is refused (nothing to credit); the quantities stay open.
          const issue = (request: Parameters<typeof computeCredit>[2]) => {
            try {
              const note = computeCredit(lines, earlier, request);
              notes.push(note);
              earlier.push(...note.lines);
            } catch (err) {
              expect(err).toMatchObject({ code: 'CREDIT_EXCEEDS_INVOICE' });
            }
          };
          // Credit each line in slices of `cut` % of its quantity until nothing is left, then refuse more.
          for (const cut of cuts) {
            const left = lines.flatMap((l) => {
              const done = earlier
                .filter((e) => e.invoiceLineNo === l.lineNo)
                .reduce((s, e) => s + Math.round(Number(e.quantity) * 1000), 0);
              const remaining = Math.round(Number(l.quantity) * 1000) - done;
              const slice = Math.min(remaining, Math.max(1, Math.floor((remaining * cut) / 100)));
              return slice > 0 ? [{ line_no: l.lineNo, quantity: slice / 1000 }] : [];
            });
            if (left.length === 0) break;
            issue(left);
          }
          issue(undefined);
          const expected = vatBreakdown(lines);
          for (const g of expected) {
            const credited = notes.flatMap((n) => n.vat).filter((v) => v.vatRateBp === g.vatRateBp);
            expect(credited.reduce((s, v) => s + v.taxableCents, 0)).toBe(g.netCents);
            expect(credited.reduce((s, v) => s + v.taxCents, 0)).toBe(g.taxCents);
          }
          for (const n of notes)
            for (const v of n.vat)
              expect(Math.abs(v.taxCents * 10_000 - v.taxableCents * v.vatRateBp)).toBeLessThanOrEqual(
                10_000,
              );
          const leftOver = lines.filter(
            (l) =>
              earlier
                .filter((e) => e.invoiceLineNo === l.lineNo)
                .reduce((q, e) => q + Number(e.quantity), 0) <
              Number(l.quantity) - 1e-9,
          );
          // Only lines whose remaining quantity is worth 0 öre can stay open; crediting again credits nothing.
          for (const l of leftOver)
            expect(
              earlier.filter((e) => e.invoiceLineNo === l.lineNo).reduce((s, e) => s + e.netCents, 0),
            ).toBe(l.netCents);
          expect(() => computeCredit(lines, earlier, undefined)).toThrow(/more than was invoiced/);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('numbers credit notes in their own series', () => {
    expect(creditNoteNumber(42, '2028-01-03')).toBe('KR-2028-00000042');
  });
});

describe('UBL details', () => {
  it('writes amounts with two decimals and maps units to UN/ECE codes', () => {
    expect([amount(0), amount(5), amount(123456), amount(-1505)]).toEqual([
      '0.00',
      '0.05',
      '1234.56',
      '-15.05',
    ]);
    expect([unitCode('kg'), unitCode(' St '), unitCode('l'), unitCode('hink')]).toEqual([
      'KGM',
      'H87',
      'LTR',
      'C62',
    ]);
  });

  it('negotiates XML only when the client prefers it', () => {
    expect(prefersXml(undefined)).toBe(false);
    expect(prefersXml('application/*')).toBe(false);
    expect(prefersXml('application/xml;q=0')).toBe(false);
    expect(prefersXml('text/html, application/xml;q=0.9')).toBe(true);
    expect(prefersXml('application/json;q=0.5, text/xml')).toBe(true);
  });
});
