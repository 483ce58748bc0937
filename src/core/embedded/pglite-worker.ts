import { parentPort, workerData } from 'node:worker_threads';
import type { PGlite } from '@electric-sql/pglite';
import { createPglite } from './pglite.js';
import { toWireError, type WireResult, type WorkerReply, type WorkerRequest } from './protocol.js';

/**
 * The embedded database's thread. PGlite runs PostgreSQL compiled to WebAssembly synchronously on the thread that
 * calls it, and it has no statement timeout and no way to cancel a query: on the API's own thread one slow or
 * runaway statement stops every request, `/healthz` and the signal handlers. Here it stops only this thread,
 * which the API can end and start again (embedded-client.ts).
 */
const port = parentPort;
if (!port) throw new Error('pglite-worker runs as a worker thread');
const post = (reply: WorkerReply) => {
  port.postMessage(reply);
};
const raw = (value: string) => value;

function wire(result: {
  rows: unknown[];
  fields: { name: string; dataTypeID: number }[];
  affectedRows?: number;
}): WireResult {
  return {
    rows: result.rows,
    fields: result.fields,
    ...(result.affectedRows === undefined ? {} : { affectedRows: result.affectedRows }),
  };
}

async function answer(db: PGlite, request: WorkerRequest): Promise<WireResult | WireResult[] | null> {
  switch (request.op) {
    case 'query':
      return wire(
        await db.query(request.sql, request.params, {
          rowMode: request.rowMode,
          parsers: Object.fromEntries(request.rawTypes.map((type) => [type, raw])),
          ...(request.paramTypes ? { paramTypes: request.paramTypes } : {}),
        }),
      );
    case 'exec':
      return (await db.exec(request.sql)).map(wire);
    case 'close':
      await db.close();
      return null;
  }
}

try {
  const db = await createPglite((workerData as { dir: string }).dir);
  port.on('message', (request: WorkerRequest) => {
    answer(db, request).then(
      (result) => {
        post({ kind: 'result', id: request.id, result });
      },
      (err: unknown) => {
        post({ kind: 'error', id: request.id, error: toWireError(err) });
      },
    );
  });
  post({ kind: 'ready' });
} catch (err) {
  post({ kind: 'failed', error: toWireError(err) });
}
