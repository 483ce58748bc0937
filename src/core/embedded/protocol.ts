/** Messages between the embedded database's worker thread (pglite-worker.ts) and its client (embedded-client.ts). */

export interface QueryRequest {
  id: number;
  op: 'query';
  sql: string;
  params: unknown[];
  rowMode: 'object' | 'array';
  /** Types returned as the server's text: the caller's own parsers (functions cannot cross threads) read them. */
  rawTypes: number[];
  paramTypes?: number[];
}

export interface ExecRequest {
  id: number;
  op: 'exec';
  sql: string;
}

export interface CloseRequest {
  id: number;
  op: 'close';
}

export type WorkerRequest = QueryRequest | ExecRequest | CloseRequest;

export interface WireResult {
  rows: unknown[];
  fields: { name: string; dataTypeID: number }[];
  affectedRows?: number;
}

/** A database error's fields (code, constraint, detail…), so the API translates it as it does PostgreSQL's. */
export type WireError = { message: string } & Record<string, unknown>;

export type WorkerReply =
  | { kind: 'ready' }
  | { kind: 'failed'; error: WireError }
  | { kind: 'result'; id: number; result: WireResult | WireResult[] | null }
  | { kind: 'error'; id: number; error: WireError };

export function toWireError(err: unknown): WireError {
  if (!(err instanceof Error)) return { message: String(err) };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(err)) {
    if (value === undefined || typeof value === 'function' || typeof value === 'object') continue;
    fields[key] = value;
  }
  return { ...fields, message: err.message };
}
