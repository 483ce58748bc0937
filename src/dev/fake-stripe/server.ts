import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { type FormObject, parseForm } from './form.js';
import { FakeStripeError, newId } from './objects.js';
import { type FakeEvent, FakeStripeState } from './state.js';

/** A failure the next matching requests get instead of an answer (tests: Stripe outages and slowness). */
export interface Fault {
  /** Matched against `METHOD /path`, e.g. /POST \/v1\/payment_intents\/[^/]+\/capture/. */
  match: RegExp;
  kind: 'server_error' | 'rate_limit' | 'slow_response';
  /** How many matching requests fail; then the fault is gone. */
  times: number;
  /** slow_response: the request takes effect, its answer comes this late (past the client's timeout). */
  delayMs?: number;
}

export interface FakeStripeOptions {
  port?: number;
  /** Where signed events are POSTed; none: events are only recorded (`state.events`). */
  webhookUrl?: string;
  webhookSecret: string;
  /** Requests must carry this secret key (`Authorization: Bearer sk_test_…`). */
  secretKey: string;
  log?: (message: string, details?: Record<string, unknown>) => void;
}

interface Stored {
  fingerprint: string;
  done: boolean;
  status: number;
  body: string;
}

type Handler = (params: FormObject, match: RegExpMatchArray) => unknown;

/**
 * A local stand-in for api.stripe.com that the real `stripe` SDK talks to (host, port, protocol): the endpoints
 * Iris calls with Stripe's JSON shapes and error envelope, idempotency keys (a replay returns the stored answer
 * with `Idempotent-Replayed: true`; the same key with other parameters, or while the first is running, is a 409),
 * card declines (402), injected 429s, 500s and slow answers, and signed webhooks
 * (`stripe.webhooks.generateTestHeaderString`). State lives in memory. Used by the tests and by the
 * `PAYMENTS_PROVIDER=fake` demo; `/_fake/…` routes stand in for the pages a person would click through.
 */
export class FakeStripe {
  readonly state: FakeStripeState;
  readonly faults: Fault[] = [];
  /** Every API request received, in order (method, path, idempotency key) — tests read it. */
  readonly requests: { method: string; path: string; idempotencyKey: string | undefined; status: number }[] =
    [];
  webhookUrl: string | undefined;
  private server: Server | undefined;
  private port = 0;
  private readonly idempotency = new Map<string, Stored>();
  private readonly signer = new Stripe('sk_test_signer');
  private readonly routes: [string, RegExp, Handler][];

  constructor(private readonly options: FakeStripeOptions) {
    this.webhookUrl = options.webhookUrl;
    this.state = new FakeStripeState(
      (event) => {
        void this.deliver(event);
      },
      () => this.url,
    );
    const s = this.state;
    this.routes = [
      ['POST', /^\/v1\/accounts$/, (p) => s.createAccount(p)],
      ['GET', /^\/v1\/accounts\/([^/]+)$/, (_p, m) => s.account(m[1] ?? '')],
      ['POST', /^\/v1\/account_links$/, (p) => s.accountLink(p)],
      ['POST', /^\/v1\/payment_intents$/, (p) => s.createIntent(p)],
      ['GET', /^\/v1\/payment_intents\/([^/]+)$/, (_p, m) => s.intent(m[1] ?? '')],
      ['POST', /^\/v1\/payment_intents\/([^/]+)\/confirm$/, (p, m) => s.confirm(m[1] ?? '', p)],
      ['POST', /^\/v1\/payment_intents\/([^/]+)\/capture$/, (p, m) => s.capture(m[1] ?? '', p)],
      ['POST', /^\/v1\/payment_intents\/([^/]+)\/cancel$/, (p, m) => s.cancel(m[1] ?? '', p)],
      ['POST', /^\/v1\/refunds$/, (p) => s.refund(p)],
    ];
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get listeningPort(): number {
    return this.port;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.options.log?.('fake stripe failed a request', { error: String(err) });
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { type: 'api_error', message: 'An unknown error occurred' } }));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port || this.options.port || 0, '127.0.0.1', () => {
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Stops listening (connections are refused: "Stripe is down"); `start()` again on the same port. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  }

  /** The signed delivery a webhook endpoint receives for `event` (payload and Stripe-Signature header). */
  sign(event: FakeEvent | string, timestamp?: number): { payload: string; signature: string } {
    const payload = typeof event === 'string' ? event : JSON.stringify(event, null, 2);
    const signature = this.signer.webhooks.generateTestHeaderString({
      payload,
      secret: this.options.webhookSecret,
      ...(timestamp === undefined ? {} : { timestamp }),
    });
    return { payload, signature };
  }

  /** POSTs a signed event to the webhook URL, retrying a few times like Stripe (which retries for days). */
  async deliver(event: FakeEvent, attempts = 5): Promise<void> {
    const url = this.webhookUrl;
    if (!url) return;
    const { payload, signature } = this.sign(event);
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'stripe-signature': signature },
          body: payload,
        });
        if (res.ok) return;
        this.options.log?.('webhook answered with an error', { event: event.id, status: res.status });
      } catch (err) {
        this.options.log?.('webhook delivery failed', { event: event.id, error: String(err) });
      }
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': newId('req'), ...headers });
      res.end(text);
      return status;
    };
    const key =
      typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined;
    const record = (status: number) =>
      this.requests.push({ method, path: url.pathname, idempotencyKey: key, status });

    if (url.pathname.startsWith('/_fake/')) {
      record(this.demoRoute(method, url, send));
      return;
    }
    const auth = req.headers.authorization ?? '';
    const confirming = /\/confirm$/.test(url.pathname);
    if (auth !== `Bearer ${this.options.secretKey}` && !(confirming && /^Bearer pk_test_/.test(auth))) {
      record(send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } }));
      return;
    }
    const fault = this.faults.find((f) => f.times > 0 && f.match.test(`${method} ${url.pathname}`));
    if (fault && fault.kind !== 'slow_response') {
      fault.times -= 1;
      record(
        fault.kind === 'rate_limit'
          ? send(429, {
              error: {
                type: 'rate_limit_error',
                code: 'rate_limit',
                message: 'Too many requests hit the API too quickly.',
              },
            })
          : send(500, { error: { type: 'api_error', message: 'An unknown error occurred' } }),
      );
      return;
    }
    const params = method === 'POST' ? parseForm(raw) : Object.fromEntries(url.searchParams);
    const fingerprint = createHash('sha256')
      .update(`${method} ${url.pathname} ${JSON.stringify(params)}`)
      .digest('hex');
    if (method === 'POST' && key) {
      const stored = this.idempotency.get(key);
      if (stored && stored.fingerprint !== fingerprint) {
        record(
          send(409, {
            error: {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
            },
          }),
        );
        return;
      }
      if (stored && !stored.done) {
        record(
          send(409, {
            error: {
              type: 'invalid_request_error',
              code: 'idempotency_key_in_use',
              message:
                'There is currently another in-progress request using this Idempotent Key. Please try again later.',
            },
          }),
        );
        return;
      }
      if (stored) {
        record(send(stored.status, stored.body, { 'idempotent-replayed': 'true', 'idempotency-key': key }));
        return;
      }
      this.idempotency.set(key, { fingerprint, done: false, status: 0, body: '' });
    }
    let status = 200;
    let body: string;
    try {
      const route = this.routes.find(([m, re]) => m === method && re.test(url.pathname));
      const match = route ? url.pathname.match(route[1]) : null;
      if (!route || !match)
        throw new FakeStripeError(404, {
          type: 'invalid_request_error',
          message: `Unrecognized request URL (${method}: ${url.pathname})`,
        });
      body = JSON.stringify(route[2](params, match));
    } catch (err) {
      if (!(err instanceof FakeStripeError)) throw err;
      status = err.status;
      body = JSON.stringify({ error: err.body });
    }
    if (method === 'POST' && key) this.idempotency.set(key, { fingerprint, done: true, status, body });
    if (fault?.kind === 'slow_response') {
      fault.times -= 1;
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 30_000));
      if (res.destroyed) {
        record(status);
        return;
      }
    }
    record(send(status, body, key ? { 'idempotency-key': key } : {}));
  }

  /** The demo's stand-ins for Stripe-hosted pages: finishing onboarding, emitting a payout, expiring an authorisation. */
  private demoRoute(method: string, url: URL, send: (status: number, body: unknown) => number): number {
    try {
      const onboarding = /^\/_fake\/onboarding\/([^/]+)$/.exec(url.pathname);
      if (onboarding) return send(200, this.state.completeOnboarding(onboarding[1] ?? ''));
      const expire = /^\/_fake\/payment_intents\/([^/]+)\/expire$/.exec(url.pathname);
      if (method === 'POST' && expire) return send(200, this.state.expire(expire[1] ?? ''));
      const payout = /^\/_fake\/accounts\/([^/]+)\/payouts$/.exec(url.pathname);
      if (method === 'POST' && payout) {
        const amount = Number(url.searchParams.get('amount') ?? '10000');
        const status = url.searchParams.get('status') === 'failed' ? 'failed' : 'paid';
        return send(200, this.state.payout(payout[1] ?? '', amount, status).data.object);
      }
      return send(404, { error: { type: 'invalid_request_error', message: 'Unknown fake route' } });
    } catch (err) {
      if (err instanceof FakeStripeError) return send(err.status, { error: err.body });
      throw err;
    }
  }
}
