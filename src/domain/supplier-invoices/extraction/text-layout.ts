import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

/**
 * Printed text as lines of positioned words, whether it came from a PDF's text layer or from OCR: field
 * extraction reads labels and the values beside or below them, so it needs where each word sits.
 */

export interface Word {
  text: string;
  /** Left and right edge in page units (points for PDFs, pixels for OCR). */
  x0: number;
  x1: number;
  /** 0–1: how sure the reader is of this word (1 for a PDF's text layer). */
  confidence: number;
}

export interface TextLine {
  page: number;
  /** Top of the line, growing down the page. */
  y: number;
  height: number;
  words: Word[];
  text: string;
}

/** Words whose gap exceeds this many line heights belong to different columns: joined with two spaces. */
const COLUMN_GAP = 1.2;

export function lineText(words: Word[], height: number): string {
  let text = '';
  let right: number | undefined;
  for (const w of words) {
    if (right !== undefined) text += w.x0 - right > COLUMN_GAP * height ? '  ' : ' ';
    text += w.text;
    right = w.x1;
  }
  return text.trim();
}

interface TextItemLike {
  str: string;
  transform: number[];
  width: number;
  height: number;
}

/** Groups a page's text items into lines by their baseline, words left to right. */
function pageLines(page: number, items: TextItemLike[], pageHeight: number): TextLine[] {
  const placed = items
    .filter((i) => i.str.trim() !== '')
    .map((i) => {
      const size = Math.max(Math.abs(i.transform[3] ?? 0), i.height, 1);
      return {
        y: pageHeight - (i.transform[5] ?? 0) - size,
        size,
        word: {
          text: i.str.trim(),
          x0: i.transform[4] ?? 0,
          x1: (i.transform[4] ?? 0) + i.width,
          confidence: 1,
        },
      };
    })
    .sort((a, b) => a.y - b.y || a.word.x0 - b.word.x0);
  const lines: { y: number; height: number; words: Word[] }[] = [];
  for (const p of placed) {
    const line = lines.find((l) => Math.abs(l.y - p.y) < Math.min(l.height, p.size) * 0.5);
    if (line) line.words.push(p.word);
    else lines.push({ y: p.y, height: p.size, words: [p.word] });
  }
  return lines
    .sort((a, b) => a.y - b.y)
    .map((l) => {
      const words = l.words.sort((a, b) => a.x0 - b.x0);
      return { page, y: l.y, height: l.height, words, text: lineText(words, l.height) };
    });
}

/** A PDF's text layer as lines, page by page; empty when the PDF is only images (a scan). */
export async function pdfTextLines(doc: PDFDocumentProxy): Promise<TextLine[]> {
  const lines: TextLine[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const content = await page.getTextContent();
    const height = page.getViewport({ scale: 1 }).height;
    const items = content.items.filter((i): i is typeof i & TextItemLike => 'str' in i);
    lines.push(...pageLines(n, items, height));
    page.cleanup();
  }
  return lines;
}

/** Enough printed characters that the text layer is the document, not a scan with a stray caption. */
export const MIN_TEXT_LAYER_CHARS = 80;

export const textLength = (lines: TextLine[]) =>
  lines.reduce((n, l) => n + l.text.replace(/\s/g, '').length, 0);
