import { mulDiv } from './decimal.js';
import type { VatGroup } from './extracted.js';
import type { TextLine } from './text-layout.js';
import { VAT_WORD } from './text-lines.js';
import { amountsIn, ratesIn } from './text-values.js';

export const lineConfidence = (line: TextLine) =>
  line.words.length === 0 ? 1 : Math.min(...line.words.map((w) => w.confidence));

/** Headings of rate tables in the languages that print no `%` (German "Umsatzsteuer", "Steuersatz"). */
const VAT_TABLE_WORD =
  /umsatzsteuer|mehrwertsteuer|steuersatz|vat rate|tax rate|taux de tva|btw ?%|momssats/i;

/** The VAT rates of the EU and beyond that a bare number in a rate table can be (percent). */
const KNOWN_RATES = new Set([
  0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 27,
]);

/**
 * A rate printed without `%` (or with the sign misread by OCR): a whole number of a known rate and two amounts
 * after or around it where tax = base × rate to the öre. Only the arithmetic makes it a VAT line; a zero
 * rate needs its zero tax printed right after the base.
 */
function bareRateGroup(text: string): VatGroup | null {
  const amounts = amountsIn(text);
  if (amounts.length < 2) return null;
  for (const m of text.matchAll(/(?<![\d.,])(\d{1,2})(?![\d.,]?\d)/g)) {
    const bp = Number(m[1]) * 100;
    if (!KNOWN_RATES.has(bp / 100) || amounts.some((a) => m.index >= a.index && m.index < a.end)) continue;
    for (const [b, base] of amounts.entries()) {
      const tax = amounts[b + 1];
      if (!tax || base.cents <= 0) continue;
      const fits =
        bp === 0
          ? tax.cents === 0 && base.end <= m.index && m.index < tax.index
          : tax.cents !== 0 && Math.abs(tax.cents - mulDiv(base.cents, bp, 10_000)) <= 1;
      if (fits)
        return { category: bp === 0 ? 'Z' : 'S', rateBp: bp, taxableCents: base.cents, taxCents: tax.cents };
    }
  }
  return null;
}

export /** VAT per rate from lines like "Moms 25 % 1 000,00 250,00" or a rate table under a VAT heading. */
function vatGroups(lines: TextLine[], itemLines: Set<number>): { groups: VatGroup[]; confidence: number } {
  const groups = new Map<number, VatGroup>();
  let confidence = 1;
  lines.forEach((line, i) => {
    if (itemLines.has(i)) return;
    const context = [line.text, lines[i - 1]?.text ?? '', lines[i - 2]?.text ?? ''].join(' ');
    if (!VAT_WORD.test(context)) {
      // A rate table under its heading prints the rate as a bare number column ("275,00  7  19,25").
      const table = [context, lines[i - 3]?.text ?? ''].join(' ');
      if (!VAT_TABLE_WORD.test(table)) return;
    }
    const printed = ratesIn(line.text);
    if (printed.length === 0) {
      const group = bareRateGroup(line.text);
      if (group && !groups.has(group.rateBp)) {
        groups.set(group.rateBp, group);
        confidence = Math.min(confidence, lineConfidence(line));
      }
      return;
    }
    for (const rate of printed) {
      if (rate.bp > 3000 || groups.has(rate.bp)) continue;
      const after = amountsIn(line.text.slice(rate.index)).map((a) => a.cents);
      // A base and its tax: the pair where tax = base × rate (to the öre).
      const pair = after
        .flatMap((base, i) => after.slice(i + 1).map((tax) => ({ base, tax })))
        .find((p) => Math.abs(p.tax - mulDiv(p.base, rate.bp, 10_000)) <= 1);
      const category = rate.bp === 0 ? 'Z' : 'S';
      let group: VatGroup | undefined = pair
        ? { category, rateBp: rate.bp, taxableCents: pair.base, taxCents: pair.tax }
        : undefined;
      const only = after.length === 1 ? after[0] : undefined;
      if (!group && only !== undefined && rate.bp > 0 && VAT_WORD.test(line.text)) {
        // Only the VAT amount printed: the base follows from the rate (checked against the net total later).
        group = { category, rateBp: rate.bp, taxableCents: mulDiv(only, 10_000, rate.bp), taxCents: only };
        confidence = Math.min(confidence, 0.6);
      }
      if (group) groups.set(rate.bp, group);
      confidence = Math.min(confidence, lineConfidence(line));
    }
  });
  return {
    groups: [...groups.values()].map(({ category, rateBp, taxableCents, taxCents }) => ({
      category,
      rateBp,
      taxableCents,
      taxCents,
    })),
    confidence,
  };
}
