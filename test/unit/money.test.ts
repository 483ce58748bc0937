import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  lineNet,
  milliToString,
  taxAt,
  toMilli,
  totals,
  vatBreakdown,
} from '../../src/domain/orders/money.js';
import { ocrReference } from '../../src/domain/orders/documents.js';
import { luhnValid } from '../../src/domain/organisations/org-number.js';
import { addDays, stockholmDate, stockholmTime, vatRateBp } from '../../src/domain/orders/vat.js';
import { checkTransition, ORDER_ACTIONS } from '../../src/domain/orders/lifecycle.js';

describe('money (property-based)', () => {
  const line = fc.record({
    price: fc.integer({ min: 1, max: 10_000_000 }),
    milli: fc.integer({ min: 1, max: 100_000_000 }),
    rate: fc.constantFrom(0, 600, 1200, 2500),
  });

  it('keeps line nets exact to the öre, rounding half up', () => {
    fc.assert(
      fc.property(line, (l) => {
        const net = lineNet(l.price, BigInt(l.milli));
        const exact = (BigInt(l.price) * BigInt(l.milli) * 2n) / 1000n; // twice the exact net, floored
        expect(BigInt(net)).toBe((exact + 1n) / 2n);
      }),
    );
  });

  it('computes VAT once per rate on the sum of the nets, and totals reproducible from the lines', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 200 }), (lines) => {
        const priced = lines.map((l) => ({ netCents: lineNet(l.price, BigInt(l.milli)), vatRateBp: l.rate }));
        const t = totals(priced);
        const groups = vatBreakdown(priced);
        for (const g of groups) {
          const taxable = priced
            .filter((p) => p.vatRateBp === g.vatRateBp)
            .reduce((s, p) => s + p.netCents, 0);
          expect(g.netCents).toBe(taxable);
          // |tax − taxable × rate| ≤ ½ öre: rounded once, not once per line.
          expect(Math.abs(g.taxCents * 10_000 - taxable * g.vatRateBp)).toBeLessThanOrEqual(5_000);
          expect(g.taxCents).toBe(taxAt(taxable, g.vatRateBp));
        }
        expect(groups.map((g) => g.vatRateBp)).toEqual(
          [...new Set(lines.map((l) => l.rate))].sort((a, b) => b - a),
        );
        expect(t.subtotalCents).toBe(priced.reduce((s, p) => s + p.netCents, 0));
        expect(t.taxCents).toBe(groups.reduce((s, g) => s + g.taxCents, 0));
        expect(t.totalCents).toBe(t.subtotalCents + t.taxCents);
        expect(t.taxCents).toBeGreaterThanOrEqual(0);
        // The same lines in any order give the same totals.
        expect(totals([...priced].reverse())).toEqual(t);
      }),
    );
  });

  it('a 200-line order: VAT is base × rate (193.56 kr), not the sum of 200 line roundings (194.00 kr)', () => {
    // 200 lines of 16.13 kr at 6 %: each line's 0.9678 kr would round to 0.97 kr.
    const lines = Array.from({ length: 200 }, () => ({ netCents: 1613, vatRateBp: 600 }));
    expect(totals(lines)).toEqual({ subtotalCents: 322_600, taxCents: 19_356, totalCents: 341_956 });
    expect(lines.reduce((s, l) => s + taxAt(l.netCents, l.vatRateBp), 0)).toBe(19_400);
  });

  it('lists the VAT breakdown highest rate first', () => {
    const groups = vatBreakdown([
      { netCents: 100, vatRateBp: 600 },
      { netCents: 100, vatRateBp: 2500 },
      { netCents: 100, vatRateBp: 1200 },
      { netCents: 50, vatRateBp: 600 },
    ]);
    expect(groups).toEqual([
      { vatRateBp: 2500, netCents: 100, taxCents: 25 },
      { vatRateBp: 1200, netCents: 100, taxCents: 12 },
      { vatRateBp: 600, netCents: 150, taxCents: 9 },
    ]);
  });

  it('parses and prints quantities with up to three decimals', () => {
    expect(toMilli('2.5')).toBe(2500n);
    expect(toMilli(0.001)).toBe(1n);
    expect(milliToString(2500n)).toBe('2.500');
    expect(() => toMilli('1.0001')).toThrow(RangeError);
    expect(() => toMilli('-1')).toThrow(RangeError);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), (m) => {
        expect(toMilli(milliToString(BigInt(m)))).toBe(BigInt(m));
      }),
    );
  });

  it('examples: 3 × 12.90 kr at 6 %, 0.375 kg at 129.90 kr/kg', () => {
    expect(lineNet(1290, 3000n)).toBe(3870);
    expect(taxAt(3870, 600)).toBe(232);
    expect(lineNet(12990, 375n)).toBe(4871); // 4871.25 → 4871
    expect(lineNet(3, 500n)).toBe(2); // 1.5 → 2 (half up)
  });
});

describe('Swedish VAT by date', () => {
  it.each([
    ['food', '2026-03-31', 1200],
    ['food', '2026-04-01', 600],
    ['food', '2027-12-31', 600],
    ['food', '2028-01-01', 1200],
    ['standard', '2026-06-01', 2500],
    ['restaurant_service', '2026-06-01', 1200],
    ['alcohol', '2026-06-01', 2500],
  ] as const)('%s on %s is %i bp', (category, date, bp) => {
    expect(vatRateBp(category, date)).toBe(bp);
  });

  it('uses the Stockholm calendar and clock', () => {
    expect(stockholmDate(new Date('2026-11-26T23:30:00Z'))).toBe('2026-11-27');
    expect(stockholmTime(new Date('2026-11-26T17:55:00Z'))).toBe('2026-11-26T18:55:00+01:00');
    expect(stockholmTime(new Date('2026-07-01T10:00:00Z'))).toBe('2026-07-01T12:00:00+02:00');
    expect(addDays('2026-12-15', 30)).toBe('2027-01-14');
  });
});

describe('documents', () => {
  it('gives a Luhn-valid OCR reference with a length digit, deterministic per order serial', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (serial) => {
        const ocr = ocrReference(serial);
        expect(luhnValid(ocr)).toBe(true);
        expect(Number(ocr.at(-2))).toBe(ocr.length % 10);
        expect(ocrReference(serial)).toBe(ocr);
      }),
    );
    expect(ocrReference(1)).not.toBe(ocrReference(2));
  });
});

describe('transition table', () => {
  it('knows every action', () => {
    expect(ORDER_ACTIONS).toEqual(['confirm', 'dispatch', 'deliver', 'invoice', 'cancel']);
    expect(checkTransition('confirm', 'placed', 'restaurant')).toEqual({ ok: false, reason: 'forbidden' });
    expect(checkTransition('confirm', 'delivered', 'admin')).toEqual({ ok: false, reason: 'invalid' });
  });
});
