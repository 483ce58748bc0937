/**
 * Query understanding for catalog search, in the same terms as the database's `iris_fold` (lower-case,
 * diacritics removed): "Kycklingfilé" and "kycklingfile" are one word. Everything here is pure: the catalog's
 * vocabulary comes in as a `Vocabulary` (search-dictionary.ts), stems from the database's Swedish stemmer.
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

/** Words the Swedish stemmer handles, which are matched against the catalog vocabulary: letters only. */
export const isLetterWord = (w: string) => /^[a-z]+$/.test(w);

/**
 * Typos allowed in a word, by its typed length (as Meilisearch and Typesense do): none below 5 letters, one
 * from 5, two from 9. A transposition is one typo, and the first letter may be the wrong one.
 */
export function typoBudget(word: string): number {
  return word.length >= 9 ? 2 : word.length >= 5 ? 1 : 0;
}

let rows: [Int32Array, Int32Array, Int32Array] = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/**
 * Damerau (optimal string alignment) distance of `a` to `b`, or to the closest prefix of `b` when `prefix`;
 * anything above `max` is reported as max + 1 (the computation stops as soon as it is certain).
 */
export function editDistance(a: string, b: string, max: number, prefix = false): number {
  if (!prefix && Math.abs(a.length - b.length) > max) return max + 1;
  const cols = b.length + 1;
  // Three rows of the matrix (the one before the previous is what a transposition reads), reused between calls:
  // a new word is compared with every catalog term, and fresh typed arrays for each comparison kept the API's
  // garbage collector busy under load.
  if (rows[0].length < cols)
    rows = [new Int32Array(cols * 2), new Int32Array(cols * 2), new Int32Array(cols * 2)];
  let [before, previous, current] = rows;
  for (let j = 0; j < cols; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j < cols; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      const swapped =
        i > 1 &&
        j > 1 &&
        a.charCodeAt(i - 1) === b.charCodeAt(j - 2) &&
        a.charCodeAt(i - 2) === b.charCodeAt(j - 1);
      if (swapped) d = Math.min(d, (before[j - 2] ?? 0) + 1);
      current[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    const oldest = before;
    before = previous;
    previous = current;
    current = oldest;
  }
  let distance = previous[b.length] ?? max + 1;
  if (prefix) for (let j = 0; j < cols; j++) distance = Math.min(distance, previous[j] ?? distance);
  return Math.min(distance, max + 1);
}

/** The catalog's lexemes, as the in-memory dictionary offers them. */
export interface Vocabulary {
  has(term: string): boolean;
  /** Lexemes beginning with `stem`, at most `limit + 1` of them (more means "too broad to list"). */
  withPrefix(stem: string, limit: number): string[];
  /** Letters-only lexemes, for compound and typo matching. */
  letterTerms(): readonly string[];
}

/** How one query word can match, best first: these become the ranking's exactness and typo tiers. */
export interface WordMatches {
  word: string;
  /** Lexemes equal to the word's stem, or a compound the word forms with the next one. */
  exact: string[];
  /** Lexemes beginning with the stem; `prefixAll` (the stem as a `:*` prefix) when there are too many to list. */
  prefix: string[];
  prefixAll: string | null;
  /** Catalog compounds containing the stem after a head of three letters or more ("gradd" in "vispgradd"). */
  compound: string[];
  typo1: string[];
  typo2: string[];
  /** `prefixAll` is a stem of one or two letters that begins more than BROAD_LEXEMES catalog lexemes. */
  broad?: boolean;
}

/** A one- or two-letter prefix that begins more lexemes than this is left to a check of each row (WordQuery.broad). */
export const BROAD_LEXEMES = 8;
/** A word expands to at most this many catalog lexemes; a shorter or broader prefix stays a prefix. */
export const MAX_EXPANSION = 64;
/** Compound and typo alternatives per word: the closest first, so a short stem cannot flood the query. */
export const MAX_ALTERNATIVES = 48;
const COMPOUND_HEAD = 3;

/**
 * Put before a word so that the Swedish stemmer's R1 region begins exactly at the word: the stemmer then treats
 * the word as the tail of a compound. Alone, a short word keeps suffixes it loses in a compound ("bar" stays
 * bar, "blåbär" becomes blab), so the compound's lexeme ends with the tail stem ("b"), not with the word's stem.
 */
export const COMPOUND_PROBE = 'ana';

/** The stem a word takes at the end of a compound, from the stem of COMPOUND_PROBE + word (null if none). */
export function compoundTail(probedStem: string | null): string | null {
  if (!probedStem?.startsWith(COMPOUND_PROBE)) return null;
  const tail = probedStem.slice(COMPOUND_PROBE.length);
  return tail.length > 0 ? tail : null;
}

/**
 * The ways a word matches the vocabulary. `stem` is the Swedish stem of a letter word (null for a stop word, which
 * then matches nothing and is dropped); other words (numbers, "70cl") are prefixes only. `asTyped`: the word the
 * user is still typing (the last one), whose typos are also looked for among prefixes. `tail`: the word's stem
 * as the end of a compound (compoundTail), which a catalog compound's lexeme ends with.
 */
export function matchWord(
  vocab: Vocabulary,
  word: string,
  stem: string | null,
  asTyped: boolean,
  tail: string | null = null,
): WordMatches {
  const none: WordMatches = {
    word,
    exact: [],
    prefix: [],
    prefixAll: null,
    compound: [],
    typo1: [],
    typo2: [],
  };
  // A whole number the user has typed past matches as itself: as a prefix ("1", "73") it would gather every
  // article number and GTIN beginning with it from the index (hundreds of milliseconds).
  if (/^[0-9]+$/.test(word) && !asTyped) return { ...none, exact: [word] };
  if (!isLetterWord(word)) {
    // The dictionary holds every catalog lexeme that begins with three letters ("xqzv18" among them, if any
    // product had it): when none begins with such a word, it matches nothing, which is known without a query.
    if (/^[a-z]{3}/.test(word) && vocab.withPrefix(word, 1).length === 0) return none;
    return { ...none, prefixAll: word };
  }
  if (stem === null) return none;
  if (stem.length < 3)
    return { ...none, prefixAll: stem, broad: vocab.withPrefix(stem, BROAD_LEXEMES).length > BROAD_LEXEMES };
  const listed = vocab.withPrefix(stem, MAX_EXPANSION);
  const tooBroad = listed.length > MAX_EXPANSION;
  const exact = !tooBroad && vocab.has(stem) ? [stem] : [];
  const prefix = tooBroad ? [] : listed.filter((t) => t !== stem);
  const seen = new Set(listed);
  const budget = typoBudget(word);
  // A word still being typed that is no catalog word yet ("cha") is a beginning, not a compound's tail.
  const tailOf = asTyped && !vocab.has(stem) ? null : tail;
  const compound: { term: string; at: number }[] = [];
  const typos: { term: string; d: number }[] = [];
  for (const term of vocab.letterTerms()) {
    if (term.startsWith(stem)) continue;
    // The stemmer may end a compound one letter short of the word alone ("vispgradde" → vispgrad, "gradde" → gradd).
    const at = term.indexOf(stem, COMPOUND_HEAD);
    const shortTail =
      stem.length >= 4 && term.length - stem.length + 1 > COMPOUND_HEAD && term.endsWith(stem.slice(0, -1));
    const asTail = tailOf !== null && term.length - tailOf.length >= COMPOUND_HEAD && term.endsWith(tailOf);
    if (at >= COMPOUND_HEAD || shortTail || asTail) {
      compound.push({ term, at });
      continue;
    }
    if (budget === 0) continue;
    let d = Math.min(editDistance(stem, term, budget), editDistance(word, term, budget));
    // A lexeme is a stem, shorter than the word it came from ("fever" → fev): "feier" is one typo from "fei…".
    if (d > budget && word.length - term.length <= 2 && word.length > term.length)
      d = Math.max(1, editDistance(term, word, budget, true));
    if (asTyped && d > budget && word.length >= 5) d = editDistance(word, term, budget, true);
    if (d <= budget) typos.push({ term, d });
  }
  const closest = <T extends { term: string }>(list: T[], key: (x: T) => number) =>
    list
      .filter((x) => !seen.has(x.term))
      .sort((x, y) => key(x) - key(y) || x.term.length - y.term.length || (x.term < y.term ? -1 : 1))
      .slice(0, MAX_ALTERNATIVES)
      .map((x) => x.term);
  const typoTerms = closest(typos, (x) => x.d);
  return {
    word,
    exact,
    prefix,
    prefixAll: tooBroad ? stem : null,
    compound: closest(compound, (x) => x.term.length - stem.length),
    typo1: typoTerms.filter((t) => typos.find((x) => x.term === t)?.d === 1),
    typo2: typoTerms.filter((t) => typos.find((x) => x.term === t)?.d === 2),
  };
}

const quoted = (lexeme: string, weight: string) =>
  `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'${weight ? `:${weight}` : ''}`;
const prefixed = (stem: string, weight: string) => `${quoted(stem, '')}:*${weight}`;

function anyOf(lexemes: string[], prefixes: (string | null)[], weight = ''): string | null {
  const parts = [
    ...lexemes.map((l) => quoted(l, weight)),
    ...prefixes.filter((p): p is string => p !== null).map((p) => prefixed(p, weight)),
  ];
  return parts.length === 0 ? null : `(${parts.join(' | ')})`;
}

/** The tiers a product's match of one word falls in; their order is the ranking's (exact before typo). */
export const TIERS = ['exact', 'prefix', 'compound', 'typo1', 'typo2'] as const;

/** tsqueries (catalog lexemes, taken as written) for one word: the strict and full match, and one per tier. */
export interface WordQuery {
  word: string;
  strict: string | null;
  full: string | null;
  tiers: (string | null)[];
  inName: string | null;
  /** Only the compound parts, and only the typos: what a match of `full` that is not `strict` matched the word by. */
  compound: string | null;
  typo: string | null;
  /**
   * The word matches only as a prefix of one or two letters that begins many catalog lexemes ("m"): in the index
   * that is a scan of every one of them, tens of milliseconds on a large catalog, once per candidate scan, while
   * most products pass the check anyway. A short prefix of few lexemes ("ia") is selective and stays in the index.
   */
  broad: boolean;
}

export function wordQuery(m: WordMatches, joined: string[] = []): WordQuery {
  const exact = [...m.exact, ...joined];
  const tiers = [
    anyOf(exact, []),
    anyOf(m.prefix, [m.prefixAll]),
    anyOf(m.compound, []),
    anyOf(m.typo1, []),
    anyOf(m.typo2, []),
  ];
  return {
    word: m.word,
    strict: anyOf([...exact, ...m.prefix], [m.prefixAll]),
    full: anyOf([...exact, ...m.prefix, ...m.compound, ...m.typo1, ...m.typo2], [m.prefixAll]),
    tiers,
    // The same alternatives restricted to the name (and SKU): the ranking's attribute criterion.
    inName: anyOf([...exact, ...m.prefix, ...m.compound, ...m.typo1, ...m.typo2], [m.prefixAll], 'A'),
    compound: anyOf(m.compound, []),
    typo: anyOf([...m.typo1, ...m.typo2], []),
    broad: m.broad === true && joined.length === 0,
  };
}

/** A query's word tsqueries combined: all words, or (relaxed) any `atLeast` of them. */
export interface RankedQuery {
  words: WordQuery[];
  /** Matches with no typo or compound: ranked first, so they fill the bounded ranking window first. */
  strict: string | null;
  full: string;
  /**
   * A match of `full` that is not `strict` has some word matched only by a compound part (`compound`: one word by
   * its compound parts, the others as in `full`) or else only by a typo (`typo`, likewise). Those with a typo rank
   * below every match without one, so they are looked for only when the others do not fill the page.
   */
  compound: string | null;
  typo: string | null;
  /**
   * `strict`, `compound` and `typo` as the index looks them up: without the conditions of broad words (WordQuery.broad)
   * where other words narrow the scan. Equal to them when nothing was left out.
   */
  scan: { strict: string | null; compound: string | null; typo: string | null };
  /** All words adjacent and in order (or the compound they form): the proximity criterion. */
  phrase: string | null;
  inName: string | null;
  relaxedTo: number | null;
}

const joinedBy = (operator: string, parts: string[]) =>
  parts.length === 1 ? (parts[0] ?? '') : `(${parts.join(` ${operator} `)})`;

/** Every `size`-subset of `items`, in order. */
function subsets<T>(items: T[], size: number): T[][] {
  if (size === 0) return [[]];
  if (items.length < size) return [];
  const [head, ...tail] = items as [T, ...T[]];
  return [...subsets(tail, size - 1).map((s) => [head, ...s]), ...subsets(tail, size)];
}

/** At most this many word subsets are ORed into a relaxed query. */
const MAX_SUBSETS = 28;

/**
 * The query over the words that can match anything. `pairs[i]` holds the catalog lexemes the words i and i+1
 * form when written together ("kyckling file" → kycklingfil): either the two words or their compound match.
 * `atLeast` below the number of words relaxes the query to any that many of them.
 */
export function rankedQuery(words: WordQuery[], pairs: string[][], atLeast?: number): RankedQuery | null {
  const n = words.length;
  const k = atLeast ?? n;
  if (n === 0 || k < 1) return null;
  /**
   * `skipBroad`: the index's form of the query, without the broad words' (WordQuery.broad) conditions, matching a
   * superset of the rows; the full query is then checked on each row the index returns. When a broad word cannot be
   * left out (alone in an alternative, or in a compound pair), the query as it is.
   */
  const combine = (
    pick: (w: WordQuery, i: number) => string | null,
    joinPairs: boolean,
    including?: number,
    skipBroad = false,
  ): string | null => {
    const groups = subsets(
      words.map((_, i) => i),
      k,
    )
      .slice(0, MAX_SUBSETS)
      .filter((idx) => including === undefined || idx.includes(including));
    const broadKept = { at: false };
    const alternatives = groups.flatMap((idx) => {
      const parts: string[] = [];
      for (let p = 0; p < idx.length; p++) {
        const i = idx[p] ?? 0;
        const next = idx[p + 1];
        const joined = joinPairs && next === i + 1 ? anyOf(pairs[i] ?? [], []) : null;
        const a = words[i] ? pick(words[i], i) : null;
        if (joined && next !== undefined) {
          const b = words[next] ? pick(words[next], next) : null;
          if (skipBroad && (words[i]?.broad || words[next]?.broad)) broadKept.at = true;
          parts.push(a && b ? `(${a} & ${b} | ${joined})` : joined);
          p++;
        } else if (a && skipBroad && words[i]?.broad) continue;
        else if (a) parts.push(a);
        else return [];
      }
      if (skipBroad && parts.length === 0) broadKept.at = true;
      return parts.length > 0 ? [joinedBy('&', parts)] : [];
    });
    if (broadKept.at) return combine(pick, joinPairs, including);
    return alternatives.length === 0 ? null : joinedBy('|', alternatives);
  };
  const full = combine((w) => w.full, true);
  if (!full) return null;
  const oneWordBy = (by: (w: WordQuery) => string | null, skipBroad = false) => {
    const parts = words.flatMap((w, i) => {
      const part = by(w) === null ? null : combine((x, j) => (j === i ? by(x) : x.full), true, i, skipBroad);
      return part === null ? [] : [part];
    });
    return parts.length === 0 ? null : joinedBy('|', parts);
  };
  const joinedAll = pairs.flat();
  const phraseParts = words.map((w) => w.full);
  const phrase =
    n >= 2 && phraseParts.every((p) => p !== null)
      ? joinedAll.length > 0
        ? `(${phraseParts.join(' <-> ')} | ${anyOf(joinedAll, [])})`
        : `(${phraseParts.join(' <-> ')})`
      : null;
  return {
    words,
    strict: combine((w) => w.strict, true),
    full,
    compound: oneWordBy((w) => w.compound),
    typo: oneWordBy((w) => w.typo),
    scan: {
      strict: combine((w) => w.strict, true, undefined, true),
      compound: oneWordBy((w) => w.compound, true),
      typo: oneWordBy((w) => w.typo, true),
    },
    phrase,
    inName: combine((w) => w.inName, false),
    relaxedTo: k < n ? k : null,
  };
}

/** The word of a product's text closest to a misspelt query word: what "Showing results for …" shows. */
export function closestWord(word: string, text: string): string | null {
  let best: { w: string; d: number } | null = null;
  for (const candidate of fold(text).split(/[^a-z]+/)) {
    if (candidate.length === 0) continue;
    const d = editDistance(word, candidate, 3, word.length < candidate.length);
    if (d <= 3 && (!best || d < best.d)) best = { w: candidate, d };
  }
  return best?.w ?? null;
}
