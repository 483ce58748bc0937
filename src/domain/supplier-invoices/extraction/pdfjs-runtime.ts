/**
 * pdfjs-dist's legacy build (the one that runs on Node 20) bundles core-js, which on loading replaces built-ins it
 * finds incomplete on this engine with JavaScript versions, for the whole process: JSON.stringify and JSON.parse
 * (V8 here has no JSON.rawJSON) and Array.prototype.push (an edge case of non-writable lengths). Every request body,
 * log line and set-based write then pays for it: JSON.stringify of 2,000 catalog rows and array pushes took 9× the
 * CPU after the import (251 → 2,235 ms in one measurement). The native versions of what existed before the import
 * are put back; what the build adds (Promise.withResolvers, the Set methods, Uint8Array base64, …) stays.
 */
const builtins: object[] = [
  JSON,
  Object,
  Array,
  Array.prototype,
  Promise,
  Promise.prototype,
  Map.prototype,
  Set.prototype,
  WeakMap.prototype,
  String.prototype,
  Uint8Array,
  Uint8Array.prototype,
];
const natives = builtins.map(
  (target) =>
    new Map(Reflect.ownKeys(target).map((key) => [key, Object.getOwnPropertyDescriptor(target, key)])),
);

const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');

builtins.forEach((target, i) => {
  for (const [key, native] of natives[i] ?? []) {
    if (typeof native?.value !== 'function') continue;
    if (Object.getOwnPropertyDescriptor(target, key)?.value !== native.value)
      Object.defineProperty(target, key, native);
  }
});

export const { getDocument } = pdfjs;
