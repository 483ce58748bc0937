import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOcrEngine, type OcrSettings } from '../src/domain/supplier-invoices/extraction/ocr.js';
import { shippedOcr } from './invoices.js';
import { extractFromText } from '../src/domain/supplier-invoices/extraction/text-fields.js';
import {
  damageFor,
  openChromium,
  renderScan,
  swedishInvoice,
  type SwedishInvoiceTruth,
} from '../test/helpers/swedish-invoices.js';

/**
 * tsx bench/invoice-ocr-variants.ts [variant…] — OCR settings compared on the same degraded Swedish scans, one
 * after another in one process: pages/s, wall and CPU seconds per page (process.cpuUsage covers the worker
 * threads), field accuracy and totals exact, and the load average around each run. The scans are rendered once
 * and kept in the temp folder. BENCH_INVOICE_SCANS pages (default 4); no argument runs every variant.
 */

type Variant = Partial<OcrSettings>;

const SHIPPED: Variant = shippedOcr();
/** Tesseract's word lists on, as before the tuning (the shipped parameters switch them off). */
const DICTIONARIES = { load_system_dawg: '1', load_freq_dawg: '1' };
const NO_DICTIONARIES = { load_system_dawg: '0', load_freq_dawg: '0' };
const PREPARED = { maxWidth: 1240, crop: true };

const variant = (
  languages: Variant['languages'],
  options: { model?: Variant['model']; dictionaries?: boolean; image?: Variant['image']; deskew?: boolean },
): Variant => ({
  languages,
  model: options.model ?? 'best_int',
  parameters: options.dictionaries === false ? NO_DICTIONARIES : DICTIONARIES,
  image: options.image,
  deskew: options.deskew ?? true,
});

const VARIANTS: Record<string, Variant> = {
  'before: swe+eng best_int, deskew, no preparation': variant(['swe', 'eng'], {}),
  'swe best_int': variant(['swe'], {}),
  'swe standard (4.0.0)': variant(['swe'], { model: 'standard' }),
  'swe best_int, no invert': {
    ...variant(['swe'], {}),
    parameters: { ...DICTIONARIES, tessedit_do_invert: '0' },
  },
  'swe best_int, psm 6 (one block)': {
    ...variant(['swe'], {}),
    parameters: { ...DICTIONARIES, tessedit_pageseg_mode: '6' },
  },
  'swe best_int, no dictionaries': variant(['swe'], { dictionaries: false }),
  'swe best_int, no deskew': variant(['swe'], { deskew: false }),
  'swe best_int, grey + crop': variant(['swe'], { image: { maxWidth: 0, crop: true } }),
  'swe best_int, grey + crop, 1240 px (150 dpi)': variant(['swe'], { image: PREPARED }),
  'swe best_int, grey + crop, 1000 px (120 dpi)': variant(['swe'], { image: { maxWidth: 1000, crop: true } }),
  'swe best_int, grey + crop, 1240 px, no dictionaries': variant(['swe'], {
    image: PREPARED,
    dictionaries: false,
  }),
  'eng best_int': variant(['eng'], {}),
  'eng+swe best_int': variant(['eng', 'swe'], {}),
  'eng best_int, grey + crop, 1240 px': variant(['eng'], { image: PREPARED }),
  'swe+eng best_int, grey + crop, 1240 px': variant(['swe', 'eng'], { image: PREPARED }),
  'eng best_int, grey + crop, 1240 px, no dictionaries, no deskew': variant(['eng'], {
    image: PREPARED,
    dictionaries: false,
    deskew: false,
  }),
  'shipped: eng best_int, grey + crop, 1240 px, no dictionaries, deskew': SHIPPED,
  'shipped settings, 1 worker': { ...SHIPPED, workers: 1 },
};

const TOTALS = ['net', 'payable', 'vat'];

function scoreScan(truth: SwedishInvoiceTruth, lines: Parameters<typeof extractFromText>[0]) {
  const doc = extractFromText(lines).doc;
  const vat = (groups: { rateBp: number; taxableCents: number; taxCents: number }[]) =>
    groups
      .map((g) => `${g.rateBp}:${g.taxableCents}/${g.taxCents}`)
      .sort()
      .join(',');
  const checks: Record<string, boolean> = {
    invoice_number: doc.invoiceNumber === truth.invoiceNumber,
    issue_date: doc.issueDate === truth.issueDate,
    due_date: doc.dueDate === truth.dueDate,
    net: doc.netTotalCents === truth.netCents,
    payable: doc.payableCents === truth.payableCents,
    vat: vat(doc.vat) === vat(truth.vat),
    lines: doc.lines.length === truth.lines.length,
  };
  const correct = Object.values(checks).filter(Boolean).length;
  return { fields: Object.keys(checks).length, correct, totalsExact: TOTALS.every((f) => checks[f]) };
}

async function scans(count: number): Promise<{ truth: SwedishInvoiceTruth; jpeg: Buffer }[]> {
  const dir = join(tmpdir(), 'iris-bench-ocr-scans');
  mkdirSync(dir, { recursive: true });
  const out: { truth: SwedishInvoiceTruth; jpeg: Buffer }[] = [];
  const missing = [...Array(count).keys()]
    .map((i) => i + 1)
    .filter((s) => !existsSync(join(dir, `${s}.jpg`)));
  if (missing.length > 0) {
    const browser = await openChromium();
    try {
      for (const seed of missing) {
        const { html } = swedishInvoice(seed);
        writeFileSync(join(dir, `${seed}.jpg`), await renderScan(browser, html, damageFor(seed), seed));
      }
    } finally {
      await browser.close();
    }
  }
  for (let seed = 1; seed <= count; seed++)
    out.push({ truth: swedishInvoice(seed).truth, jpeg: readFileSync(join(dir, `${seed}.jpg`)) });
  return out;
}

const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

async function run(name: string, variant: Variant, pages: { truth: SwedishInvoiceTruth; jpeg: Buffer }[]) {
  const workers = variant.workers ?? 1;
  const engine = createOcrEngine({
    workers,
    timeoutMs: 900_000,
    langPath: undefined,
    languages: ['swe'],
    model: 'best_int',
    ...variant,
  });
  try {
    const warmStart = process.cpuUsage();
    // Every worker loads its model before the clock starts: that is start-up, not a page's cost.
    await Promise.all(pages.slice(0, workers).map((p) => engine.read(p.jpeg, 1)));
    const warm = cpuSeconds(process.cpuUsage(warmStart));
    const loadBefore = loadavg()[0]!;
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    const read = await Promise.all(pages.map((p) => engine.read(p.jpeg, 1)));
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    const cpuPerPage = cpuSeconds(process.cpuUsage(cpu)) / pages.length;
    let fields = 0;
    let correct = 0;
    let totalsExact = 0;
    read.forEach((lines, i) => {
      const s = scoreScan(pages[i]!.truth, lines);
      fields += s.fields;
      correct += s.correct;
      if (s.totalsExact) totalsExact += 1;
    });
    console.log(
      `| ${name} | ${workers} | ${(pages.length / wall).toFixed(3)} | ${(wall / pages.length).toFixed(2)} | ${cpuPerPage.toFixed(2)} | ${((100 * correct) / fields).toFixed(1)} % | ${totalsExact}/${pages.length} | ${warm.toFixed(1)} | ${loadBefore.toFixed(1)}–${loadavg()[0]!.toFixed(1)} |`,
    );
  } finally {
    await engine.close();
  }
}

const count = Number(process.env.BENCH_INVOICE_SCANS ?? 4);
const pages = await scans(count);
const wanted = process.argv.slice(2);
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}, ${count} scans`,
);
console.log(
  '| variant | workers | pages/s | wall s/page | CPU s/page | fields | totals exact | model load CPU s | load avg |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const [name, variant] of Object.entries(VARIANTS)) {
  if (wanted.length > 0 && !wanted.some((w) => name.includes(w))) continue;
  await run(name, variant, pages);
}
