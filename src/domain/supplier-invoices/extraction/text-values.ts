import { luhnValid } from '../../organisations/org-number.js';

/**
 * Values as printed on invoices, Swedish first: amounts (`1 234,50`, `1.234,50 kr`, `1,234.50`), dates
 * (`2026-12-01`, `1/12-26`, `1 dec 2026`, `01.12.2026`) and Swedish identifiers. Pure string work, no floats.
 */

/** An amount as printed: optional sign, digits with thousands separators, two decimals after `,` or `.`. */
export const AMOUNT_SOURCE = String.raw`[-−–]?\s?\d{1,3}(?:[ \u00a0\u202f.,'’]\d{3})*[.,]\d{2}(?!\d)|[-−–]?\d+[.,]\d{2}(?!\d)`;
/** Not a date or a version: `21.05.14` and `1.2.30` hold no amount. */
const AMOUNT_IN_TEXT = new RegExp(`(?<![\\d.,])(?:${AMOUNT_SOURCE})(?![.,/-]\\d)`, 'g');
/**
 * Whole amounts (`Rs 1939`, `€ 40`, `250 kr`) count only beside a currency: a bare integer is as likely a
 * quantity, a year or a postcode.
 */
const CURRENCY_SIGN = String.raw`(?:Rs\.?|INR|₹|\$|US\$|€|EUR|£|GBP|SEK|kr|CHF|USD)`;
const WHOLE_AMOUNT_IN_TEXT = new RegExp(
  String.raw`(?<=${CURRENCY_SIGN}\s?)(?<![\p{L}]${CURRENCY_SIGN}\s?)([-−–]?\d{1,3}(?:[ \u00a0\u202f.,'’]\d{3})+|[-−–]?\d{1,9})(?![\d.,]*\d)|(?<![\d.,\p{L}])([-−–]?\d{1,3}(?:[ \u00a0\u202f.,'’]\d{3})+|[-−–]?\d{1,9})(?=\s?${CURRENCY_SIGN}(?!\p{L}))`,
  'gu',
);

/** OCR confusions inside numbers: letters that look like digits, and `:`/`;` read for a decimal comma. */
function cleanOcrDigits(text: string): string {
  return text
    .replace(/(?<=\d)[oO](?=[\d.,\s]|$)|(?<=[\s\d.,]|^)[oO](?=\d)/g, '0')
    .replace(/(?<=\d)[:;](?=\d{2}\b)/g, ',');
}

/** Öre from one printed amount; null when the text is not an amount with two decimals. */
export function parseAmount(text: string): number | null {
  const t = text.trim().replace(/\s*(?:kr|sek|eur|usd|€|\$)\.?$/i, '');
  const match = /^([-−–]?)\s?([\d \u00a0\u202f.,'’]+)$/.exec(t);
  if (!match) return null;
  const [, sign, body = ''] = match;
  const decimal = /^(.*)[.,](\d{2})$/.exec(body);
  if (!decimal) return null;
  const whole = (decimal[1] ?? '').replace(/[ \u00a0\u202f.,'’]/g, '');
  if (!/^\d+$/.test(whole) || whole.length > 12) return null;
  const cents = Number(whole) * 100 + Number(decimal[2]);
  return sign && cents !== 0 ? -cents : cents;
}

export interface FoundAmount {
  cents: number;
  index: number;
  end: number;
}

/** Every amount in a line of text, left to right. */
export function amountsIn(text: string): FoundAmount[] {
  const cleaned = cleanOcrDigits(text);
  const found: FoundAmount[] = [];
  for (const m of cleaned.matchAll(AMOUNT_IN_TEXT)) {
    const cents = parseAmount(m[0]);
    if (cents !== null) found.push({ cents, index: m.index, end: m.index + m[0].length });
  }
  for (const m of cleaned.matchAll(WHOLE_AMOUNT_IN_TEXT)) {
    const end = m.index + m[0].length;
    if (found.some((f) => m.index < f.end && end > f.index)) continue;
    const digits = m[0].replace(/[^\d]/g, '');
    const negative = /^[-−–]/.test(m[0]);
    const cents = Number(digits) * 100;
    found.push({ cents: negative && cents !== 0 ? -cents : cents, index: m.index, end });
  }
  return found.sort((a, b) => a.index - b.index);
}

const MONTHS: Record<string, number> = {};
const MONTH_NAMES: string[][] = [
  ['jan', 'januari', 'january', 'janvier', 'januar', 'janv'],
  ['feb', 'februari', 'february', 'février', 'fevrier', 'februar', 'févr'],
  ['mar', 'mars', 'march', 'maart', 'märz', 'maerz', 'mrt'],
  ['apr', 'april', 'avril'],
  ['maj', 'may', 'mai', 'mei'],
  ['jun', 'juni', 'june', 'juin'],
  ['jul', 'juli', 'july', 'juillet', 'juil'],
  ['aug', 'augusti', 'august', 'août', 'aout', 'augustus'],
  ['sep', 'sept', 'september', 'septembre'],
  ['okt', 'oct', 'oktober', 'october', 'octobre'],
  ['nov', 'november', 'novembre'],
  ['dec', 'december', 'décembre', 'decembre', 'dezember', 'dez'],
];
MONTH_NAMES.forEach((names, i) => {
  for (const n of names) MONTHS[n] = i + 1;
});
const MONTH_WORD = Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join('|');

const pad = (n: number) => String(n).padStart(2, '0');

function isoDate(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1990 || y > 2100) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

const fullYear = (y: string) => (y.length === 2 ? 2000 + Number(y) : Number(y));

const DATE_PATTERNS: { re: RegExp; read: (m: RegExpExecArray) => string | null }[] = [
  // 2026-12-01, 2026/12/01, 2026.12.01
  {
    re: /\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b/,
    read: (m) => isoDate(Number(m[1]), Number(m[2]), Number(m[3])),
  },
  // 1/12-26 and 1/12-2026: the Swedish day/month-year
  {
    re: /\b(\d{1,2})\/(\d{1,2})-(\d{2}|\d{4})\b/,
    read: (m) => isoDate(fullYear(m[3] ?? ''), Number(m[2]), Number(m[1])),
  },
  // 1 dec 2026, 1 december 2026, 02 Juillet 2015, 1. Dezember 2026
  {
    re: new RegExp(String.raw`\b(\d{1,2})\.?\s*(${MONTH_WORD})\.?,?\s+(\d{4}|\d{2})\b`, 'i'),
    read: (m) => isoDate(fullYear(m[3] ?? ''), MONTHS[(m[2] ?? '').toLowerCase()] ?? 0, Number(m[1])),
  },
  // Dec 1, 2026 and August 3, 2014
  {
    re: new RegExp(String.raw`\b(${MONTH_WORD})\.?\s+(\d{1,2})\s*,?\s+(\d{4})\b`, 'i'),
    read: (m) => isoDate(Number(m[3]), MONTHS[(m[1] ?? '').toLowerCase()] ?? 0, Number(m[2])),
  },
  // 01.12.2026, 01-12-2026, 31/12/2017 (day first unless that cannot be), 01.12.26
  {
    re: /\b(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})\b/,
    read: (m) => {
      const a = Number(m[1]);
      const b = Number(m[2]);
      const y = fullYear(m[3] ?? '');
      return b > 12 ? isoDate(y, a, b) : isoDate(y, b, a);
    },
  },
];

export interface FoundDate {
  iso: string;
  index: number;
}

/** The first date in a text, as ISO 8601; null when there is none. */
export function firstDate(text: string): FoundDate | null {
  let best: FoundDate | null = null;
  for (const { re, read } of DATE_PATTERNS) {
    const m = re.exec(text);
    if (!m) continue;
    const iso = read(m);
    if (iso && (best === null || m.index < best.index)) best = { iso, index: m.index };
  }
  return best;
}

export const parseDate = (text: string) => firstDate(text)?.iso ?? null;

/** Swedish organisationsnummer NNNNNN-NNNN with a valid Luhn check digit. */
export function orgNumberIn(text: string): string | null {
  for (const m of text.matchAll(/(?<!\d)(\d{6})[- ]?(\d{4})(?!\d)/g)) {
    const digits = `${m[1]}${m[2]}`;
    if (luhnValid(digits)) return `${m[1]}-${m[2]}`;
  }
  return null;
}

/** EU VAT numbers as printed (`SE556677889901`, `SE 5566 7788 9901`, `DE 232 446 240`), without spaces. */
export function vatNumberIn(text: string): string | null {
  const m = /\b(SE)\s?(\d{4}\s?\d{2}\s?-?\d{4}\s?01)\b|\b([A-Z]{2})\s?((?:\d[\s.]?){8,12}(?:B\d{2})?)\b/.exec(
    text,
  );
  if (!m) return null;
  return `${m[1] ?? m[3]}${(m[2] ?? m[4] ?? '').replace(/[\s.-]/g, '')}`;
}

export const bankgiroIn = (text: string) =>
  /(?<!\d)(\d{3,4})-(\d{4})(?!\d)/.exec(text)?.slice(1).join('-') ?? null;
export const plusgiroIn = (text: string) =>
  /(?<![\d-])(\d{1,7})-(\d)(?![\d-])/.exec(text)?.slice(1).join('-') ?? null;

export function ibanIn(text: string): string | null {
  const m = /\b([A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,3})?)\b/.exec(text);
  return m ? (m[1] ?? '').replace(/\s/g, '') : null;
}

/** A Swedish OCR payment reference: 2–25 digits (spaces allowed as printed). */
export function ocrReferenceIn(text: string): string | null {
  const m = /(?<![\d-])(\d[\d ]{1,28}\d)(?![\d-])/.exec(text);
  const digits = m?.[1]?.replace(/ /g, '');
  return digits && digits.length >= 2 && digits.length <= 25 ? digits : null;
}

/** Percent as basis points (`25 %` → 2500, `6%` → 600, `12,0 %` → 1200). */
export function ratesIn(text: string): { bp: number; index: number }[] {
  const out: { bp: number; index: number }[] = [];
  for (const m of text.matchAll(/(?<![\d.,])(\d{1,2})(?:[.,](\d{1,2}))?\s?%/g)) {
    out.push({ bp: Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')), index: m.index });
  }
  return out;
}
