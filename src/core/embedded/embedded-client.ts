import type { Worker } from 'node:worker_threads';
import type { PGlite } from '@electric-sql/pglite';
import { spawnModuleWorker } from '../worker-thread.js';
import type { WireError, WireResult, WorkerReply, WorkerRequest } from './protocol.js';

interface WarnLogger {
  warn(obj: object, msg: string): void;
}

export interface EmbeddedClientOptions {
  /** The longest one statement may run (0: no bound); past it the database thread is ended and restarted. */
  queryTimeoutMs: number;
  log?: WarnLogger;
}

/** What the embedded database has been through, for the metrics and the tests. */
export interface EmbeddedStats {
  /** Restarts of the database thread: a statement over the bound, or the thread failing. */
  connectionErrors: number;
  /** Statements stopped for running longer than the bound. */
  queryTimeouts: number;
  /** ANALYZE runs the client started after writes (the embedded engine has no autovacuum). */
  analyzeRuns: number;
}

type Parser = (value: string) => unknown;
interface QueryOptions {
  rowMode?: 'object' | 'array';
  parsers?: Record<number, Parser>;
  paramTypes?: number[];
}

interface Call {
  request: WorkerRequest;
  /** Set for a statement of a transaction: it may only run on the thread the transaction began on. */
  generation: number | undefined;
  resolve: (result: WireResult | WireResult[] | null) => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

/**
 * Rows changed since the last look at the statistics before the client looks again; the look itself finds the
 * tables that need ANALYZE by autovacuum's own rule (50 rows + 10 % of the table changed since the last one).
 */
const STATISTICS_CHECK_ROWS = 50;
const DUE_FOR_ANALYZE = `SELECT format('%I.%I', s.schemaname, s.relname) AS "table"
  FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
  WHERE s.n_mod_since_analyze >= 50 + 0.1 * greatest(c.reltuples, 0)`;
/** How long close() lets a running statement finish before it ends the thread. */
const CLOSE_GRACE_MS = 2_000;

function databaseError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

function fromWire(error: WireError): Error {
  const { message, ...fields } = error;
  return Object.assign(new Error(message), fields);
}

/** A FIFO lock whose place in line is taken at the call, so work queued right after a commit runs next. */
class Lock {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const before = this.tail;
    this.tail = before.then(() => held);
    return before.then(() => release);
  }
}

/**
 * The embedded database (PGlite) on its own worker thread, behind the part of PGlite's interface Drizzle uses
 * (`query`, `exec`, `transaction`). PGlite can neither time out nor cancel a statement, and on the API's thread
 * a runaway one froze every request, `/healthz` and Ctrl-C (issue #10, item 7). Here:
 * - every statement is bounded: past `queryTimeoutMs` the thread is ended, the statement fails with 57014 (the
 *   request answers 503) and the database is opened again on a new thread — PostgreSQL's crash recovery keeps
 *   every committed transaction; a transaction that was open fails as a dropped connection's would;
 * - the event loop stays free whatever the database does, so probes, signals and shutdown always work;
 * - statistics are kept current as autovacuum would: after writes the tables that changed enough are analyzed
 *   before the next statement runs, so a bulk import or the seed never leaves the planner without statistics.
 * Statements run one at a time, as on PGlite's single connection; a transaction holds the database until it ends.
 */
export class EmbeddedClient {
  readonly stats: EmbeddedStats = { connectionErrors: 0, queryTimeouts: 0, analyzeRuns: 0 };
  private worker!: Worker;
  private generation = 0;
  private ready = false;
  private startup!: Promise<void>;
  private readonly queue: Call[] = [];
  private current: Call | undefined;
  private nextId = 1;
  private closed = false;
  /** Set when the database could not be opened again: every statement fails at once instead of waiting. */
  private broken: Error | undefined;
  private readonly lock = new Lock();
  private changedRows = 0;
  private analyzing: Promise<string[]> | undefined;
  private analyzeQueued: Promise<string[]> | undefined;
  private analyzeGeneration = 0;

  private constructor(
    private readonly dir: string,
    private readonly options: EmbeddedClientOptions,
  ) {}

  static async open(dir: string, options: EmbeddedClientOptions): Promise<EmbeddedClient> {
    const client = new EmbeddedClient(dir, options);
    client.start();
    await client.startup;
    return client;
  }

  /** Drizzle's view of this client: the PGlite methods it calls. */
  asPglite(): PGlite {
    return this as unknown as PGlite;
  }

  async query(sql: string, params: unknown[] = [], options: QueryOptions = {}): Promise<WireResult> {
    const release = await this.lock.acquire();
    let result: WireResult;
    try {
      result = await this.statement(sql, params, options, undefined);
    } finally {
      release();
    }
    this.noteChanges(result.affectedRows ?? 0);
    return result;
  }

  async exec(sql: string): Promise<WireResult[]> {
    const release = await this.lock.acquire();
    let results: WireResult[];
    try {
      results = await this.execute(sql, undefined);
    } finally {
      release();
    }
    this.noteChanges(results.reduce((n, r) => n + (r.affectedRows ?? 0), 0));
    return results;
  }

  async transaction<T>(
    callback: (tx: {
      query: EmbeddedClient['query'];
      exec: EmbeddedClient['exec'];
      closed: boolean;
    }) => Promise<T>,
  ): Promise<T> {
    const release = await this.lock.acquire();
    const generation = this.generation;
    let changed = 0;
    let closed = false;
    const ended = () => Promise.reject(new Error('the transaction has already ended'));
    const tx = {
      query: async (sql: string, params: unknown[] = [], options: QueryOptions = {}) => {
        if (closed) return ended();
        const result = await this.statement(sql, params, options, generation);
        changed += result.affectedRows ?? 0;
        return result;
      },
      exec: async (sql: string) => {
        if (closed) return ended();
        const results = await this.execute(sql, generation);
        changed += results.reduce((n, r) => n + (r.affectedRows ?? 0), 0);
        return results;
      },
      get closed() {
        return closed;
      },
    };
    let committed = false;
    try {
      await this.execute('BEGIN', generation);
      const result = await callback(tx);
      await this.execute('COMMIT', generation);
      committed = true;
      return result;
    } catch (err) {
      if (generation === this.generation) await this.execute('ROLLBACK', generation).catch(() => undefined);
      throw err;
    } finally {
      closed = true;
      release();
      if (committed) this.noteChanges(changed);
    }
  }

  /**
   * Analyzes the tables changed enough since their last ANALYZE (autovacuum's rule); returns their names. Runs
   * on its own after writes; `main` awaits it after seeding so the first request is planned with statistics.
   */
  analyzeDue(): Promise<string[]> {
    this.changedRows = 0;
    if (!this.analyzing) return this.startAnalyze();
    // The run in flight may have read the counters before the latest writes: one more run follows it.
    this.analyzeQueued ??= this.analyzing
      .catch(() => [])
      .then(() => {
        this.analyzeQueued = undefined;
        return this.startAnalyze();
      });
    return this.analyzeQueued;
  }

  private startAnalyze(): Promise<string[]> {
    const generation = ++this.analyzeGeneration;
    const run = (async () => {
      const release = await this.lock.acquire();
      try {
        // Write counters reach the statistics views at most once a second unless a flush is forced; without it
        // the rule below would judge the latest writes by counters that do not hold them yet.
        await this.statement('SELECT pg_stat_force_next_flush()', [], {}, undefined);
        const due = await this.statement(DUE_FOR_ANALYZE, [], {}, undefined);
        const tables = (due.rows as { table: string }[]).map((r) => r.table);
        if (tables.length > 0) {
          await this.execute(`ANALYZE ${tables.join(', ')}`, undefined);
          this.stats.analyzeRuns += 1;
        }
        return tables;
      } finally {
        release();
        // Only the latest run clears the slot: an earlier one finishing must not hide a run still going.
        if (this.analyzeGeneration === generation) this.analyzing = undefined;
      }
    })();
    this.analyzing = run;
    return run;
  }

  /** Lets a running statement finish (briefly), closes the database cleanly if it can, and ends the thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const call of this.queue.splice(0)) call.reject(this.unavailable('the database is closing'));
    if (this.current) {
      const running = this.current;
      const settled = new Promise<void>((resolve) => {
        const { resolve: done, reject: failed } = running;
        running.resolve = (r) => {
          done(r);
          resolve();
        };
        running.reject = (e) => {
          failed(e);
          resolve();
        };
      });
      await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref())]);
    }
    if (this.ready && !this.current) {
      await Promise.race([
        this.send({ id: this.nextId++, op: 'close' }, undefined, true).catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref()),
      ]);
    }
    this.current?.reject(this.unavailable('the database was closed while a statement ran'));
    this.current = undefined;
    await this.worker.terminate();
  }

  private async statement(
    sql: string,
    params: unknown[],
    options: QueryOptions,
    generation: number | undefined,
  ): Promise<WireResult> {
    const parsers = options.parsers ?? {};
    const rawTypes = Object.keys(parsers).map(Number);
    const rowMode = options.rowMode ?? 'object';
    const result = (await this.send(
      {
        id: this.nextId++,
        op: 'query',
        sql,
        params,
        rowMode,
        rawTypes,
        ...(options.paramTypes ? { paramTypes: options.paramTypes } : {}),
      },
      generation,
    )) as WireResult;
    if (rawTypes.length === 0) return result;
    // The thread returned these types as text; the caller's parsers read them here.
    const parsed = result.fields.flatMap((field, index) => {
      const parser = parsers[field.dataTypeID];
      return parser ? [{ key: rowMode === 'array' ? index : field.name, parser }] : [];
    });
    for (const row of result.rows as Record<string | number, unknown>[]) {
      for (const { key, parser } of parsed) {
        const value = row[key];
        if (typeof value === 'string') row[key] = parser(value);
      }
    }
    return result;
  }

  private async execute(sql: string, generation: number | undefined): Promise<WireResult[]> {
    return (await this.send({ id: this.nextId++, op: 'exec', sql }, generation)) as WireResult[];
  }

  private noteChanges(rows: number): void {
    this.changedRows += rows;
    if (this.changedRows >= STATISTICS_CHECK_ROWS && !this.closed) {
      this.analyzeDue().catch((err: unknown) => {
        this.options.log?.warn({ err: { message: (err as Error).message } }, 'embedded ANALYZE failed');
      });
    }
  }

  private send(
    request: WorkerRequest,
    generation: number | undefined,
    evenWhenClosed = false,
  ): Promise<WireResult | WireResult[] | null> {
    if (this.closed && !evenWhenClosed) return Promise.reject(this.unavailable('the database is closed'));
    if (this.broken) return Promise.reject(this.unavailable(this.broken.message));
    return new Promise((resolve, reject) => {
      this.queue.push({ request, generation, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.ready && !this.current && this.queue.length > 0) {
      const call = this.queue.shift() as Call;
      // A transaction whose thread was ended has lost its work: its next statements fail, not autocommit.
      if (call.generation !== undefined && call.generation !== this.generation) {
        call.reject(this.unavailable('the transaction was lost when the embedded database restarted'));
        continue;
      }
      this.current = call;
      const bound = this.options.queryTimeoutMs;
      if (bound > 0 && call.request.op !== 'close') {
        call.timer = setTimeout(() => {
          this.restart('timeout');
        }, bound);
      }
      this.worker.postMessage(call.request);
    }
  }

  private start(): void {
    this.ready = false;
    const worker = spawnModuleWorker(import.meta.url, 'pglite-worker', { dir: this.dir });
    this.worker = worker;
    this.startup = new Promise((resolve, reject) => {
      worker.on('message', (reply: WorkerReply) => {
        if (worker !== this.worker) return;
        if (reply.kind === 'ready') {
          this.ready = true;
          resolve();
          this.pump();
        } else if (reply.kind === 'failed') {
          this.broken = fromWire(reply.error);
          reject(this.broken);
          for (const call of this.queue.splice(0)) call.reject(this.unavailable(reply.error.message));
        } else this.settle(reply);
      });
      const failed = (reason: string) => {
        if (worker !== this.worker || this.closed) return;
        reject(new Error(reason));
        this.restart('crash');
      };
      worker.on('error', (err) => {
        failed(err.message);
      });
      worker.on('exit', (code) => {
        failed(`the embedded database thread exited with code ${code}`);
      });
    });
    this.startup.catch(() => undefined);
  }

  private settle(reply: Extract<WorkerReply, { kind: 'result' | 'error' }>): void {
    const call = this.current;
    if (call?.request.id !== reply.id) return;
    clearTimeout(call.timer);
    this.current = undefined;
    if (reply.kind === 'result') call.resolve(reply.result);
    else call.reject(fromWire(reply.error));
    this.pump();
  }

  private restart(cause: 'timeout' | 'crash'): void {
    if (this.closed) return;
    const running = this.current;
    this.current = undefined;
    clearTimeout(running?.timer);
    this.generation += 1;
    this.stats.connectionErrors += 1;
    if (cause === 'timeout') this.stats.queryTimeouts += 1;
    const sql = running && running.request.op !== 'close' ? running.request.sql.slice(0, 200) : undefined;
    this.options.log?.warn(
      { cause, statement: sql, timeout_ms: this.options.queryTimeoutMs },
      'embedded database restarted: a statement ran over its bound or the database thread failed',
    );
    running?.reject(
      cause === 'timeout'
        ? databaseError(
            `canceling statement due to statement timeout (${this.options.queryTimeoutMs} ms, embedded database)`,
            '57014',
          )
        : this.unavailable('the embedded database thread failed'),
    );
    const old = this.worker;
    this.start();
    void old.terminate();
  }

  private unavailable(message: string): Error {
    return databaseError(`terminating connection: ${message}`, '57P01');
  }
}
