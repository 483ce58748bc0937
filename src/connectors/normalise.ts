/** Turns the portals' printed Swedish values into Iris fields. */

/** "1 234,50 kr/kg" → { ore: 123450, unit: 'kg' }; undefined when the text is not a price. */
export function parseSwedishPrice(text: string): { ore: number; unit: string } | undefined {
  const match = /(\d[\d\s\u00a0]*)(?:,(\d{1,2}))?\s*kr(?:\s*\/\s*([a-zåäö]+))?/i.exec(text);
  if (!match) return undefined;
  const kronor = Number((match[1] ?? '').replace(/[\s\u00a0]/g, ''));
  const ore = kronor * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
  if (!Number.isSafeInteger(ore) || ore <= 0) return undefined;
  return { ore, unit: (match[3] ?? 'st').toLowerCase() };
}

/**
 * The pack size as a number of the priced unit, for Iris's `pack_size`: "12x1 l" → 12, "ca 2,5 kg" → 2.5,
 * "6x500 g" → 6, "24 st/krt" → 24. Undefined when the text carries no number.
 */
export function parsePackSize(text: string): number | undefined {
  const multi = /(\d+)\s*x\s*\d/i.exec(text);
  if (multi) return Number(multi[1]);
  const single = /(\d+(?:[,.]\d+)?)/.exec(text);
  if (!single) return undefined;
  const value = Number((single[1] ?? '').replace(',', '.'));
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** A GTIN-8/12/13/14 with a valid check digit, from text such as "EAN 7300000000012"; otherwise null. */
export function extractGtin(text: string): string | null {
  const digits = /(\d{8,14})/.exec(text)?.[1];
  if (!digits || ![8, 12, 13, 14].includes(digits.length)) return null;
  const body = digits.slice(0, -1);
  const sum = Array.from(body, Number)
    .reverse()
    .reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === Number(digits.at(-1)) ? digits : null;
}

/**
 * The VAT category of a mirrored portal article, from its category and name: portals do not publish VAT rates, and
 * a silent food default would tax drinks and non-food at 6 % (#11). Alcoholic drinks 25 % (alcohol), non-food
 * consumables 25 % (standard), everything else food. Suppliers correct single articles in the catalog.
 */
export function vatCategoryFor(category: string, name: string): 'food' | 'standard' | 'alcohol' {
  const text = `${category} ${name}`.toLowerCase();
  if (
    !/alkoholfri/.test(text) &&
    /\b(vin|öl|sprit|alkohol|cider|whisky|vodka|likör|champagne)\b/.test(text)
  ) {
    return 'alcohol';
  }
  if (/(rengöring|diskmedel|engångs|förbrukning|servett|plast|papper|kemtekn|non.?food)/.test(text))
    return 'standard';
  return 'food';
}
