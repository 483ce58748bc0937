/**
 * pdfjs-dist's legacy build bundles core-js, which on Node 20 replaces `Array.prototype.push`, `JSON.parse`,
 * `JSON.stringify` and `Function.prototype.toString` with JavaScript polyfills for the whole process (it finds
 * Node's own short of the newest proposals, such as `JSON.rawJSON`), and its worker module does it again when
 * the first PDF is opened. Every array push and every serialised response of the API then ran through them: under
 * the search load that was a third more of the API's CPU per request. These are Node's own, captured when this
 * module is first evaluated, which must be before pdfjs is imported.
 */
const natives = (
  [
    [Array.prototype, 'push'],
    [JSON, 'parse'],
    [JSON, 'stringify'],
    [Function.prototype, 'toString'],
  ] as const
).map(([target, key]) => ({
  target,
  key,
  value: Object.getOwnPropertyDescriptor(target, key)?.value as unknown,
}));

/** Puts Node's own built-ins back where a bundled polyfill replaced them. */
export function restoreNativeBuiltins(): void {
  for (const { target, key, value } of natives) {
    if (Object.getOwnPropertyDescriptor(target, key)?.value !== value)
      Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
  }
}
