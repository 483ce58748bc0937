import { mulDiv, toQuantity } from './decimal.js';
import type { ExtractedLine } from './extracted.js';
import type { TextLine } from './text-layout.js';
import { AMOUNT_SOURCE, parseAmount } from './text-values.js';

/**
 * Invoice rows from printed text: "[article no] description quantity [unit] unit price [VAT %] amount" (OCR with
 * the Swedish model may read the `%` as a letter pair or drop it: the rate column takes either). A row
 * counts only when quantity × unit price gives its amount (to the öre, or within a printed rounding), so a
 * heading, an address or a totals line is never taken for an article.
 */

export const VAT_WORD = /\b(moms|vat|mwst|ust|btw|tva|tax|iva|gst)\b/i;

/** Units as printed, and as OCR without Swedish letters reads them (förp → forp, säck → sack). */
const UNITS =
  'st|kg|g|l|liter|lit|dl|cl|ml|frp|förp|forp|krt|kart|fl|pkt|ask|hink|säck|sack|dunk|bk|burk|pall|kolli|rl|EA|pcs|pc|h|tim|ea|x';
const ROW = new RegExp(
  String.raw`^(?:(?<sku>[A-Z]{0,4}\d[\dA-Z-]{2,})\s+)?(?<desc>.*?\p{L}.*?)\s+(?<qty>-?\d{1,6}(?:[.,]\d{1,3})?)\s*(?<unit>${UNITS})?\.?\s+(?:à\s*)?(?<price>${AMOUNT_SOURCE})(?:\s*(?:kr|SEK|€))?(?:/(?:${UNITS}))?\s+(?:(?<rate>\d{1,2})\s?(?:%|[^\s\d]{1,2})?\s+)?(?<amount>${AMOUNT_SOURCE})(?:\s*(?:kr|SEK|€))?$`,
  'iu',
);

const GTIN = /\b(\d{13}|\d{8}|\d{14})\b/;

function readRow(text: string, lineNo: number): ExtractedLine | null {
  const m = ROW.exec(text.replace(/\s+/g, ' ').trim());
  const g = m?.groups;
  if (!g?.qty || !g.price || !g.amount || !g.desc) return null;
  const quantity = toQuantity(g.qty.replace(',', '.'));
  const price = parseAmount(g.price);
  const amount = parseAmount(g.amount);
  if (quantity === null || price === null || amount === null || VAT_WORD.test(g.desc)) return null;
  const milli = Math.round(Number(quantity) * 1000);
  if (milli === 0 || Math.abs(mulDiv(price, milli, 1000) - amount) > 1) return null;
  const gtin = GTIN.exec(g.desc)?.[1] ?? null;
  const description = g.desc.replace(GTIN, '').replace(/\s+/g, ' ').trim();
  return {
    lineNo,
    sellerItemId: g.sku ?? null,
    gtin,
    description,
    quantity,
    unitCode: g.unit ? g.unit.toUpperCase() : null,
    unitPriceCents: price,
    allowanceCents: 0,
    netCents: amount,
    vatCategory: g.rate ? (g.rate === '0' ? 'Z' : 'S') : null,
    vatRateBp: g.rate ? Number(g.rate) * 100 : null,
  };
}

/** The article rows, numbered in print order, and which text lines they came from. */
export function readItemLines(lines: TextLine[]): { lines: ExtractedLine[]; lineIndexes: Set<number> } {
  const out: ExtractedLine[] = [];
  const lineIndexes = new Set<number>();
  lines.forEach((line, i) => {
    const row = readRow(line.text, out.length + 1);
    if (row) {
      out.push(row);
      lineIndexes.add(i);
    }
  });
  return { lines: out, lineIndexes };
}
