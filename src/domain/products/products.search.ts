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

/** A word expands to at most this many catalog lexemes; a shorter or broader prefix stays a prefix. */
export const MAX_EXPANSION = 64;

/** Words the Swedish stemmer handles, which can be expanded into catalog lexemes: letters only. */
export const isLetterWord = (w: string) => /^[a-z]+$/.test(w);

const quoted = (lexeme: string) => `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * The prefix query with each letter word's stem replaced by the catalog lexemes that begin with it: the same
 * matches, but GIN intersects exact posting lists (and can skip through them) instead of first collecting every
 * prefix match into a bitmap — several times faster for common words (docs/benchmarks.md). Stop words drop out,
 * as to_tsquery drops them. The other words (numbers, stems under three letters, stems beginning more than
 * MAX_EXPANSION lexemes) stay prefixes in the same query, where the expanded words keep them cheap.
 * `none` when a word begins no catalog lexeme (nothing can match); undefined when no word could be expanded,
 * so the plain prefix query is used.
 */
export function expandedMatch(
  expansions: { word: string; stem: string | null; terms: string[] }[],
  otherWords: string[],
): Match | 'none' | undefined {
  const words = expansions.filter((e) => e.stem !== null);
  const indexed = words.filter((e) => (e.stem ?? '').length >= 3 && e.terms.length <= MAX_EXPANSION);
  if (indexed.some((e) => e.terms.length === 0)) return 'none';
  if (indexed.length === 0) return undefined;
  const prefixes = [...words.filter((e) => !indexed.includes(e)).map((e) => e.stem ?? e.word), ...otherWords];
  return {
    kind: 'fulltext',
    config: 'lexemes',
    tsquery: [
      ...indexed.map((e) => `(${e.terms.map(quoted).join(' | ')})`),
      ...prefixes.map((p) => `${quoted(p)}:*`),
    ].join(' & '),
  };
}

/** Corrected lexemes per word (already stemmed, so matched with the simple configuration). */
export function correctedMatch(corrections: string[][]): Match | undefined {
  const groups = corrections.filter((c) => c.length > 0);
  if (groups.length === 0) return undefined;
  return { kind: 'fulltext', config: 'simple', tsquery: groups.map((g) => `(${g.join(' | ')})`).join(' & ') };
}
