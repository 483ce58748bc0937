import { parse as parseCsv } from 'csv-parse/sync';
import { unzipSync, zipSync } from 'fflate';
import { readSheet } from 'read-excel-file/node';
import { DomainError } from '../../core/errors.js';
import { importFileInvalid, importTooLarge } from './products.errors.js';

export const CSV_TYPE = 'text/csv';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export type Cell = string | number | boolean | Date | null;

/** A spreadsheet's header and data rows; `row` is the row number a spreadsheet program shows (header = 1). */
export interface Table {
  header: string[];
  rows: { row: number; cells: Cell[] }[];
}

export interface ImportLimits {
  maxUnpackedBytes: number;
}

/**
 * The text of a CSV file: a charset named in the Content-Type wins; otherwise a BOM says UTF-8 or UTF-16, and
 * bytes that are not valid UTF-8 are read as Windows-1252 (what Excel writes for "CSV" on Swedish Windows).
 */
export function decodeCsv(bytes: Buffer, charset: string | undefined): string {
  const named = charset?.toLowerCase();
  if (named && !/^utf-?8$/.test(named)) {
    try {
      return new TextDecoder(named).decode(bytes);
    } catch {
      throw importFileInvalid(`Unsupported charset ${charset}; send UTF-8 or Windows-1252`);
    }
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  try {
    // The decoder drops a UTF-8 BOM.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    if (named) throw importFileInvalid('The file is not valid UTF-8, as its charset says');
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/** The separator of the header line: `;` (Swedish Excel), `,` or a tab, whichever it holds most of outside quotes. */
export function detectDelimiter(text: string): string {
  const counts = new Map([
    [';', 0],
    [',', 0],
    ['\t', 0],
  ]);
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  const [best] = [...counts].sort((a, b) => b[1] - a[1]);
  return best && best[1] > 0 ? best[0] : ';';
}

function toTable(records: Cell[][], startRow = 1): Table {
  const numbered = records.map((cells, i) => ({ row: startRow + i, cells }));
  const blank = (cells: Cell[]) =>
    cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));
  const firstUsed = numbered.findIndex((r) => !blank(r.cells));
  if (firstUsed < 0) throw importFileInvalid('The file has no header row');
  const [head, ...rest] = numbered.slice(firstUsed);
  const header = (head?.cells ?? []).map((c) => (c === null ? '' : String(c).trim()));
  return { header, rows: rest.filter((r) => !blank(r.cells)) };
}

export function readCsv(bytes: Buffer, charset: string | undefined): Table {
  const text = decodeCsv(bytes, charset);
  let records: string[][];
  try {
    records = parseCsv(text, {
      delimiter: detectDelimiter(text),
      relax_column_count: true,
      skip_empty_lines: false,
    });
  } catch (err) {
    const { lines } = err as { lines?: number };
    throw importFileInvalid(
      `The CSV cannot be read${lines ? ` (line ${lines})` : ''}: ${(err as Error).message}`,
    );
  }
  return toTable(records);
}

/**
 * An XLSX file's parts are unpacked here, each to at most the size its directory entry declares and all
 * together to at most `maxUnpackedBytes`, before the spreadsheet reader sees a stored (uncompressed) copy of
 * them: a zip bomb costs its declared size and no more.
 */
function boundedXlsx(bytes: Buffer, maxUnpackedBytes: number): Uint8Array {
  let declared = 0;
  let parts: Record<string, Uint8Array>;
  try {
    parts = unzipSync(bytes, {
      filter: (file) => {
        if (!file.name.endsWith('.xml') && !file.name.endsWith('.rels')) return false;
        declared += file.originalSize;
        if (declared > maxUnpackedBytes)
          throw importTooLarge(`The spreadsheet unpacks to more than ${maxUnpackedBytes} bytes`);
        return true;
      },
    });
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw importFileInvalid('The file is not a readable XLSX workbook');
  }
  return zipSync(parts, { level: 0 });
}

export async function readXlsx(bytes: Buffer, limits: ImportLimits): Promise<Table> {
  const stored = boundedXlsx(bytes, limits.maxUnpackedBytes);
  let rows: Cell[][];
  try {
    // read-excel-file types a date cell as `typeof Date` (the constructor); it returns Date instances.
    rows = (await readSheet(Buffer.from(stored))) as unknown as Cell[][];
  } catch {
    throw importFileInvalid('The file is not a readable XLSX workbook (its first sheet is read)');
  }
  return toTable(rows);
}
