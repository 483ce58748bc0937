/**
 * Order arithmetic in integers only: prices in öre, quantities in thousandths (milli-units), VAT in basis
 * points. Rounding is half-up, per line: line_net = round(unit_price × quantity), line_tax = round(line_net × rate).
 * Totals are plain sums of the lines, so every total is reproducible from its lines.
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

export function lineTax(netCents: number, rateBp: number): number {
  return Number(divideHalfUp(BigInt(netCents) * BigInt(rateBp), 10_000n));
}

export interface PricedLine {
  netCents: number;
  taxCents: number;
  vatRateBp: number;
}

export function totals(lines: PricedLine[]): { subtotalCents: number; taxCents: number; totalCents: number } {
  const subtotalCents = lines.reduce((sum, l) => sum + l.netCents, 0);
  const taxCents = lines.reduce((sum, l) => sum + l.taxCents, 0);
  return { subtotalCents, taxCents, totalCents: subtotalCents + taxCents };
}

/** The VAT breakdown per rate an invoice shows; sums of the lines at each rate. */
export function vatBreakdown(
  lines: PricedLine[],
): { vatRateBp: number; netCents: number; taxCents: number }[] {
  const byRate = new Map<number, { netCents: number; taxCents: number }>();
  for (const l of lines) {
    const entry = byRate.get(l.vatRateBp) ?? { netCents: 0, taxCents: 0 };
    entry.netCents += l.netCents;
    entry.taxCents += l.taxCents;
    byRate.set(l.vatRateBp, entry);
  }
  return [...byRate.entries()].sort(([a], [b]) => b - a).map(([vatRateBp, sums]) => ({ vatRateBp, ...sums }));
}
