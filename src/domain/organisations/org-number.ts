/**
 * Swedish organisationsnummer: ten digits (an optional hyphen after the sixth, or a 16 century prefix),
 * the last being a Luhn check digit over the first nine.
 */
export function normaliseOrgNumber(input: string): string | undefined {
  const compact = input.replace(/[\s-]/g, '');
  const digits = /^(16)?(\d{10})$/.exec(compact)?.[2];
  if (!digits || !luhnValid(digits)) return undefined;
  return digits;
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The check digit that makes `nine` (nine digits) a valid number; used by the seed and tests. */
export function withCheckDigit(nine: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(`${nine}${d}`)) return `${nine}${d}`;
  throw new Error('unreachable: one digit always satisfies Luhn');
}

/** The VAT registration number Skatteverket gives a Swedish organisation: "SE", its number, "01". */
export const vatNumberOf = (orgNumber: string) => `SE${orgNumber}01`;

/** Bankgiro: 7 or 8 digits (a hyphen before the last four is allowed), the last a mod-10 check digit. */
export function normaliseBankgiro(input: string): string | undefined {
  const digits = input.replace(/[\s-]/g, '');
  return /^\d{7,8}$/.test(digits) && luhnValid(digits) ? digits : undefined;
}
