import { randomUUID } from 'node:crypto';
import type { Database } from '../../src/core/db.types.js';
import type { Config } from '../../src/core/config.js';
import { createOrg, createUser } from './identity.js';
import { createProduct } from './orders.js';

/**
 * Concurrent clients against a running API (placing orders, listing orders, searching products), recording every
 * answer, for the database-failover tests and `npm run bench:failover`.
 */

export interface Shopper {
  headers: Record<string, string>;
  order: () => Record<string, unknown>;
}

/** A restaurant owner, a supplier with a few untracked-stock products, and the order body they place. */
export async function arrangeShopper(db: Database, config: Config): Promise<Shopper> {
  const chef = await createUser(db, config, 'RESTAURANT');
  const restaurantId = await createOrg(db, 'restaurant', 'Failover Bistro AB', [
    { user: chef, role: 'owner' },
  ]);
  const supplierId = await createOrg(db, 'supplier', 'Failover Grossist AB');
  const products: string[] = [];
  for (const name of ['Kycklingfilé', 'Gul lök', 'Rapsolja']) {
    products.push(await createProduct(db, supplierId, { name, priceCents: 4990 }));
  }
  return {
    headers: { ...chef.headers, 'content-type': 'application/json' },
    order: () => ({
      restaurant_id: restaurantId,
      supplier_id: supplierId,
      lines: products.map((product_id, i) => ({ product_id, quantity: i + 1 })),
    }),
  };
}

export interface Answer {
  at: number;
  op: 'place' | 'list' | 'search';
  status: number;
  /** The error envelope's code, for non-2xx answers. */
  code?: string;
  /** Whether a non-2xx answer was in the error envelope (code, status, request_id, timestamp). */
  envelope?: boolean;
  /** For a failed placement: the key and body to retry with. */
  retry?: { key: string; body: Record<string, unknown> };
}

export interface LoadRun {
  answers: Answer[];
  /** Requests with no answer within `hangMs` (or a broken connection): none is acceptable. */
  hung: number;
  stop(): Promise<void>;
}

function isEnvelope(body: unknown, status: number): body is { code: string } {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  return (
    typeof b.code === 'string' &&
    b.status === status &&
    typeof b.request_id === 'string' &&
    typeof b.timestamp === 'string'
  );
}

async function send(
  base: string,
  op: Answer['op'],
  shopper: Shopper,
  hangMs: number,
): Promise<Answer | undefined> {
  const at = Date.now();
  const key = randomUUID();
  const body = shopper.order();
  let res: Response;
  try {
    res =
      op === 'place'
        ? await fetch(`${base}/api/v1/orders`, {
            method: 'POST',
            headers: { ...shopper.headers, 'idempotency-key': key },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(hangMs),
          })
        : await fetch(
            op === 'list' ? `${base}/api/v1/orders?limit=5` : `${base}/api/v1/products?q=kyckling&limit=5`,
            { headers: shopper.headers, signal: AbortSignal.timeout(hangMs) },
          );
  } catch {
    return undefined;
  }
  const text = await res.text().catch(() => '');
  const answer: Answer = { at, op, status: res.status };
  if (res.status >= 300) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    answer.envelope = isEnvelope(parsed, res.status);
    if (answer.envelope) answer.code = (parsed as { code: string }).code;
    if (op === 'place') answer.retry = { key, body };
  }
  return answer;
}

/** Starts `clients` loops; each sends place, list, search in turn until stopped. */
export function startLoad(base: string, shopper: Shopper, clients: number, hangMs: number): LoadRun {
  const run = { answers: [] as Answer[], hung: 0 };
  let running = true;
  const ops: Answer['op'][] = ['place', 'list', 'search'];
  const loops = Array.from({ length: clients }, async (_, n) => {
    for (let i = n; running; i++) {
      const answer = await send(base, ops[i % ops.length]!, shopper, hangMs);
      if (answer) run.answers.push(answer);
      else run.hung += 1;
    }
  });
  return {
    get answers() {
      return run.answers;
    },
    get hung() {
      return run.hung;
    },
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** The answers an outage may give: 2xx, or 503/409 in the envelope with a code that says what happened. */
export const OUTAGE_CODES = new Set(['DATABASE_UNAVAILABLE', 'SERVICE_UNAVAILABLE', 'CONCURRENT_UPDATE']);

export function unacceptable(answers: Answer[]): Answer[] {
  return answers.filter(
    (a) =>
      a.status >= 300 &&
      !((a.status === 503 || a.status === 409) && a.envelope && OUTAGE_CODES.has(a.code ?? '')),
  );
}

export function countByStatus(answers: Answer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of answers) {
    const label = a.status < 300 ? String(a.status) : `${a.status} ${a.code ?? 'no envelope'}`;
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}

/** Sends each failed placement again with its key and body until it is answered 201 (or `attempts` run out). */
export async function retryFailedPlacements(
  base: string,
  shopper: Shopper,
  failed: Answer[],
  attempts = 20,
): Promise<{ placed: number; replayed: number; stuck: Answer[] }> {
  let placed = 0;
  let replayed = 0;
  const stuck: Answer[] = [];
  for (const answer of failed) {
    const { key, body } = answer.retry!;
    let done = false;
    for (let i = 0; i < attempts && !done; i++) {
      const res = await fetch(`${base}/api/v1/orders`, {
        method: 'POST',
        headers: { ...shopper.headers, 'idempotency-key': key },
        body: JSON.stringify(body),
      });
      await res.arrayBuffer();
      if (res.status === 201) {
        done = true;
        if (res.headers.get('idempotent-replayed') === 'true') replayed += 1;
        else placed += 1;
      } else {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    if (!done) stuck.push(answer);
  }
  return { placed, replayed, stuck };
}

/** Waits until `n` requests in a row succeed; returns when the first of them was sent. */
export async function waitForService(
  base: string,
  shopper: Shopper,
  n: number,
  timeoutMs: number,
  alive: () => boolean = () => true,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let streakStart = 0;
  let streak = 0;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error('the API process exited');
    const answer = await send(base, streak % 2 === 0 ? 'list' : 'place', shopper, 10_000);
    if (answer && answer.status < 300) {
      if (streak === 0) streakStart = answer.at;
      streak += 1;
      if (streak >= n) return streakStart;
    } else {
      streak = 0;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`service did not resume within ${timeoutMs} ms`);
}
