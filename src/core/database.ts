import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { statementName, usePreparedStatements } from '../db/rows.js';
import * as schema from '../db/schema.js';
import type { Config } from './config.js';
import type { Database } from './db.types.js';
import { EmbeddedClient } from './embedded/embedded-client.js';
import { createPglite } from './embedded/pglite.js';

interface WarnLogger {
  warn(obj: object, msg: string): void;
}

/** What an open PostgreSQL handle has seen of its connections, for the metrics. */
export interface ConnectionStats {
  /** Connections that failed after being established (terminated, reset, server shut down). */
  connectionErrors: number;
  /** Statements stopped for running over their bound (the embedded database counts them; PostgreSQL's own). */
  queryTimeouts?: number;
}

export type DatabaseKind = 'postgres' | 'embedded';

export interface DatabaseHandle {
  db: Database;
  kind: DatabaseKind;
  /** PostgreSQL's lost connections; the embedded database's thread restarts and statements over their bound. */
  stats?: ConnectionStats;
  /** Embedded only: ANALYZE what changed enough since its statistics (the engine has no autovacuum). */
  analyzeDue?: () => Promise<string[]>;
  close(): Promise<void>;
}

type PoolCallback = (
  err: Error | undefined,
  client: pg.PoolClient | undefined,
  done: (release?: unknown) => void,
) => void;

/**
 * A pool that re-checks a connection which sat idle longer than `checkAfterIdleMs` before handing it out
 * (SQLAlchemy's pool_pre_ping): a connection a pooler or firewall dropped while idle is discarded and
 * replaced instead of failing the request. Fresh connections and busy ones skip the check.
 */
class CheckedPool extends pg.Pool {
  private readonly lastReleased = new WeakMap<pg.PoolClient, number>();

  constructor(
    config: pg.PoolConfig,
    private readonly checkAfterIdleMs: number,
  ) {
    super(config);
    this.on('release', (_err: Error | undefined, client: pg.PoolClient) => {
      this.lastReleased.set(client, Date.now());
    });
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: PoolCallback): void;
  override connect(callback?: PoolCallback): Promise<pg.PoolClient> | undefined {
    const checked = this.checkedConnect();
    if (!callback) return checked;
    checked.then(
      (client) => {
        callback(undefined, client, (release) => {
          client.release(release as Error | boolean | undefined);
        });
      },
      (err: unknown) => {
        callback(err as Error, undefined, () => undefined);
      },
    );
    return undefined;
  }

  private async checkedConnect(): Promise<pg.PoolClient> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const client = await super.connect();
      const released = this.lastReleased.get(client);
      if (
        released === undefined ||
        this.checkAfterIdleMs === 0 ||
        Date.now() - released < this.checkAfterIdleMs
      ) {
        return client;
      }
      try {
        await client.query('SELECT 1');
        return client;
      } catch (err) {
        client.release(err instanceof Error ? err : true);
      }
    }
    return super.connect();
  }
}

/**
 * A fixed pool of `size` connections for maintenance work (migrations, checks, test fixtures): no overflow,
 * no recycling and no idle re-check, since these connections live only as long as one command.
 */
export function maintenancePool(size: number, connectTimeoutMs = 10_000): Config['database']['pool'] {
  return {
    size,
    maxOverflow: 0,
    idleTimeoutMs: 10_000,
    recycleSeconds: 0,
    connectTimeoutMs,
    checkAfterIdleMs: 0,
    statementTimeoutMs: 0,
  };
}

/**
 * The pool's client class. It listens for its own 'error' event from the moment it exists: pg-pool listens only
 * while a client sits idle; a connection that dies while checked out (a transaction in progress, a terminated
 * backend, a server restart) emits 'error' with nobody listening, and Node ends the process on an unheard 'error'.
 * With this listener the failure reaches the running query as a rejected promise (the request answers 503), the
 * client is marked unusable and pg-pool discards it on release.
 *
 * It also runs the statements `queryPrepared` tagged as named prepared statements (pg's public `{ name, text }`
 * query config): Drizzle hands a raw statement to the client without a name, on the pool and in transactions
 * alike, and this is the one place both paths pass through.
 */
function irisClientClass(onError: (err: Error) => void): typeof pg.Client {
  return class IrisClient extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      super(config);
      this.on('error', onError);
    }

    // pg declares query() with seven overloads (promise, callback, submittable) that no one signature can restate;
    // this one is assignable to all of them, returns what the overload called returns, and forwards every call as
    // it came (to pg's own method, on this client), with only the name added to a tagged statement's config.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
    override query<R>(...args: unknown[]): R {
      const [first] = args;
      if (isUnnamedConfig(first)) {
        const name = statementName(first.text);
        if (name !== undefined) args[0] = { ...first, name };
      }
      // eslint-disable-next-line @typescript-eslint/unbound-method
      return Reflect.apply(pg.Client.prototype.query, this, args) as R;
    }
  };
}

function isUnnamedConfig(value: unknown): value is pg.QueryConfig {
  return (
    typeof value === 'object' &&
    value !== null &&
    'text' in value &&
    typeof value.text === 'string' &&
    (!('name' in value) || value.name === undefined)
  );
}

export function createPool(
  url: string,
  config: Config['database']['pool'],
  applicationName = 'iris-api',
  onConnectionError: (err: Error) => void = () => undefined,
): pg.Pool {
  return new CheckedPool(
    {
      Client: irisClientClass(onConnectionError),
      connectionString: url,
      // spec §8: pool_size 10 + max_overflow 20; connections above `min` are reaped after the idle timeout.
      min: config.size,
      max: config.size + config.maxOverflow,
      idleTimeoutMillis: config.idleTimeoutMs,
      maxLifetimeSeconds: config.recycleSeconds,
      connectionTimeoutMillis: config.connectTimeoutMs,
      keepAlive: true,
      application_name: applicationName,
      // Server-side bound on every statement: a request never waits on the database longer than this.
      ...(config.statementTimeoutMs > 0 ? { statement_timeout: config.statementTimeoutMs } : {}),
    },
    config.checkAfterIdleMs,
  );
}

export function openPostgres(
  url: string,
  config: Config['database']['pool'],
  logger?: WarnLogger,
  applicationName = 'iris-api',
): Promise<DatabaseHandle> {
  const stats: ConnectionStats = { connectionErrors: 0 };
  // A connection dying, idle or checked out (server restart, failover, pooler recycling, an administrator's
  // pg_terminate_backend), must never crash the process: the request using it fails, the pool replaces it.
  const pool = createPool(url, config, applicationName, (err) => {
    stats.connectionErrors += 1;
    logger?.warn(
      { err: { message: err.message, code: (err as { code?: unknown }).code } },
      'database connection lost',
    );
  });
  // pg-pool re-emits an idle client's error on the pool; the client listener above has already counted it.
  pool.on('error', () => undefined);
  // Each driver's Drizzle type names its own result type; repositories see the driver-neutral `Database`.
  const db = drizzlePg({ client: pool, schema }) as unknown as Database;
  return Promise.resolve({
    db,
    kind: 'postgres',
    stats,
    close: () => pool.end(),
  });
}

/**
 * The embedded PGlite database. In a folder it runs on its own thread (embedded/embedded-client.ts): statements
 * bounded by `queryTimeoutMs`, statistics kept current after writes, the event loop never blocked. In memory
 * (`dir` undefined: the OpenAPI export) it runs in-process, since a restarted thread would lose the data.
 */
export async function openEmbedded(
  dir: string | undefined,
  options: { queryTimeoutMs?: number; log?: WarnLogger } = {},
): Promise<DatabaseHandle> {
  // Each driver's Drizzle type names its own result type; repositories see the driver-neutral `Database`.
  if (!dir) {
    const client = await createPglite(undefined);
    return {
      db: drizzlePglite({ client, schema }) as unknown as Database,
      kind: 'embedded',
      close: () => client.close(),
    };
  }
  const client = await EmbeddedClient.open(dir, {
    queryTimeoutMs: options.queryTimeoutMs ?? 0,
    ...(options.log ? { log: options.log } : {}),
  });
  return {
    db: drizzlePglite({ client: client.asPglite(), schema }) as unknown as Database,
    kind: 'embedded',
    stats: client.stats,
    analyzeDue: () => client.analyzeDue(),
    close: () => client.close(),
  };
}

/** Runtime database: the pooled DATABASE_URL, or the embedded PGlite database when it is unset. */
export function openDatabase(config: Config, logger?: WarnLogger): Promise<DatabaseHandle> {
  usePreparedStatements(config.database.preparedStatements);
  return config.database.url
    ? openPostgres(config.database.url, config.database.pool, logger)
    : openEmbedded(config.database.embeddedDir, {
        queryTimeoutMs: config.database.pool.statementTimeoutMs,
        ...(logger ? { log: logger } : {}),
      });
}
