import { normaliseOrgNumber } from '../../organisations/org-number.js';

/**
 * A Swedish organisationsnummer (ten digits, as organisations store it) from an org number or a Swedish VAT
 * number (SE + ten digits + 01); null for anything else, foreign numbers included.
 */
export function swedishOrgNumber(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const compact = raw.replace(/[\s-]/g, '').toUpperCase();
  const vat = /^SE(\d{10})01$/.exec(compact);
  return normaliseOrgNumber(vat?.[1] ?? compact) ?? null;
}
