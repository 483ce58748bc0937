import type { TextLine } from './text-layout.js';

/**
 * Finding a labelled value in printed text: the value follows its label on the same line ("Att betala
 * 1 234,50 kr"), or sits below it in the same column (a header row "Fakturanummer  Fakturadatum" over a value
 * row). Labels are Swedish first, then the English, German, Dutch and French ones foreign suppliers print.
 */

export interface Found<T> {
  value: T;
  /** 0–1: layout certainty (beside > below) times the reader's certainty of the words. */
  confidence: number;
}

export interface LabelSpec {
  labels: string[];
  /** Labels in priority order. A line matching `exclude` (folded: no accents, lower case) is not the field. */
  exclude?: RegExp;
  /** Totals: the last labelled value wins (section subtotals come before the invoice's). */
  last?: boolean;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s*');

/**
 * Letters OCR reads without their marks (Förfallodatum → Forfallodatum), folded one character for one so
 * offsets in the folded text are offsets in the original.
 */
export function fold(text: string): string {
  return text
    .toLowerCase()
    .replace(/[åäàáâã]/g, 'a')
    .replace(/[öòóôõø]/g, 'o')
    .replace(/[éèêë]/g, 'e')
    .replace(/[üùúû]/g, 'u')
    .replace(/[íìîï]/g, 'i');
}

/** A regex for labels (folded), longest first, not inside a longer word. */
export function labelPattern(labels: string[]): RegExp {
  const alternatives = [...labels].sort((a, b) => b.length - a.length).map((l) => escape(fold(l)));
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}])`, 'giu');
}

const BESIDE = 0.95;
const BELOW = 0.8;
/** How many lines below a label its value may sit. */
const BELOW_LINES = 2;

/** Character offset of each word in `line.text` (the join `lineText` makes). */
function wordOffsets(line: TextLine): number[] {
  const offsets: number[] = [];
  let from = 0;
  for (const w of line.words) {
    const at = line.text.indexOf(w.text, from);
    offsets.push(at < 0 ? from : at);
    from = at < 0 ? from : at + w.text.length;
  }
  return offsets;
}

function wordIndexAt(line: TextLine, offset: number): number {
  const offsets = wordOffsets(line);
  let idx = 0;
  offsets.forEach((o, i) => {
    if (o <= offset) idx = i;
  });
  return idx;
}

/** The words under a label, in the column the label heads (up to the next column's start). */
function columnBelow(
  line: TextLine,
  following: TextLine[],
  labelStart: number,
): { text: string; confidence: number }[] {
  const first = wordIndexAt(line, labelStart);
  const left = (line.words[first]?.x0 ?? 0) - line.height;
  // The column ends where the next label-line column starts (a gap wider than a word space).
  const next = line.words.find(
    (w, i) => i > first && w.x0 - (line.words[i - 1]?.x1 ?? w.x0) > line.height * 1.2,
  );
  const right = next ? next.x0 - line.height * 0.3 : Number.POSITIVE_INFINITY;
  for (const below of following) {
    if (below.page !== line.page || below.y - line.y > line.height * 4) break;
    const words = below.words.filter((w) => w.x1 > left && w.x0 < right);
    if (words.length === 0) continue;
    // The value sits right under its label: a line with other words in the column ends the search.
    return [
      {
        text: words.map((w) => w.text).join(' '),
        confidence: words.reduce((s, w) => s + w.confidence, 0) / words.length,
      },
    ];
  }
  return [];
}

/** The reader's confidence in the words after a label (their mean: one smudge does not void the value). */
function confidenceAfter(line: TextLine, labelStart: number): number {
  const words = line.words.slice(wordIndexAt(line, labelStart) + 1);
  return words.length === 0 ? 1 : words.reduce((s, w) => s + w.confidence, 0) / words.length;
}

/**
 * The value of the first label of `spec` (in its order: specific labels before generic ones) that is followed
 * — beside, then below — by text `read` accepts; lines in reading order.
 */
export function findLabelled<T>(
  lines: TextLine[],
  spec: LabelSpec,
  read: (text: string) => T | null,
): Found<T> | null {
  const indexed = lines.map((line, i) => ({ line, i, folded: fold(line.text) }));
  if (spec.last) indexed.reverse();
  for (const label of spec.labels) {
    const pattern = labelPattern([label]);
    for (const { line, i, folded } of indexed) {
      // Every place the label stands on the line: a header row may name it twice ("Factuur datum  Factuur").
      for (const m of folded.matchAll(pattern)) {
        if (spec.exclude?.test(cellAround(folded, m.index))) continue;
        const after = line.text.slice(m.index + m[0].length).replace(/^(?:[\s:.#=|—]|-(?!\s?\d))+/, '');
        const beside = after === '' ? null : read(after);
        if (beside !== null) return { value: beside, confidence: BESIDE * confidenceAfter(line, m.index) };
        for (const below of columnBelow(line, lines.slice(i + 1, i + 1 + BELOW_LINES), m.index)) {
          const value = read(below.text);
          if (value !== null) return { value, confidence: BELOW * below.confidence };
        }
      }
    }
  }
  return null;
}

/** The column cell (between two-space gaps) a label sits in: what `exclude` judges. */
function cellAround(text: string, at: number): string {
  const start = text.lastIndexOf('  ', at);
  const end = text.indexOf('  ', at);
  return text.slice(start < 0 ? 0 : start, end < 0 ? text.length : end);
}

/** Text up to the next column (two spaces), for references and names. */
export function firstColumn(text: string): string | null {
  const cell = text.split(/\s{2,}/)[0]?.trim() ?? '';
  return cell === '' ? null : cell;
}

/** A date as one token (`8-9-2022`, `05.03.2018`, `2026-12-01`): printed beside "Invoice date", never a number. */
const DATE_TOKEN = /^(?:\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})$/;

/** An identifier such as an invoice or order number: one token with at least one digit, not a date. */
export function identifier(text: string): string | null {
  const cleaned = text.replace(/^(?:nr|no|n°|nummer|number|#)\.?\s*[:.]?\s*/i, '');
  const token = /^([A-Z0-9][A-Z0-9/_#.-]*)/i.exec(cleaned.trim())?.[1]?.replace(/[.]$/, '');
  return token && /\d/.test(token) && token.length <= 40 && !DATE_TOKEN.test(token) ? token : null;
}

/** A document title with its number: "Handelsrechnung (380) Nr. 471102 vom …", "Invoice (copy) No. 12". */
const TITLE_NUMBER =
  /(?:rechnung|gutschrift|invoice|credit ?note|facture|factuur|faktura|kreditnota)[^\n]{0,30}?(?<![\p{L}])(?:nr|no|n°|nummer|number)\.?\s*[:#]?\s*/giu;

export function titleNumber(lines: TextLine[]): Found<string> | null {
  for (const line of lines) {
    for (const m of fold(line.text).matchAll(TITLE_NUMBER)) {
      const value = identifier(line.text.slice(m.index + m[0].length));
      if (value !== null) return { value, confidence: BESIDE * confidenceAfter(line, m.index) };
    }
  }
  return null;
}
