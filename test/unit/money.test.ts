import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  lineNet,
  lineTax,
  milliToString,
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

  it('rounds each line half-up and keeps total = subtotal + tax, total ≥ tax ≥ 0', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 200 }), (lines) => {
        const priced = lines.map((l) => {
          const net = lineNet(l.price, BigInt(l.milli));
          const exact = (l.price * l.milli) / 1000;
          expect(Math.abs(net - exact)).toBeLessThanOrEqual(0.5);
          if (exact - Math.floor(exact) === 0.5) expect(net).toBe(Math.ceil(exact));
          return { netCents: net, taxCents: lineTax(net, l.rate), vatRateBp: l.rate };
        });
        const t = totals(priced);
        expect(t.totalCents).toBe(t.subtotalCents + t.taxCents);
        expect(t.totalCents).toBeGreaterThanOrEqual(t.taxCents);
        expect(t.taxCents).toBeGreaterThanOrEqual(0);
        const breakdown = vatBreakdown(priced);
        expect(breakdown.reduce((s, b) => s + b.taxCents, 0)).toBe(t.taxCents);
        expect(breakdown.reduce((s, b) => s + b.netCents, 0)).toBe(t.subtotalCents);
      }),
    );
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
    expect(lineTax(3870, 600)).toBe(232);
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
