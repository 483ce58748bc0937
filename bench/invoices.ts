import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/core/config.js';
import { checkConsistency } from '../src/domain/supplier-invoices/extraction/consistency.js';
import type { ExtractedInvoice } from '../src/domain/supplier-invoices/extraction/extracted.js';
import { createOcrEngine, type OcrEngine } from '../src/domain/supplier-invoices/extraction/ocr.js';
import { openPdf } from '../src/domain/supplier-invoices/extraction/pdf.js';
import { readDocument } from '../src/domain/supplier-invoices/extraction/read-document.js';
import { parseStructuredInvoice } from '../src/domain/supplier-invoices/extraction/structured.js';
import { extractFromText } from '../src/domain/supplier-invoices/extraction/text-fields.js';
import { pdfTextLines, type TextLine } from '../src/domain/supplier-invoices/extraction/text-layout.js';
import { amountsIn, firstDate } from '../src/domain/supplier-invoices/extraction/text-values.js';
import { SHARED_DATA } from '../test/helpers/shared-data.js';
import {
  damageFor,
  openChromium,
  renderPdf,
  renderScan,
  swedishInvoice,
  type SwedishInvoiceTruth,
} from '../test/helpers/swedish-invoices.js';
import { BENCH_SECRET, saveResult } from './lib.js';

/** The OCR settings a deployment gets without any INVOICE_OCR_* variable. */
export const shippedOcr = () => parseConfig({ APP_SECRET: BENCH_SECRET }).invoiceReading.ocr;

/**
 * npm run bench:invoices — field accuracy per source (xml, pdf-text, ocr) on the shared public data and on
 * generated Swedish invoices (text PDFs and degraded scans), beside a naive baseline (first date, largest
 * amount), and OCR pages per second. Fields: invoice number, issue and due date, net, VAT per rate, payable,
 * line count — each counted where the ground truth has it.
 */

type Truth = Record<string, string | number | null>;

interface Tally {
  fields: number;
  correct: number;
  totalsExact: number;
  documents: number;
  misses: string[];
}

const tally = (): Tally => ({ fields: 0, correct: 0, totalsExact: 0, documents: 0, misses: [] });

function score(t: Tally, name: string, truth: Truth, got: Truth, totals: string[]) {
  t.documents += 1;
  let totalsOk = true;
  for (const [field, expected] of Object.entries(truth)) {
    if (expected === null) continue;
    t.fields += 1;
    const ok = String(got[field] ?? '') === String(expected);
    if (ok) t.correct += 1;
    else t.misses.push(`${name}:${field} expected ${expected} got ${got[field] ?? '∅'}`);
    if (!ok && totals.includes(field)) totalsOk = false;
  }
  if (totalsOk) t.totalsExact += 1;
}

/** What we compare for an extracted invoice. */
function fieldsOf(doc: ExtractedInvoice): Truth {
  const out: Truth = {
    invoice_number: doc.invoiceNumber,
    issue_date: doc.issueDate,
    due_date: doc.dueDate,
    net: doc.netTotalCents,
    vat_total: doc.vatTotalCents,
    payable: doc.payableCents,
    lines: doc.lines.length,
  };
  for (const g of doc.vat) out[`vat_${g.rateBp / 100}`] = `${g.taxableCents}/${g.taxCents}`;
  return out;
}

/** The naive baseline: the first date on the page is the invoice date, the largest amount is what to pay. */
function baseline(lines: TextLine[]): Truth {
  const text = lines.map((l) => l.text).join('\n');
  const amounts = lines.flatMap((l) => amountsIn(l.text).map((a) => a.cents));
  return { issue_date: firstDate(text)?.iso ?? null, payable: amounts.length ? Math.max(...amounts) : null };
}

const cents = (v: unknown) => (typeof v === 'number' ? Math.round(v * 100) : null);

/** invoice2data's expected fields, in our names. */
function invoice2dataTruth(file: string): Truth {
  const [j] = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>[];
  return {
    invoice_number: (j?.invoice_number as string | undefined) ?? null,
    issue_date: (j?.date as string | undefined) ?? null,
    due_date: (j?.date_due as string | undefined) ?? null,
    net: cents(j?.amount_untaxed),
    vat_total: cents(j?.amount_tax),
    payable: cents(j?.amount),
  };
}

function swedishTruth(t: SwedishInvoiceTruth): Truth {
  const out: Truth = {
    invoice_number: t.invoiceNumber,
    issue_date: t.issueDate,
    due_date: t.dueDate,
    net: t.netCents,
    payable: t.payableCents,
    lines: t.lines.length,
  };
  for (const g of t.vat) out[`vat_${g.rateBp / 100}`] = `${g.taxableCents}/${g.taxCents}`;
  return out;
}

const TOTALS = ['net', 'vat_total', 'payable', 'vat_6', 'vat_12', 'vat_25'];
const pct = (t: Tally) => (t.fields === 0 ? 'n/a' : `${((100 * t.correct) / t.fields).toFixed(1)} %`);

async function pdfLines(bytes: Buffer): Promise<TextLine[]> {
  const pdf = await openPdf(bytes, 100);
  try {
    return await pdfTextLines(pdf);
  } finally {
    await pdf.destroy();
  }
}

export async function runInvoicesBench(): Promise<void> {
  const scans = Number(process.env.BENCH_INVOICE_SCANS ?? 8);
  const texts = Number(process.env.BENCH_INVOICE_PDFS ?? 20);
  const results: Record<string, Tally> = {
    'xml (Peppol + ZUGFeRD CII/UBL)': tally(),
    'pdf-xml (Factur-X attachment)': tally(),
    'pdf-text: invoice2data PDFs': tally(),
    'pdf-text baseline: invoice2data PDFs': tally(),
    'pdf-text: ZUGFeRD printed layer': tally(),
    'pdf-text: generated Swedish PDFs': tally(),
    'pdf-text baseline: generated Swedish PDFs': tally(),
    'ocr: generated Swedish scans': tally(),
    'ocr baseline: generated Swedish scans': tally(),
    'ocr: invoice2data PNGs': tally(),
  };
  const r = (k: string) => results[k]!;

  if (SHARED_DATA) {
    const peppol = join(SHARED_DATA, 'einvoice/peppol-bis3');
    const zugferd = join(SHARED_DATA, 'einvoice/zugferd-en16931');
    const xmlFiles = [
      ...readdirSync(peppol).map((f) => join(peppol, f)),
      ...readdirSync(zugferd)
        .filter((f) => f.endsWith('.xml'))
        .map((f) => join(zugferd, f)),
    ];
    for (const file of xmlFiles) {
      const doc = parseStructuredInvoice(readFileSync(file));
      // The XML states its own totals: every one present and the document consistent is 100 %.
      const issues = checkConsistency(doc).map((i) => i.code);
      const truth: Truth = { consistent: 'yes', payable: 'present', vat_groups: 'present' };
      const got: Truth = {
        consistent: issues.length === 0 ? 'yes' : issues.join(','),
        payable: doc.payableCents === null ? null : 'present',
        vat_groups: doc.vat.length > 0 ? 'present' : null,
      };
      score(r('xml (Peppol + ZUGFeRD CII/UBL)'), file.split('/').pop()!, truth, got, [
        'payable',
        'consistent',
      ]);
    }
    for (const f of readdirSync(zugferd).filter((n) => n.endsWith('.pdf'))) {
      const bytes = readFileSync(join(zugferd, f));
      const cii = fieldsOf(
        parseStructuredInvoice(readFileSync(join(zugferd, f.replace('.pdf', '.cii.xml')))),
      );
      const settings = { maxPdfPages: 100, ocr: { enabled: false, maxPages: 1, maxPixels: 1, dpi: 100 } };
      const embedded = await readDocument('pdf', bytes, settings, undefined);
      score(r('pdf-xml (Factur-X attachment)'), f, cii, fieldsOf(embedded.doc), TOTALS);
      const printed = extractFromText(await pdfLines(bytes)).doc;
      const { lines: _lines, ...headerTruth } = cii;
      score(r('pdf-text: ZUGFeRD printed layer'), f, headerTruth, fieldsOf(printed), TOTALS);
    }
    const i2d = join(SHARED_DATA, 'ocr/invoice2data');
    for (const f of readdirSync(i2d).filter((n) => n.endsWith('.pdf'))) {
      const truth = invoice2dataTruth(join(i2d, f.replace('.pdf', '.json')));
      const lines = await pdfLines(readFileSync(join(i2d, f)));
      score(r('pdf-text: invoice2data PDFs'), f, truth, fieldsOf(extractFromText(lines).doc), TOTALS);
      const base = { issue_date: truth.issue_date ?? null, payable: truth.payable ?? null };
      score(r('pdf-text baseline: invoice2data PDFs'), f, base, baseline(lines), TOTALS);
    }
  } else {
    console.warn('skipping the shared data sets: ../shared/data is missing');
  }

  const browser = await openChromium();
  const scanImages: { truth: SwedishInvoiceTruth; jpeg: Buffer }[] = [];
  try {
    for (let seed = 1; seed <= Math.max(texts, scans); seed++) {
      const { truth, html } = swedishInvoice(seed);
      if (seed <= texts) {
        const lines = await pdfLines(await renderPdf(browser, html));
        const t = swedishTruth(truth);
        score(
          r('pdf-text: generated Swedish PDFs'),
          `sv-${seed}`,
          t,
          fieldsOf(extractFromText(lines).doc),
          TOTALS,
        );
        score(
          r('pdf-text baseline: generated Swedish PDFs'),
          `sv-${seed}`,
          { issue_date: t.issue_date ?? null, payable: t.payable ?? null },
          baseline(lines),
          TOTALS,
        );
      }
      if (seed <= scans)
        scanImages.push({ truth, jpeg: await renderScan(browser, html, damageFor(seed), seed) });
    }
  } finally {
    await browser.close();
  }

  const throughput: Record<string, string> = {};
  const ocrRun = async (workers: number, score1: boolean) => {
    const engine: OcrEngine = createOcrEngine({ ...shippedOcr(), workers, timeoutMs: 600_000 });
    try {
      // Warm-up: every worker loads its language data once, before the clock starts.
      await Promise.all(scanImages.slice(0, workers).map((s) => engine.read(s.jpeg, 1)));
      const loadBefore = loadavg()[0]!;
      const cpu = process.cpuUsage();
      const started = process.hrtime.bigint();
      const pages = await Promise.all(scanImages.map((s) => engine.read(s.jpeg, 1)));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const used = process.cpuUsage(cpu);
      // CPU time of the whole process (the OCR worker threads included): what a quiet machine would need.
      const cpuPerPage = (used.user + used.system) / 1e6 / scanImages.length;
      throughput[`${workers} worker(s)`] =
        `${(scanImages.length / seconds).toFixed(2)} pages/s (${scanImages.length} pages in ${seconds.toFixed(1)} s, ${cpuPerPage.toFixed(2)} CPU s/page, load ${loadBefore.toFixed(1)}–${loadavg()[0]!.toFixed(1)})`;
      if (!score1) return;
      pages.forEach((lines, i) => {
        const t = swedishTruth(scanImages[i]!.truth);
        score(
          r('ocr: generated Swedish scans'),
          `scan-${i + 1}`,
          t,
          fieldsOf(extractFromText(lines).doc),
          TOTALS,
        );
        score(
          r('ocr baseline: generated Swedish scans'),
          `scan-${i + 1}`,
          { issue_date: t.issue_date ?? null, payable: t.payable ?? null },
          baseline(lines),
          TOTALS,
        );
      });
      if (SHARED_DATA) {
        const i2d = join(SHARED_DATA, 'ocr/invoice2data');
        for (const f of readdirSync(i2d).filter((n) => n.endsWith('.png'))) {
          const lines = await engine.read(readFileSync(join(i2d, f)), 1);
          score(
            r('ocr: invoice2data PNGs'),
            f,
            invoice2dataTruth(join(i2d, f.replace('.png', '.json'))),
            fieldsOf(extractFromText(lines).doc),
            TOTALS,
          );
        }
      }
    } finally {
      await engine.close();
    }
  };
  if (scanImages.length > 0) {
    await ocrRun(1, true);
    if (cpus().length > 1) await ocrRun(2, false);
  }

  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log('| source | documents | fields | correct | totals exact (docs) |');
  console.log('|---|---|---|---|---|');
  for (const [name, t] of Object.entries(results)) {
    if (t.documents === 0) continue;
    console.log(`| ${name} | ${t.documents} | ${t.fields} | ${pct(t)} | ${t.totalsExact}/${t.documents} |`);
  }
  const ocr = shippedOcr();
  console.log(
    `OCR settings: ${ocr.languages.join('+')} ${ocr.model}, images ≤ ${ocr.image.maxWidth} px wide, cropped; ${cpus().length} cores`,
  );
  for (const [k, v] of Object.entries(throughput)) console.log(`OCR throughput, ${k}: ${v}`);
  for (const [name, t] of Object.entries(results)) {
    if (t.misses.length > 0 && !name.includes('baseline'))
      console.log(`misses in ${name}:\n  ${t.misses.join('\n  ')}`);
  }
  const file = saveResult('invoices', { results, throughput, loadavg: loadavg() });
  console.log(`saved ${file}`);
}
