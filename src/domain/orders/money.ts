/**
 * Order arithmetic in integers only: prices in öre, quantities in thousandths (milli-units), VAT in basis
 * points. Rounding is half-up: each line's net = round(unit_price × quantity); VAT is computed per rate on the
 * sum of the nets at that rate and rounded once (EN 16931: VAT category tax amount = taxable amount × rate), so
 * a 200-line order is not off by up to a krona of accumulated per-line roundings. Every total is reproducible
 * from the lines.
 */

/** "1.5" → 1500; rejects more than three decimals, non-numbers and non-positive values. */
export function toMilli(quantity: string | number): bigint {
  const text = typeof quantity === 'number' ? quantity.toString() : quantity;
  const match = /^(\d+)(?:\.(\d{1,3}))?$/.exec(text);
  if (!match) throw new RangeError(`quantity ${text} must be a positive number with at most 3 decimals`);
  return BigInt(match[1] ?? '0') * 1000n + BigInt((match[2] ?? '').padEnd(3, '0'));
}

export function milliToString(milli: bigint): string {
  const whole = milli / 1000n;
  const fraction = (milli % 1000n).toString().padStart(3, '0');
  return `${whole}.${fraction}`;
}

/** round_half_up(numerator / denominator) for non-negative integers. */
function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}

export function lineNet(unitPriceCents: number, quantityMilli: bigint): number {
  return Number(divideHalfUp(BigInt(unitPriceCents) * quantityMilli, 1000n));
}

/** VAT on an amount at a rate in basis points, rounded half up once. */
export function taxAt(netCents: number, rateBp: number): number {
  return Number(divideHalfUp(BigInt(netCents) * BigInt(rateBp), 10_000n));
}

export interface NetLine {
  netCents: number;
  vatRateBp: number;
}

export interface VatGroup {
  vatRateBp: number;
  /** The taxable amount: the sum of the exact line nets at this rate. */
  netCents: number;
  /** taxable amount × rate, rounded once (EN 16931 BR-CO-17; Peppol BIS 3). */
  taxCents: number;
}

/** VAT per rate, highest rate first; the order's VAT is the sum of these, never of per-line roundings. */
export function vatBreakdown(lines: NetLine[]): VatGroup[] {
  const byRate = new Map<number, number>();
  for (const l of lines) byRate.set(l.vatRateBp, (byRate.get(l.vatRateBp) ?? 0) + l.netCents);
  return [...byRate.entries()]
    .sort(([a], [b]) => b - a)
    .map(([vatRateBp, netCents]) => ({ vatRateBp, netCents, taxCents: taxAt(netCents, vatRateBp) }));
}

/** Subtotal = Σ line nets, tax = Σ VAT per rate group, total = subtotal + tax: all reproducible from the lines. */
export function totals(lines: NetLine[]): { subtotalCents: number; taxCents: number; totalCents: number } {
  const groups = vatBreakdown(lines);
  const subtotalCents = groups.reduce((sum, g) => sum + g.netCents, 0);
  const taxCents = groups.reduce((sum, g) => sum + g.taxCents, 0);
  return { subtotalCents, taxCents, totalCents: subtotalCents + taxCents };
}
