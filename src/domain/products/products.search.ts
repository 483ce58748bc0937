import type { Match } from './products.repository.js';

/**
 * Query understanding for catalog search, in the same terms as the database's `iris_fold`
 * (lower-case, diacritics removed): "Kycklingfilé" and "kycklingfile" are one word.
 */
// Letters unaccent maps to other letters rather than stripping a mark from (ø → o, æ → ae, ß → ss, …).
const SUBSTITUTES: Record<string, string> = {
  ø: 'o',
  Ø: 'O',
  æ: 'ae',
  Æ: 'AE',
  œ: 'oe',
  Œ: 'OE',
  ß: 'ss',
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
};

export function fold(text: string): string {
  return text
    .replace(/[øØæÆœŒßłŁđĐ]/g, (c) => SUBSTITUTES[c] ?? c)
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

export function words(q: string): string[] {
  return fold(q)
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0)
    .slice(0, 8);
}

/** A single token with a digit reads as a SKU or GTIN prefix before it reads as words. */
export function looksLikeCode(q: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._\-/]*$/.test(q) && /\d/.test(q);
}

/** Every word as a prefix, all required: "kyckl fryst" finds "Kycklinglårfilé fryst". Stemmed with the Swedish configuration. */
export function prefixMatch(q: string): Match {
  const terms = words(q);
  // A query of only punctuation matches nothing; it must not turn into "no filter".
  if (terms.length === 0) return { kind: 'fulltext', config: 'simple', tsquery: '' };
  return { kind: 'fulltext', config: 'swedish', tsquery: terms.map((w) => `${w}:*`).join(' & ') };
}

/** Corrected lexemes per word (already stemmed, so matched with the simple configuration). */
export function correctedMatch(corrections: string[][]): Match | undefined {
  const groups = corrections.filter((c) => c.length > 0);
  if (groups.length === 0) return undefined;
  return { kind: 'fulltext', config: 'simple', tsquery: groups.map((g) => `(${g.join(' | ')})`).join(' & ') };
}
