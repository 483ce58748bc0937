import { describe, expect, it } from 'vitest';

// Taken before anything in this file loads pdfjs-dist (its legacy build replaces them on loading).
const native = { stringify: JSON.stringify, parse: JSON.parse, push: Array.prototype.push };

describe('pdfjs runtime', () => {
  it('leaves the process its native JSON and Array.prototype.push, and keeps what the build adds', async () => {
    const { getDocument } = await import('../../src/domain/supplier-invoices/extraction/pdfjs-runtime.js');
    expect(typeof getDocument).toBe('function');
    expect(JSON.stringify).toBe(native.stringify);
    expect(JSON.parse).toBe(native.parse);
    expect(Array.prototype.push).toBe(native.push);
    // Added by the build for pdfjs itself (Node 20 has none of it natively).
    expect(typeof (Promise as unknown as { withResolvers?: unknown }).withResolvers).toBe('function');
  });
});
