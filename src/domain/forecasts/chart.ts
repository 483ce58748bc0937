/**
 * History + forecast + 80 % interval as one self-contained SVG (no scripts, no external references), because
 * people would rather look at a forecast than read it.
 */
export interface ChartInput {
  title: string;
  history: { date: string; quantity: number }[];
  forecast: { date: string; quantity: number; lower: number; upper: number }[];
}

const W = 800;
const H = 320;
const PAD = { left: 56, right: 16, top: 36, bottom: 40 };

const escapeXml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );

export function renderChart(input: ChartInput): string {
  const dates = [...input.history.map((h) => h.date), ...input.forecast.map((f) => f.date)];
  const t0 = Date.parse(dates[0] ?? '1970-01-01');
  const t1 = dates.length > 1 ? Date.parse(dates.at(-1) ?? '') : t0 + 86_400_000;
  const maxY = Math.max(1, ...input.history.map((h) => h.quantity), ...input.forecast.map((f) => f.upper));
  const x = (d: string) => PAD.left + ((Date.parse(d) - t0) / (t1 - t0 || 1)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / maxY) * (H - PAD.top - PAD.bottom);
  const line = (pts: { date: string; v: number }[]) =>
    pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.date).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
  const band =
    input.forecast.length === 0
      ? ''
      : `${line(input.forecast.map((f) => ({ date: f.date, v: f.upper })))} ${input.forecast
          .slice()
          .reverse()
          .map((f) => `L${x(f.date).toFixed(1)},${y(f.lower).toFixed(1)}`)
          .join(' ')} Z`;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((q) => {
    const v = maxY * q;
    return `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e7eb"/><text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#374151">${v.toFixed(v < 10 ? 1 : 0)}</text>`;
  });
  const label = (d: string | undefined, anchor: string) =>
    d
      ? `<text x="${x(d).toFixed(1)}" y="${H - 14}" text-anchor="${anchor}" font-size="11" fill="#374151">${d}</text>`
      : '';
  const split = input.forecast[0]?.date;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeXml(input.title)}">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${PAD.left}" y="20" font-size="14" font-family="sans-serif" fill="#111827">${escapeXml(input.title)}</text>`,
    ...ticks,
    band
      ? `<path d="${band}" fill="#93c5fd" fill-opacity="0.45" stroke="none"><title>80 % interval</title></path>`
      : '',
    input.history.length > 0
      ? `<path d="${line(input.history.map((h) => ({ date: h.date, v: h.quantity })))}" fill="none" stroke="#111827" stroke-width="1.5"><title>history</title></path>`
      : '',
    input.forecast.length > 0
      ? `<path d="${line(input.forecast.map((f) => ({ date: f.date, v: f.quantity })))}" fill="none" stroke="#2563eb" stroke-width="2" stroke-dasharray="5 3"><title>forecast</title></path>`
      : '',
    split
      ? `<line x1="${x(split).toFixed(1)}" x2="${x(split).toFixed(1)}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="#9ca3af" stroke-dasharray="2 2"/>`
      : '',
    label(dates[0], 'start'),
    label(split, 'middle'),
    label(dates.at(-1), 'end'),
    '</svg>',
  ].join('');
}
