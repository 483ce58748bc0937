import { copyFile, mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Block, createWorker, OEM, type Worker } from 'tesseract.js';
import { type OcrImageSettings, prepareForOcr } from './ocr-image.js';
import { lineText, type TextLine, type Word } from './text-layout.js';

/**
 * OCR with tesseract.js, fully offline: the trained data comes from the npm packages `@tesseract.js-data/eng`
 * and `/swe` (INVOICE_OCR_LANGUAGES picks), gathered into one language folder; nothing is downloaded or
 * cached at run time. A fixed number of workers bounds CPU and memory; workers are kept between pages (loading
 * a model costs more than reading a page); a page that takes too long is abandoned and its worker replaced.
 */

/** The two models the npm data packages ship: `best_int` (LSTM only, integer) and `standard` (4.0.0). */
export type OcrModel = 'best_int' | 'standard';
const MODEL_FOLDER: Record<OcrModel, string> = { best_int: '4.0.0_best_int', standard: '4.0.0' };

export interface OcrSettings {
  workers: number;
  timeoutMs: number;
  /** A folder with <language>.traineddata.gz for each language; undefined gathers the npm packages' copies. */
  langPath: string | undefined;
  /** Tesseract languages, primary first: each more is another recognition pass over uncertain words. */
  languages: readonly OcrLanguage[];
  model: OcrModel;
  /** Overrides of TESSERACT_PARAMETERS, for comparing settings (bench); production uses the defaults. */
  parameters?: Record<string, string>;
  /** Grey, cropped and downscaled before reading; undefined hands the image over as it is. */
  image?: OcrImageSettings;
  /** Measure and undo the page's skew before reading (a second layout pass); default on. */
  deskew?: boolean;
}

export const OCR_LANGUAGES = ['swe', 'eng'] as const;
export type OcrLanguage = (typeof OCR_LANGUAGES)[number];

export class OcrTimeout extends Error {
  constructor(ms: number) {
    super(`OCR took longer than ${ms} ms`);
    this.name = 'OcrTimeout';
  }
}

/**
 * Tesseract settings measured on the Swedish scans (docs/benchmarks.md): the word lists cost load time and
 * steer Swedish words towards the model's own language; invoices are numbers and labels, not prose.
 */
export const TESSERACT_PARAMETERS: Record<string, string> = { load_system_dawg: '0', load_freq_dawg: '0' };

/** Dictionary switches are read when a model loads, not per page. */
const isInitParameter = (name: string) => name.startsWith('load_');

const require = createRequire(import.meta.url);

/** One folder with the languages' data of one model, copied from node_modules once per data version. */
async function languageFolder(model: OcrModel): Promise<string> {
  const version = (require('@tesseract.js-data/swe/package.json') as { version: string }).version;
  const folder = join(tmpdir(), `iris-tessdata-${version}-${MODEL_FOLDER[model]}`);
  await mkdir(folder, { recursive: true });
  for (const lang of OCR_LANGUAGES) {
    const source = join(
      dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`)),
      MODEL_FOLDER[model],
      `${lang}.traineddata.gz`,
    );
    const target = join(folder, `${lang}.traineddata.gz`);
    const present = await stat(target).catch(() => undefined);
    if (present?.size !== (await stat(source)).size) await copyFile(source, target);
  }
  return folder;
}

/** Tesseract's lines regrouped into printed rows (it splits a table row into column blocks). */
function rowsOf(page: number, blocks: Block[]): TextLine[] {
  const pieces = blocks.flatMap((b) => b.paragraphs.flatMap((p) => p.lines));
  const rows: { top: number; bottom: number; words: Word[] }[] = [];
  for (const piece of pieces.sort((a, b) => a.bbox.y0 - b.bbox.y0)) {
    const words = piece.words
      .filter((w) => w.text.trim() !== '')
      .map((w) => ({ text: w.text, x0: w.bbox.x0, x1: w.bbox.x1, confidence: w.confidence / 100 }));
    if (words.length === 0) continue;
    const mid = (piece.bbox.y0 + piece.bbox.y1) / 2;
    const row = rows.find((r) => mid > r.top && mid < r.bottom);
    if (row) {
      row.words.push(...words);
      row.top = Math.min(row.top, piece.bbox.y0);
      row.bottom = Math.max(row.bottom, piece.bbox.y1);
    } else rows.push({ top: piece.bbox.y0, bottom: piece.bbox.y1, words });
  }
  return rows
    .sort((a, b) => a.top - b.top)
    .map((r) => {
      const words = r.words.sort((a, b) => a.x0 - b.x0);
      const height = r.bottom - r.top;
      return { page, y: r.top, height, words, text: lineText(words, height) };
    });
}

export interface OcrEngine {
  /** Reads one page image (PNG/JPEG/TIFF bytes) into rows of words with their confidences. */
  read(image: Buffer, page: number): Promise<TextLine[]>;
  close(): Promise<void>;
}

export function createOcrEngine(settings: OcrSettings): OcrEngine {
  const idle: Worker[] = [];
  const waiting: ((w: Worker) => void)[] = [];
  let created = 0;
  let folder: Promise<string> | undefined;
  const all = new Set<Worker>();

  async function spawn(): Promise<Worker> {
    folder ??= settings.langPath ? Promise.resolve(settings.langPath) : languageFolder(settings.model);
    const parameters = Object.entries({ ...TESSERACT_PARAMETERS, ...settings.parameters });
    const worker = await createWorker(
      [...settings.languages],
      OEM.LSTM_ONLY,
      { langPath: await folder, cacheMethod: 'none', gzip: true },
      Object.fromEntries(parameters.filter(([name]) => isInitParameter(name))),
    );
    await worker.setParameters(Object.fromEntries(parameters.filter(([name]) => !isInitParameter(name))));
    all.add(worker);
    return worker;
  }

  async function acquire(): Promise<Worker> {
    const ready = idle.pop();
    if (ready) return ready;
    if (created < settings.workers) {
      created += 1;
      try {
        return await spawn();
      } catch (err) {
        created -= 1;
        throw err;
      }
    }
    return new Promise((resolve) => waiting.push(resolve));
  }

  function release(worker: Worker) {
    const next = waiting.shift();
    if (next) next(worker);
    else idle.push(worker);
  }

  async function replace(worker: Worker) {
    all.delete(worker);
    await worker.terminate().catch(() => undefined);
    created -= 1;
    const next = waiting.shift();
    if (next) void acquire().then(next);
  }

  return {
    async read(original, page) {
      const image = settings.image ? await prepareForOcr(original, settings.image) : original;
      const worker = await acquire();
      let timer: NodeJS.Timeout | undefined;
      try {
        const result = await Promise.race([
          worker.recognize(image, { rotateAuto: settings.deskew ?? true }, { blocks: true, text: false }),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => {
              reject(new OcrTimeout(settings.timeoutMs));
            }, settings.timeoutMs);
          }),
        ]);
        release(worker);
        return rowsOf(page, result.data.blocks ?? []);
      } catch (err) {
        await replace(worker);
        throw err;
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await Promise.all([...all].map((w) => w.terminate().catch(() => undefined)));
      all.clear();
      idle.length = 0;
      created = 0;
    },
  };
}
