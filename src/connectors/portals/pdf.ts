/**
 * A small, valid PDF 1.4 with one page of Helvetica text and a correct cross-reference table — what the
 * portal replicas serve as invoices. Only WinAnsi-safe characters are written (å, ä, ö are transliterated).
 */
export function textPdf(lines: readonly string[], padBytes = 0): Buffer {
  const safe = (s: string) =>
    s
      .replace(/[åä]/g, 'a')
      .replace(/[ÅÄ]/g, 'A')
      .replace(/ö/g, 'o')
      .replace(/Ö/g, 'O')
      .replace(/[^\x20-\x7e]/g, '?')
      .replace(/([\\()])/g, '\\$1');
  const content = [
    'BT',
    '/F1 11 Tf',
    '14 TL',
    '50 790 Td',
    ...lines.map((line) => `(${safe(line)}) Tj T*`),
    'ET',
  ].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  ];
  // Padding (comment lines before the first object) gives the replica a large download to refuse.
  let body = `%PDF-1.4\n${'%'
    .padEnd(79, 'x')
    .concat('\n')
    .repeat(Math.ceil(padBytes / 80))}`;
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xrefAt = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}
