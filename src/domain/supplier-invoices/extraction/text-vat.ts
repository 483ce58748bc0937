import { mulDiv } from './decimal.js';
import type { VatGroup } from './extracted.js';
import type { TextLine } from './text-layout.js';
import { VAT_WORD } from './text-lines.js';
import { amountsIn, ratesIn } from './text-values.js';

export const lineConfidence = (line: TextLine) =>
  line.words.length === 0 ? 1 : Math.min(...line.words.map((w) => w.confidence));

export /** VAT per rate from lines like "Moms 25 % 1 000,00 250,00" or a rate table under a VAT heading. */
function vatGroups(lines: TextLine[], itemLines: Set<number>): { groups: VatGroup[]; confidence: number } {
  const groups = new Map<number, VatGroup>();
  let confidence = 1;
  lines.forEach((line, i) => {
    if (itemLines.has(i)) return;
    const context = [line.text, lines[i - 1]?.text ?? '', lines[i - 2]?.text ?? ''].join(' ');
    if (!VAT_WORD.test(context)) return;
    for (const rate of ratesIn(line.text)) {
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
