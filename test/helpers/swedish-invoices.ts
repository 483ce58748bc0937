import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../src/connectors/browser.js';
import { prng } from '../../src/db/catalog-generator.js';

/**
 * Realistic Swedish supplier invoices for text-PDF and OCR tests and the invoice benchmark: an HTML invoice
 * (wholesaler layout, food at 6 %, non-food and freight at 25 %, öresavrundning) rendered in Chromium as a PDF
 * with a text layer, or as a scan — rendered to pixels, then scaled, rotated, blurred and JPEG-compressed with
 * noise. Seeded, so the same seed gives the same invoice; the ground truth travels with it.
 */

export interface SwedishInvoiceTruth {
  invoiceNumber: string;
  issueDate: string;
  dueDate: string;
  orderReference: string;
  ocrReference: string;
  bankgiro: string;
  sellerOrgNumber: string;
  netCents: number;
  vat: { rateBp: number; taxableCents: number; taxCents: number }[];
  roundingCents: number;
  payableCents: number;
  lines: {
    sku: string;
    name: string;
    quantity: string;
    unit: string;
    priceCents: number;
    netCents: number;
    rateBp: number;
  }[];
}

const ARTICLES = [
  { name: 'Mjölk 3 % 1 l', unit: 'st', price: 1450, rate: 600 },
  { name: 'Smör normalsaltat 500 g', unit: 'st', price: 5990, rate: 600 },
  { name: 'Västerbottensost 1,2 kg', unit: 'st', price: 31900, rate: 600 },
  { name: 'Potatis fast 10 kg', unit: 'säck', price: 12900, rate: 600 },
  { name: 'Laxfilé färsk', unit: 'kg', price: 24900, rate: 600 },
  { name: 'Kycklingfilé fryst 2,5 kg', unit: 'frp', price: 28950, rate: 600 },
  { name: 'Gul lök 5 kg', unit: 'säck', price: 6450, rate: 600 },
  { name: 'Vetemjöl 2 kg', unit: 'st', price: 2390, rate: 600 },
  { name: 'Grädde 36 % 1 l', unit: 'st', price: 3875, rate: 600 },
  { name: 'Rapsolja 5 l', unit: 'dunk', price: 15900, rate: 600 },
  { name: 'Diskmedel maskin 10 l', unit: 'st', price: 42900, rate: 2500 },
  { name: 'Servetter vita 33 cm', unit: 'krt', price: 18900, rate: 2500 },
  { name: 'Frakt och hantering', unit: 'st', price: 29500, rate: 2500 },
];
const SELLERS = [
  { name: 'Norrlands Grossist AB', org: '556036-0793', bg: '5050-1055' },
  { name: 'Färskvaruhallen i Mälardalen AB', org: '556703-7485', bg: '123-4567' },
  { name: 'Göteborgs Restauranggrossist AB', org: '559012-3466', bg: '5402-9681' },
];

const groupThousands = (digits: string, sep: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'maj', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec'];

/** Three ways Swedish suppliers print a date and two ways they print money, chosen per invoice. */
function formats(style: number) {
  const money = (cents: number) => {
    const sign = cents < 0 ? '-' : '';
    const abs = Math.abs(cents);
    const body = `${groupThousands(String(Math.trunc(abs / 100)), style % 2 === 0 ? '\u00a0' : '.')},${String(abs % 100).padStart(2, '0')}`;
    return style % 2 === 0 ? `${sign}${body}` : `${sign}${body} kr`;
  };
  const date = (iso: string) => {
    const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
    if (style % 3 === 1) return `${d}/${m}-${String(y).slice(2)}`;
    if (style % 3 === 2) return `${d} ${MONTHS[m - 1]} ${y}`;
    return iso;
  };
  return { money, date };
}

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function ocrWithCheckDigit(base: string): string {
  const digits = `${base}${(base.length + 2) % 10}`;
  let sum = 0;
  digits
    .split('')
    .reverse()
    .forEach((c, i) => {
      let v = Number(c) * (i % 2 === 0 ? 2 : 1);
      if (v > 9) v -= 9;
      sum += v;
    });
  return `${digits}${(10 - (sum % 10)) % 10}`;
}

type TruthLine = SwedishInvoiceTruth['lines'][number];

export interface InvoiceOverrides {
  lines?: Omit<TruthLine, 'netCents'>[];
  orderReference?: string;
  issueDate?: string;
  /** Printed "Att betala" differs from the computed amount by this much (an inconsistent invoice). */
  payableErrorCents?: number;
}

export function swedishInvoice(
  seed: number,
  o: InvoiceOverrides = {},
): { truth: SwedishInvoiceTruth; html: string } {
  const rnd = prng(seed);
  const seller = SELLERS[seed % SELLERS.length]!;
  const issueDate = o.issueDate ?? addDays('2026-10-01', Math.floor(rnd() * 60));
  const count = 3 + Math.floor(rnd() * 6);
  const picked = [...ARTICLES].sort(() => rnd() - 0.5).slice(0, count);
  const lines: TruthLine[] = (
    o.lines ??
    picked.map((a, i) => ({
      sku: `${10_000 + ((seed * 37 + i * 101) % 89_999)}`,
      name: a.name,
      quantity:
        a.unit === 'kg'
          ? (Math.round((1 + rnd() * 9) * 10) / 10).toFixed(1)
          : String(1 + Math.floor(rnd() * 12)),
      unit: a.unit,
      priceCents: a.price,
      rateBp: a.rate,
    }))
  ).map((l) => ({ ...l, netCents: Math.round(Number(l.quantity) * l.priceCents) }));
  const byRate = new Map<number, number>();
  for (const l of lines) byRate.set(l.rateBp, (byRate.get(l.rateBp) ?? 0) + l.netCents);
  const vat = [...byRate]
    .sort((a, b) => a[0] - b[0])
    .map(([rateBp, taxableCents]) => ({
      rateBp,
      taxableCents,
      taxCents: Math.round((taxableCents * rateBp) / 10_000),
    }));
  const netCents = lines.reduce((s, l) => s + l.netCents, 0);
  const gross = netCents + vat.reduce((s, g) => s + g.taxCents, 0);
  const payableCents = Math.round(gross / 100) * 100 + (o.payableErrorCents ?? 0);
  const invoiceNumber = String(240_000 + ((seed * 7919) % 99_999));
  const truth: SwedishInvoiceTruth = {
    invoiceNumber,
    issueDate,
    dueDate: addDays(issueDate, 30),
    orderReference: o.orderReference ?? `IR-2026-${String(1000 + seed).padStart(6, '0')}`,
    ocrReference: ocrWithCheckDigit(invoiceNumber),
    bankgiro: seller.bg,
    sellerOrgNumber: seller.org,
    netCents,
    vat,
    roundingCents: payableCents - gross - (o.payableErrorCents ?? 0),
    payableCents,
    lines,
  };
  return { truth, html: invoiceHtml(truth, seller.name, seed) };
}

function invoiceHtml(t: SwedishInvoiceTruth, sellerName: string, style: number): string {
  const { money, date } = formats(style);
  const rows = t.lines
    .map(
      (l) =>
        `<tr><td>${l.sku}</td><td>${l.name}</td><td class="n">${l.quantity.replace('.', ',')} ${l.unit}</td><td class="n">${money(l.priceCents)}</td><td class="n">${l.rateBp / 100} %</td><td class="n">${money(l.netCents)}</td></tr>`,
    )
    .join('');
  const vatRows = t.vat
    .map(
      (g) =>
        `<tr><td>Moms ${g.rateBp / 100} %</td><td class="n">${money(g.taxableCents)}</td><td class="n">${money(g.taxCents)}</td></tr>`,
    )
    .join('');
  return `<!doctype html><html lang="sv"><head><meta charset="utf-8"><style>
body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:13px;color:#111;margin:40px 48px;width:700px}
h1{font-size:26px;margin:0 0 4px} .seller{font-size:18px;font-weight:bold}
table{border-collapse:collapse;width:100%} td,th{padding:4px 6px;text-align:left}
th{border-bottom:1px solid #333;font-size:12px} .n{text-align:right;white-space:nowrap}
.meta td{padding:2px 12px 2px 0} .tot td{padding:3px 6px} .box{border:1px solid #333;padding:8px;margin-top:18px}
.strong{font-weight:bold;font-size:15px} footer{margin-top:36px;border-top:1px solid #999;padding-top:6px;font-size:11px}
</style></head><body>
<div style="display:flex;justify-content:space-between"><div><div class="seller">${sellerName}</div>Industrigatan 12<br>123 45 Stockholm</div>
<div><h1>Faktura</h1></div></div>
<div style="display:flex;justify-content:space-between;margin-top:28px"><div>Kund:<br><b>Bistro Ett AB</b><br>Storgatan 1<br>111 22 Stockholm</div>
<table class="meta" style="width:auto"><tr><td>Fakturanummer:</td><td>${t.invoiceNumber}</td></tr>
<tr><td>Fakturadatum:</td><td>${date(t.issueDate)}</td></tr><tr><td>Förfallodatum:</td><td>${date(t.dueDate)}</td></tr>
<tr><td>Ordernummer:</td><td>${t.orderReference}</td></tr><tr><td>Er referens:</td><td>Anna Svensson</td></tr>
<tr><td>Betalningsvillkor:</td><td>30 dagar netto</td></tr></table></div>
<table style="margin-top:28px"><tr><th>Art.nr</th><th>Benämning</th><th class="n">Antal</th><th class="n">À-pris</th><th class="n">Moms</th><th class="n">Belopp</th></tr>${rows}</table>
<table class="tot" style="margin-top:18px;width:55%;margin-left:45%">
<tr><td>Summa exkl. moms</td><td></td><td class="n">${money(t.netCents)}</td></tr>${vatRows}
<tr><td>Öresavrundning</td><td></td><td class="n">${money(t.roundingCents)}</td></tr>
<tr class="strong"><td>Att betala</td><td>SEK</td><td class="n">${money(t.payableCents)}</td></tr></table>
<div class="box">Betala till bankgiro <b>${t.bankgiro}</b> &nbsp; OCR-nummer: <b>${t.ocrReference}</b> &nbsp; senast ${date(t.dueDate)}</div>
<footer>${sellerName} · Org.nr ${t.sellerOrgNumber} · Momsreg.nr SE${t.sellerOrgNumber.replace('-', '')}01 · Godkänd för F-skatt · Bankgiro ${t.bankgiro}</footer>
</body></html>`;
}

export async function openChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/** The invoice as a PDF with a text layer (what a supplier's billing system prints). */
export async function renderPdf(browser: Browser, html: string): Promise<Buffer> {
  const page = await browser.newPage();
  try {
    await page.setContent(html);
    return await page.pdf({ format: 'A4', printBackground: true });
  } finally {
    await page.close();
  }
}

export interface ScanDamage {
  /** Scale of the A4 page at 96 dpi (1.6 ≈ 150 dpi). */
  scale: number;
  rotateDeg: number;
  blurPx: number;
  jpegQuality: number;
  noise: number;
}

export const damageFor = (seed: number): ScanDamage => {
  const rnd = prng(seed * 31 + 7);
  return {
    scale: 1.55 + rnd() * 0.35,
    rotateDeg: (rnd() - 0.5) * 3,
    blurPx: 0.3 + rnd() * 0.5,
    jpegQuality: 0.55 + rnd() * 0.2,
    noise: 10 + rnd() * 14,
  };
};

/** Runs in the page: rotate and blur through the canvas, then seeded noise and a darker paper, then JPEG. */
const DEGRADE = `async ({ src, d, seed }) => {
  const img = new Image();
  img.src = src;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.width;
  canvas.height = img.height;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.translate(canvas.width / 2, canvas.height / 2);
  ctx.rotate((d.rotateDeg * Math.PI) / 180);
  ctx.filter = 'blur(' + d.blurPx + 'px)';
  ctx.drawImage(img, -img.width / 2, -img.height / 2);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.filter = 'none';
  const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height);
  let s = seed >>> 0;
  for (let i = 0; i < pixels.data.length; i += 4) {
    s = (s * 1664525 + 1013904223) >>> 0;
    const n = (s / 4294967296 - 0.5) * 2 * d.noise;
    for (let c = 0; c < 3; c++) pixels.data[i + c] = Math.max(0, Math.min(255, pixels.data[i + c] + n - 6));
  }
  ctx.putImageData(pixels, 0, 0);
  return canvas.toDataURL('image/jpeg', d.jpegQuality);
}`;

/** The invoice as a photographed or scanned page: pixels degraded in the browser's canvas, as a JPEG. */
export async function renderScan(
  browser: Browser,
  html: string,
  damage: ScanDamage,
  seed: number,
): Promise<Buffer> {
  const page = await browser.newPage({
    viewport: { width: 794, height: 1123 },
    deviceScaleFactor: damage.scale,
  });
  try {
    await page.setContent(html);
    const png = await page.screenshot({ type: 'png', fullPage: false });
    const args = JSON.stringify({ src: `data:image/png;base64,${png.toString('base64')}`, d: damage, seed });
    const dataUrl = await page.evaluate<string>(`(${DEGRADE})(${args})`);
    return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
  } finally {
    await page.close();
  }
}
