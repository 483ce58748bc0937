/**
 * pdfjs-dist's legacy build (the one that runs on Node 20) bundles core-js, which replaces built-ins it finds short
 * of the newest proposals with JavaScript versions for the whole process: `JSON.stringify` and `JSON.parse` (no
 * `JSON.rawJSON` here), `Array.prototype.push`, `Function.prototype.toString`. Its worker module does it again when
 * the first PDF is opened. Every serialised response, log line, array push and set-based write then ran through
 * them: a third more API CPU per search request, and 9× the CPU for stringify and push of a connector batch.
 * Node's own functions are captured when this module is first evaluated — which must be before pdfjs is imported —
 * and put back after; what the build adds and Node lacks (`Promise.withResolvers`, the Set methods, …) stays.
 */
const builtins: object[] = [
  JSON,
  Object,
  Array,
  Array.prototype,
  Function.prototype,
  Promise,
  Promise.prototype,
  Map.prototype,
  Set.prototype,
  WeakMap.prototype,
  String.prototype,
  Uint8Array,
  Uint8Array.prototype,
];

const natives = builtins.map((target) =>
  Reflect.ownKeys(target).flatMap((key) => {
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    return typeof descriptor?.value === 'function' ? [{ key, descriptor }] : [];
  }),
);

/** Puts Node's own built-ins back wherever a bundled polyfill replaced them. */
export function restoreNativeBuiltins(): void {
  builtins.forEach((target, i) => {
    for (const { key, descriptor } of natives[i] ?? []) {
      if (Object.getOwnPropertyDescriptor(target, key)?.value !== descriptor.value)
        Object.defineProperty(target, key, descriptor);
    }
  });
}
