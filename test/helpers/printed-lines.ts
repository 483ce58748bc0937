import type { TextLine } from '../../src/domain/supplier-invoices/extraction/text-layout.js';

/** Printed lines as a PDF text layer gives them, set in a monospace font: 6 units a character, as typed. */
export function printed(text: string, confidence = 1): TextLine[] {
  return text
    .trim()
    .split('\n')
    .map((line, i) => {
      const words = [...line.matchAll(/\S+/g)].map((m) => ({
        text: m[0],
        x0: m.index * 6,
        x1: (m.index + m[0].length) * 6,
        confidence,
      }));
      return { page: 1, y: i * 10, height: 8, words, text: line.trim() };
    });
}
