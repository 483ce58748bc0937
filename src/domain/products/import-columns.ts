import type { ErrorDetail } from '../../core/errors.js';
import type { Cell, Table } from './import-files.js';
import { STORAGE_KINDS, VAT_CATEGORIES } from './products.models.js';
import { UNITS } from './products.schemas.js';

/** A product field, or `price` for a price in kronor (turned into `price_cents`). */
type Field =
  | 'sku'
  | 'gtin'
  | 'name'
  | 'description'
  | 'brand'
  | 'category'
  | 'unit'
  | 'pack_size'
  | 'price'
  | 'price_cents'
  | 'currency'
  | 'vat_category'
  | 'stock_quantity'
  | 'active'
  | 'country_of_origin'
  | 'storage'
  | 'image_urls';

/** Lower case, no diacritics, runs of spaces and punctuation as one space: "Pris (kr)" → "pris kr". */
export const foldHeading = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s_\-.:()/]+/g, ' ')
    .trim();

/** The column headings each field is recognised by, Swedish and English (docs/README.md, "Spreadsheet import"). */
export const COLUMN_HEADINGS: Record<Field, string[]> = {
  sku: ['sku', 'artikelnummer', 'artikelnr', 'art nr', 'artnr', 'article number'],
  gtin: ['gtin', 'ean', 'ean kod', 'streckkod', 'barcode'],
  name: ['name', 'namn', 'benämning', 'produktnamn', 'artikelnamn', 'product name'],
  description: ['description', 'beskrivning'],
  brand: ['brand', 'varumärke', 'märke', 'tillverkare'],
  category: ['category', 'kategori', 'varugrupp', 'produktgrupp'],
  unit: ['unit', 'enhet', 'försäljningsenhet'],
  pack_size: ['pack size', 'förpackningsstorlek', 'förp storlek', 'storlek'],
  price: ['price', 'pris', 'pris kr', 'pris sek', 'price sek', 'à pris', 'a pris', 'apris'],
  price_cents: ['price cents', 'pris öre', 'öre'],
  currency: ['currency', 'valuta'],
  vat_category: ['vat category', 'vat', 'moms', 'momskategori', 'momsklass'],
  stock_quantity: ['stock quantity', 'stock', 'lager', 'lagersaldo', 'saldo'],
  active: ['active', 'aktiv'],
  country_of_origin: ['country of origin', 'origin', 'ursprungsland', 'ursprung'],
  storage: ['storage', 'förvaring', 'temperaturzon'],
  image_urls: ['image urls', 'images', 'image url', 'bilder', 'bild', 'bild url'],
};

const FIELD_OF = new Map(
  (Object.entries(COLUMN_HEADINGS) as [Field, string[]][]).flatMap(([field, names]) =>
    names.map((n) => [foldHeading(n), field] as const),
  ),
);

/** Values accepted beside the API's own, compared folded. */
const VAT_WORDS: Record<string, (typeof VAT_CATEGORIES)[number]> = {
  livsmedel: 'food',
  mat: 'food',
  normal: 'standard',
  restaurang: 'restaurant_service',
  restaurangtjanst: 'restaurant_service',
  'restaurant service': 'restaurant_service',
  alkohol: 'alcohol',
};
const STORAGE_WORDS: Record<string, (typeof STORAGE_KINDS)[number]> = {
  fryst: 'frozen',
  djupfryst: 'frozen',
  frys: 'frozen',
  kyld: 'chilled',
  kyl: 'chilled',
  kylvara: 'chilled',
  torr: 'ambient',
  torrvara: 'ambient',
  rumstemperatur: 'ambient',
};
const TRUE_WORDS = new Set(['true', 'ja', 'yes', '1', 'x', 'aktiv', 'sant']);
const FALSE_WORDS = new Set(['false', 'nej', 'no', '0', 'inaktiv', 'falskt']);

class CellError extends Error {}

/**
 * A decimal as written in a Swedish or English spreadsheet: `12,50`, `1 234,5`, `1.234,50`, `12.5`, `12,50 kr`.
 * With both separators the last one is the decimal mark; spaces and apostrophes group thousands.
 */
export function parseDecimal(cell: Cell): number {
  if (typeof cell === 'number') return cell;
  const text = String(cell)
    .trim()
    .replace(/\s*(kr|sek|:-)$/i, '')
    .replace(/[\s\u00a0\u202f']/g, '');
  const lastComma = text.lastIndexOf(',');
  const lastDot = text.lastIndexOf('.');
  let normal = text;
  if (lastComma >= 0 && lastDot >= 0)
    normal = lastComma > lastDot ? text.replace(/\./g, '').replace(',', '.') : text.replace(/,/g, '');
  else if (lastComma >= 0) normal = text.replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(normal)) throw new CellError(`"${String(cell)}" is not a number`);
  return Number(normal);
}

/** Kronor to öre, exactly: at most two decimals. */
function kronorToOre(cell: Cell): number {
  const kronor = parseDecimal(cell);
  const ore = Math.round(kronor * 100);
  if (Math.abs(kronor * 100 - ore) > 1e-6) throw new CellError('a price in kronor has at most 2 decimals');
  return ore;
}

/** A GTIN typed into a number cell has lost its leading zeros: pad to the next GTIN length. */
function gtinOf(cell: Cell): string {
  const text = typeof cell === 'number' ? String(cell) : String(cell).replace(/\s/g, '');
  const length = [8, 12, 13, 14].find((l) => l >= text.length) ?? text.length;
  return typeof cell === 'number' ? text.padStart(length, '0') : text;
}

function fromWords<T extends string>(
  cell: Cell,
  own: readonly T[],
  words: Record<string, T>,
  what: string,
): T {
  const folded = foldHeading(String(cell));
  const match = own.find((v) => foldHeading(v) === folded) ?? words[folded];
  if (!match) throw new CellError(`"${String(cell)}" is not a ${what} (${own.join(', ')})`);
  return match;
}

const text = (cell: Cell) => (cell instanceof Date ? cell.toISOString().slice(0, 10) : String(cell).trim());

/** One cell to its field's value; an empty cell is null (cleared) for optional fields and left out otherwise. */
function convert(field: Field, cell: Cell): [string, unknown] {
  switch (field) {
    case 'price':
      return ['price_cents', kronorToOre(cell)];
    case 'price_cents':
      return ['price_cents', parseDecimal(cell)];
    case 'pack_size':
    case 'stock_quantity':
      return [field, parseDecimal(cell)];
    case 'gtin':
      return [field, gtinOf(cell)];
    case 'unit':
      return [field, fromWords(cell, UNITS, {}, 'unit')];
    case 'vat_category':
      return [field, fromWords(cell, VAT_CATEGORIES, VAT_WORDS, 'VAT category')];
    case 'storage':
      return [field, fromWords(cell, STORAGE_KINDS, STORAGE_WORDS, 'storage kind')];
    case 'active': {
      const folded = foldHeading(String(cell));
      if (typeof cell === 'boolean') return [field, cell];
      if (TRUE_WORDS.has(folded)) return [field, true];
      if (FALSE_WORDS.has(folded)) return [field, false];
      throw new CellError(`"${String(cell)}" is not yes or no (ja/nej, true/false, 1/0)`);
    }
    case 'currency':
    case 'country_of_origin':
      return [field, text(cell).toUpperCase()];
    case 'image_urls':
      return [
        field,
        text(cell)
          .split(/[\s|]+/)
          .filter(Boolean),
      ];
    default:
      return [field, text(cell)];
  }
}

const NULLABLE = new Set<string>([
  'gtin',
  'description',
  'brand',
  'pack_size',
  'stock_quantity',
  'country_of_origin',
  'storage',
]);

export interface MappedRows {
  /** Product rows for the bulk upsert, in file order. */
  products: Record<string, unknown>[];
  /** The file row of each product row. */
  rowNumbers: number[];
  /** The column heading (as written) of each product field present. */
  headingOf: Map<string, string>;
  /** Cells that are not a value of their column. */
  details: ErrorDetail[];
}

/** The header's columns mapped to fields; unknown or repeated headings are refused like unknown JSON fields. */
export function mapColumns(header: string[]): { fields: (Field | null)[]; problems: ErrorDetail[] } {
  const problems: ErrorDetail[] = [];
  const used = new Map<Field, string>();
  const fields = header.map((heading, i) => {
    if (heading === '') return null;
    const field = FIELD_OF.get(foldHeading(heading));
    const column = heading;
    if (!field) {
      problems.push({
        path: `columns.${i + 1}`,
        row: 1,
        column,
        message: 'unknown column (see the column mapping)',
      });
      return null;
    }
    const twin =
      used.get(field) ??
      (field === 'price' ? used.get('price_cents') : field === 'price_cents' ? used.get('price') : undefined);
    if (twin !== undefined) {
      problems.push({
        path: `columns.${i + 1}`,
        row: 1,
        column,
        message: `says the same as column "${twin}"`,
      });
      return null;
    }
    used.set(field, heading);
    return field;
  });
  return { fields, problems };
}

export function mapRows(table: Table, fields: (Field | null)[]): MappedRows {
  const details: ErrorDetail[] = [];
  const headingOf = new Map<string, string>();
  fields.forEach((f, i) => {
    if (f) headingOf.set(f === 'price' ? 'price_cents' : f, table.header[i] ?? '');
  });
  const products = table.rows.map(({ row, cells }) => {
    const product: Record<string, unknown> = {};
    fields.forEach((field, i) => {
      if (!field) return;
      const cell = cells[i] ?? null;
      const empty = cell === null || (typeof cell === 'string' && cell.trim() === '');
      const key = field === 'price' ? 'price_cents' : field;
      if (empty) {
        if (NULLABLE.has(key)) product[key] = null;
        return;
      }
      try {
        const [name, value] = convert(field, cell);
        product[name] = value;
      } catch (err) {
        if (!(err instanceof CellError)) throw err;
        details.push({
          path: `rows.${row}.${key}`,
          row,
          column: table.header[i] ?? '',
          message: err.message,
        });
      }
    });
    return product;
  });
  return { products, rowNumbers: table.rows.map((r) => r.row), headingOf, details };
}
