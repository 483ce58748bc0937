/** Decimal text → integers without floating point: amounts to öre, rates to basis points (half-up). */

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/** Rounds a decimal string scaled by 10^scale to an integer, half away from zero; null when not a number. */
export function scaled(text: string | null | undefined, scale: number): number | null {
  if (text === null || text === undefined) return null;
  const match = DECIMAL.exec(text.trim());
  if (!match) return null;
  const [, sign, whole = '0', fraction = ''] = match;
  const digits = `${whole}${fraction.padEnd(scale + 1, '0').slice(0, scale + 1)}`;
  const value = (BigInt(digits) + 5n) / 10n;
  const result = Number(value);
  return sign === '-' && result !== 0 ? -result : result;
}

export const toCents = (text: string | null | undefined) => scaled(text, 2);
export const toBasisPoints = (text: string | null | undefined) => scaled(text, 2);

/** Quantity as a canonical decimal string with three decimals ("2" → "2.000"); null when not a number. */
export function toQuantity(text: string | null | undefined): string | null {
  const milli = scaled(text, 3);
  if (milli === null) return null;
  const sign = milli < 0 ? '-' : '';
  const abs = Math.abs(milli);
  return `${sign}${Math.trunc(abs / 1000)}.${String(abs % 1000).padStart(3, '0')}`;
}

export const quantityMilli = (quantity: string) => scaled(quantity, 3) ?? 0;

/** round_half_away(a × b / d) for integers, exact through BigInt. */
export function mulDiv(a: number, b: number, d: number): number {
  const n = BigInt(a) * BigInt(b);
  const den = BigInt(d);
  const neg = n < 0n !== den < 0n;
  const an = n < 0n ? -n : n;
  const ad = den < 0n ? -den : den;
  const q = (an * 2n + ad) / (ad * 2n);
  return Number(neg ? -q : q);
}
