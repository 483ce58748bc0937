import { describe, expect, it } from 'vitest';
import { openPdf, PdfRejected } from '../../src/domain/supplier-invoices/extraction/pdf.js';

// Node's built-ins are not constructors and have no own `prototype`; pdfjs's bundled core-js polyfills, plain
// functions, do.
const replaced = () =>
  (
    [
      [Array.prototype, 'push'],
      [JSON, 'parse'],
      [JSON, 'stringify'],
      [Function.prototype, 'toString'],
    ] as const
  ).filter(([target, key]) =>
    Object.hasOwn(Object.getOwnPropertyDescriptor(target, key)?.value as object, 'prototype'),
  ).length;

describe("Node's built-ins beside pdfjs", () => {
  it('are still the process-wide ones after pdfjs is loaded and its worker has opened a document', async () => {
    expect(replaced()).toBe(0);
    await expect(openPdf(Buffer.from('%PDF-1.7\n1 0 obj garbage'), 10)).rejects.toBeInstanceOf(PdfRejected);
    expect(replaced()).toBe(0);
    expect(JSON.stringify({ a: [1, 'b'] })).toBe('{"a":[1,"b"]}');
    // Added by the build for pdfjs itself (Node 20 has none of it natively) and left in place.
    expect(typeof (Promise as unknown as { withResolvers?: unknown }).withResolvers).toBe('function');
  });
});
