import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { customerPriceOre, portalProduct, type PortalProduct } from './catalog.js';
import * as html from './markup.js';
import { textPdf } from './pdf.js';

/**
 * A local replica of a Swedish wholesaler's web shop, for tests, the benchmark and `npm run portals`:
 * CSRF-protected login with a session cookie, an optional one-time-code step, a cookie banner, a product grid
 * rendered by script from a paged JSON API (customer prices only when signed in), quick order into a cart with a
 * shareable link, an invoice archive of real PDFs, expiring sessions, an occasional 429, and a v2 layout.
 */
export interface PortalUser {
  username: string;
  password: string;
  customerId: string;
  /** When set, login continues with a one-time-code step expecting this code. */
  otp?: string;
}

export interface PortalOptions {
  flavour: html.PortalFlavour;
  catalogSize: number;
  users: PortalUser[];
  pageSize?: number;
  layout?: html.PortalLayout;
  sessionTtlMs?: number;
  /** Every n-th API call answers 429 (0 = never). */
  throttleEvery?: number;
  host?: string;
  port?: number;
}

interface Session {
  customerId: string | undefined;
  pendingOtpFor: PortalUser | undefined;
  csrf: string;
  expiresAt: number;
}

export interface Invoice {
  number: string;
  date: string;
  totalOre: number;
  padBytes?: number;
}

export interface PortalServer {
  url: string;
  markup(): html.Markup;
  setLayout(layout: html.PortalLayout): void;
  removeArticle(article: string): void;
  adjustPrice(article: string, deltaOre: number): void;
  expireSessions(): void;
  throttleEvery(n: number): void;
  /** Catalog API pages from this one on answer 503 (an outage mid-sync); null ends it. */
  failFromPage(page: number | null): void;
  /** A new invoice in the customer's archive; `padBytes` makes its PDF that much larger. */
  addInvoice(customerId: string, options?: { padBytes?: number }): Invoice;
  cart(customerId: string): Map<string, number>;
  articleAt(index: number): PortalProduct;
  /** Requests seen, by path (without query). */
  hits: Map<string, number>;
  close(): Promise<void>;
}

export async function startPortal(options: PortalOptions): Promise<PortalServer> {
  let layout = options.layout ?? 'v1';
  let throttle = options.throttleEvery ?? 0;
  let failingFrom: number | null = null;
  const pageSize = options.pageSize ?? 250;
  const ttl = options.sessionTtlMs ?? 8 * 3600_000;
  const prefix = html.markupFor(options.flavour, 'v1').articlePrefix;
  const products = Array.from({ length: options.catalogSize }, (_, i) => portalProduct(prefix, i));
  const byArticle = new Map(products.map((p) => [p.article, p]));
  const removed = new Set<string>();
  const adjustments = new Map<string, number>();
  const sessions = new Map<string, Session>();
  const carts = new Map<string, Map<string, number>>();
  const shareTokens = new Map<string, string>();
  const invoices = new Map<string, Invoice[]>();
  const hits = new Map<string, number>();
  let apiCalls = 0;

  const invoicesOf = (customerId: string) => {
    let list = invoices.get(customerId);
    if (!list) {
      list = [1, 2, 3].map((n) => ({
        number: `${customerId.replace(/\D/g, '').slice(-4) || '1000'}${String(n).padStart(4, '0')}`,
        date: `2026-11-${String(n * 7).padStart(2, '0')}`,
        totalOre: 150_000 + n * 12_345,
      }));
      invoices.set(customerId, list);
    }
    return list;
  };
  const cartOf = (customerId: string) => {
    let cart = carts.get(customerId);
    if (!cart) {
      cart = new Map();
      carts.set(customerId, cart);
      shareTokens.set(randomBytes(12).toString('hex'), customerId);
    }
    return cart;
  };
  const shareTokenOf = (customerId: string) => {
    cartOf(customerId);
    return [...shareTokens].find(([, c]) => c === customerId)?.[0] ?? '';
  };
  const live = () => products.filter((p) => !removed.has(p.article));

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end('Internt fel');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://portal.local');
    const path = url.pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const m = html.markupFor(options.flavour, layout);
    const cookies = Object.fromEntries(
      (req.headers.cookie ?? '').split(';').map((c) => c.trim().split('=') as [string, string]),
    );
    let sid = cookies.SESSIONID;
    let session = sid ? sessions.get(sid) : undefined;
    if (session && session.expiresAt < Date.now()) {
      sessions.delete(sid ?? '');
      session = undefined;
    }
    const send = (status: number, body: string | Buffer, type = 'text/html; charset=utf-8', headers = {}) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers }).end(body);
      return true;
    };
    const newSession = (customerId?: string) => {
      sid = randomBytes(18).toString('base64url');
      session = {
        customerId,
        pendingOtpFor: undefined,
        csrf: randomBytes(16).toString('hex'),
        expiresAt: Date.now() + ttl,
      };
      sessions.set(sid, session);
      return `SESSIONID=${sid}; Path=/; HttpOnly; SameSite=Lax`;
    };
    const redirect = (to: string, cookie?: string) =>
      send(303, '', 'text/plain', { location: to, ...(cookie ? { 'set-cookie': cookie } : {}) });
    const customer = session?.customerId;

    if (path.startsWith('/api/')) {
      apiCalls += 1;
      if (throttle > 0 && apiCalls % throttle === 0) {
        return send(429, JSON.stringify({ message: 'För många anrop' }), 'application/json', {
          'retry-after': '1',
        });
      }
    }

    if (req.method === 'GET' && path === '/')
      return send(
        200,
        html.layoutPage(m, { title: 'Start', ...(customer ? { customer } : {}), body: '<h1>Välkommen</h1>' }),
      );
    if (path === m.paths.login && req.method === 'GET') {
      if (session) return send(200, html.loginPage(m, session.csrf));
      const cookie = newSession();
      return send(200, html.loginPage(m, sessions.get(sid ?? '')?.csrf ?? ''), undefined, {
        'set-cookie': cookie,
      });
    }
    if (path === m.paths.login && req.method === 'POST') {
      const form = new URLSearchParams(await body(req));
      if (!session || form.get('_csrf') !== session.csrf)
        return send(403, html.loginPage(m, session?.csrf ?? '', 'Sessionen har gått ut, försök igen'));
      const user = options.users.find(
        (u) => u.username === form.get(m.fields.username) && u.password === form.get(m.fields.password),
      );
      if (!user)
        return send(
          401,
          html.loginPage(
            m,
            session.csrf,
            'Felaktigt användarnamn eller lösenord. Kontakta kundtjänst 08-123 45 67.',
          ),
        );
      sessions.delete(sid ?? '');
      if (user.otp) {
        const cookie = newSession();
        session.pendingOtpFor = user;
        return redirect(m.paths.otp, cookie);
      }
      return redirect(m.paths.catalog, newSession(user.customerId));
    }
    if (path === m.paths.otp) {
      const pending = session?.pendingOtpFor;
      if (!session || !pending) return redirect(m.paths.login);
      if (req.method === 'GET') return send(200, html.otpPage(m, session.csrf));
      const form = new URLSearchParams(await body(req));
      if (form.get('_csrf') !== session.csrf || form.get(m.fields.otp) !== pending.otp) {
        return send(401, html.otpPage(m, session.csrf, 'Fel kod'));
      }
      sessions.delete(sid ?? '');
      return redirect(m.paths.catalog, newSession(pending.customerId));
    }
    if (path === '/logga-ut') {
      sessions.delete(sid ?? '');
      return redirect('/');
    }
    if (path === m.paths.catalog) {
      const page = Math.max(1, Number(url.searchParams.get('page')) || 1);
      return send(
        200,
        html.catalogPage(m, { page, ...(customer && session ? { customer, csrf: session.csrf } : {}) }),
      );
    }
    if (path === m.paths.api) {
      const page = Math.max(1, Number(url.searchParams.get('page')) || 1);
      if (failingFrom !== null && page >= failingFrom)
        return send(
          503,
          JSON.stringify({ message: 'Tjänsten är tillfälligt otillgänglig' }),
          'application/json',
        );
      const all = live();
      const items = all
        .slice((page - 1) * pageSize, page * pageSize)
        .map((p) =>
          html.productJson(p, customer ? customerPriceOre(p, customer, adjustments.get(p.article)) : null),
        );
      return send(
        200,
        JSON.stringify({ page, totalPages: Math.max(1, Math.ceil(all.length / pageSize)), items }),
        'application/json',
      );
    }
    if (path.startsWith(`${m.paths.cart}/delad/`)) {
      const owner = shareTokens.get(path.slice(`${m.paths.cart}/delad/`.length));
      if (!owner) return send(404, 'Varukorgen finns inte');
      return send(200, cartPageFor(m, owner, customer));
    }
    // Everything below needs a signed-in customer.
    if (!customer || !session) {
      return path.startsWith('/api/')
        ? send(401, JSON.stringify({ message: 'Inte inloggad' }), 'application/json')
        : redirect(m.paths.login);
    }
    if (path === '/api/cart/lines' && req.method === 'POST') {
      if (req.headers['x-csrf-token'] !== session.csrf)
        return send(403, JSON.stringify({ message: 'Ogiltig token' }), 'application/json');
      const input = JSON.parse(await body(req)) as { article?: string; quantity?: number };
      const p = byArticle.get(input.article ?? '');
      const reply = (status: number, v: object) => send(status, JSON.stringify(v), 'application/json');
      if (!p || removed.has(p.article))
        return reply(404, { reason: 'unknown_article', message: 'Artikeln finns inte' });
      if (!p.orderable)
        return reply(409, { reason: 'not_orderable', message: 'Artikeln går inte att beställa' });
      const wanted = Math.max(1, Math.floor(Number(input.quantity) || 1));
      const quantity = Math.ceil(wanted / p.orderMultiple) * p.orderMultiple;
      const cart = cartOf(customer);
      cart.set(p.article, (cart.get(p.article) ?? 0) + quantity);
      return reply(200, { quantity, message: `${quantity} ${p.unit} tillagd` });
    }
    if (path === m.paths.quickOrder)
      return send(200, html.quickOrderPage(m, { customer, csrf: session.csrf }));
    if (path === m.paths.cart) return send(200, cartPageFor(m, customer, customer));
    if (path === m.paths.invoices)
      return send(200, html.invoicesPage(m, { customer, invoices: invoicesOf(customer) }));
    if (path.startsWith(`${m.paths.invoices}/`) && path.endsWith('.pdf')) {
      const number = path.slice(m.paths.invoices.length + 1, -4);
      const invoice = invoicesOf(customer).find((i) => i.number === number);
      if (!invoice) return send(404, 'Fakturan finns inte');
      const pdf = textPdf(
        [
          `${m.brandName} - Faktura ${invoice.number}`,
          `Kund ${customer}`,
          `Datum ${invoice.date}`,
          `Att betala ${invoice.totalOre / 100} SEK`,
        ],
        invoice.padBytes ?? 0,
      );
      return send(200, pdf, 'application/pdf', {
        'content-disposition': `attachment; filename="faktura-${invoice.number}.pdf"`,
      });
    }
    return send(404, 'Sidan finns inte');
  }

  function cartPageFor(m: html.Markup, owner: string, viewer: string | undefined) {
    const lines = [...cartOf(owner)].map(([article, quantity]) => ({
      article,
      quantity,
      name: byArticle.get(article)?.name ?? article,
    }));
    return html.cartPage(m, {
      shareToken: shareTokenOf(owner),
      lines,
      ...(viewer ? { customer: viewer } : {}),
    });
  }

  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    markup: () => html.markupFor(options.flavour, layout),
    setLayout: (v) => {
      layout = v;
    },
    removeArticle: (a) => removed.add(a),
    adjustPrice: (a, d) => adjustments.set(a, d),
    expireSessions: () => {
      for (const s of sessions.values()) s.expiresAt = 0;
    },
    throttleEvery: (n) => {
      throttle = n;
    },
    failFromPage: (page) => {
      failingFrom = page;
    },
    addInvoice(customerId, extra) {
      const list = invoicesOf(customerId);
      const invoice: Invoice = {
        number: `${list[0]?.number.slice(0, 4) ?? '1000'}${String(list.length + 1).padStart(4, '0')}`,
        date: '2026-12-01',
        totalOre: 99_900 + list.length,
        ...(extra?.padBytes ? { padBytes: extra.padBytes } : {}),
      };
      list.push(invoice);
      return invoice;
    },
    cart: (c) => cartOf(c),
    articleAt: (i) => {
      const product = products[i];
      if (!product) throw new RangeError(`no product at ${i}`);
      return product;
    },
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error('body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
