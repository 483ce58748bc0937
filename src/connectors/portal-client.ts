import type { BrowserPool, GuardedContext, SessionState } from './browser.js';
import { isAllowed, NavigationBlockedError } from './browser.js';
import {
  type CatalogPage,
  ConnectorError,
  type ConnectorModule,
  type InvoiceRef,
  type PrefillLine,
  type PrefillLineResult,
  type SelectorPage,
} from './connector.js';
import { createCatalogReader, type DomElement } from './catalog-reader.js';
import { mapBounded, pause, type PacingSettings, TransientPortalError, withRetry } from './pacing.js';

/** The page's document, as far as the in-page cart call uses it (the project compiles without the DOM library). */
declare const document: { querySelector(css: string): DomElement | null };

/**
 * The browser work every connector shares, driven by the supplier module's paths and selector map. Nothing a
 * portal prints (error texts, names of people) leaves this module inside an error: failures are `ConnectorError`s
 * with a kind and our own wording.
 */
export interface PortalClient {
  module: ConnectorModule;
  login(username: string, password: string): Promise<LoginStep>;
  submitCode(pending: GuardedContext, code: string): Promise<LoginStep>;
  withSession<T>(session: SessionState, work: (g: GuardedContext) => Promise<T>): Promise<T>;
  catalogPage(g: GuardedContext, page: number): Promise<CatalogPage>;
  prefill(
    g: GuardedContext,
    lines: PrefillLine[],
  ): Promise<{ results: PrefillLineResult[]; deepLink: string }>;
  listInvoices(g: GuardedContext): Promise<InvoiceRef[]>;
  download(g: GuardedContext, url: string): Promise<Buffer>;
  /** DOM watcher: which selectors of the map do not match; signed-in pages only when a session is given. */
  checkSelectors(session: SessionState | undefined): Promise<{ broken: string[]; unchecked: string[] }>;
}

export type LoginStep =
  { kind: 'signed_in'; session: SessionState } | { kind: 'code_required'; pending: GuardedContext };

export interface PortalClientOptions {
  baseUrl: string;
  pool: BrowserPool;
  pacing: PacingSettings;
  maxDownloadBytes: number;
  /** Bound on a page's own fetches (catalog JSON, cart calls) made from inside the page. */
  timeoutMs: number;
  /** Cart lines added at once during a prefill. */
  cartConcurrency: number;
}

export function createPortalClient(module: ConnectorModule, options: PortalClientOptions): PortalClient {
  const base = options.baseUrl.replace(/\/$/, '');
  const origins = [new URL(base).origin];
  const sel = (key: string) => {
    const spec = module.selectors.selectors[key];
    if (!spec) throw new Error(`selector "${key}" missing from ${module.selectors.version}`);
    return spec.css;
  };
  const open = (session?: SessionState) =>
    options.pool.open({ allowedOrigins: origins, ...(session ? { session } : {}) });

  async function goto(g: GuardedContext, url: string) {
    const response = await g.page.goto(url, { waitUntil: 'domcontentloaded' }).catch((err: unknown) => {
      g.assertNothingBlocked();
      throw err;
    });
    g.assertNothingBlocked();
    const status = response?.status() ?? 0;
    if (status === 429 || status >= 500) throw new TransientPortalError(`portal answered ${status}`);
  }

  async function acceptCookies(g: GuardedContext) {
    const accept = g.page.locator(sel('cookie.accept'));
    if ((await accept.count()) > 0) await accept.first().click();
  }

  async function afterLoginSubmit(g: GuardedContext): Promise<LoginStep> {
    g.assertNothingBlocked();
    const path = new URL(g.page.url()).pathname;
    if ((await g.page.locator(sel('otp.submit')).count()) > 0 && path !== module.paths.login) {
      return { kind: 'code_required', pending: g };
    }
    if (path.startsWith(module.paths.login)) {
      await g.close();
      throw new ConnectorError('auth_failed', 'The supplier portal did not accept the credentials');
    }
    const session = await g.context.storageState();
    await g.close();
    return { kind: 'signed_in', session };
  }

  /**
   * One cart line through the quick-order form's own add-to-cart call, made inside the signed-in quick-order page
   * with its CSRF token: the portal's answer says what was added, nothing is clicked or waited for.
   */
  async function addToCart(g: GuardedContext, line: PrefillLine): Promise<PrefillLineResult> {
    const call = module.api.addToCart;
    const outcome = await withRetry(options.pacing, async () => {
      const answer = await g.page.evaluate(
        async (a) => {
          try {
            const res = await fetch(a.path, {
              method: 'POST',
              credentials: 'same-origin',
              headers: {
                'content-type': 'application/json',
                [a.header]: document.querySelector(a.meta)?.getAttribute('content') ?? '',
              },
              body: JSON.stringify({ article: a.article, quantity: a.quantity }),
              signal: AbortSignal.timeout(a.timeoutMs),
            });
            const data = (await res.json().catch(() => ({}))) as { quantity?: unknown; reason?: unknown };
            return {
              status: res.status,
              quantity: Number(data.quantity) || 0,
              reason: typeof data.reason === 'string' ? data.reason : null,
            };
          } catch {
            return { status: 0, quantity: 0, reason: null };
          }
        },
        {
          path: call.path,
          header: call.csrfHeader,
          meta: call.csrfMeta,
          article: line.externalId,
          quantity: line.quantity,
          timeoutMs: options.timeoutMs,
        },
      );
      if (answer.status === 0 || answer.status === 429 || answer.status >= 500)
        throw new TransientPortalError(
          `cart call answered ${answer.status}`,
          answer.status === 429 ? 1000 : 0,
        );
      return answer;
    }).catch(() => ({ status: 0, quantity: 0, reason: 'portal_error' }));
    const added = outcome.status === 200 ? outcome.quantity : 0;
    const problem =
      outcome.status === 200
        ? added !== line.quantity
          ? 'quantity_rounded'
          : null
        : outcome.reason === 'unknown_article' || outcome.reason === 'not_orderable'
          ? outcome.reason
          : 'portal_error';
    return { externalId: line.externalId, requested: line.quantity, added, problem };
  }

  const client: PortalClient = {
    module,

    async login(username, password) {
      const g = await open();
      try {
        await withRetry(options.pacing, () => goto(g, `${base}${module.paths.login}`));
        await acceptCookies(g);
        const form = sel('login.form');
        if ((await g.page.locator(form).count()) === 0) {
          throw new ConnectorError('selectors_broken', 'The login form was not found', ['login.form']);
        }
        await g.page.fill(`${form} input[name="${module.fields.username}"]`, username);
        await g.page.fill(`${form} input[name="${module.fields.password}"]`, password);
        await Promise.all([g.page.waitForLoadState('domcontentloaded'), g.page.click(sel('login.submit'))]);
        await g.page.waitForLoadState('domcontentloaded');
        return await afterLoginSubmit(g);
      } catch (err) {
        await g.close();
        throw err instanceof ConnectorError || err instanceof NavigationBlockedError
          ? err
          : new ConnectorError('unavailable', 'The supplier portal could not be reached');
      }
    },

    async submitCode(g, code) {
      try {
        await g.page.fill(`input[name="${module.fields.otp}"]`, code);
        await Promise.all([g.page.waitForLoadState('domcontentloaded'), g.page.click(sel('otp.submit'))]);
        await g.page.waitForLoadState('domcontentloaded');
        g.assertNothingBlocked();
        if ((await g.page.locator(sel('otp.submit')).count()) > 0) {
          throw new ConnectorError('auth_failed', 'The supplier portal did not accept the one-time code');
        }
        return await afterLoginSubmit(g);
      } catch (err) {
        await g.close();
        throw err instanceof ConnectorError
          ? err
          : new ConnectorError('unavailable', 'The portal could not be reached');
      }
    },

    async withSession(session, work) {
      const g = await open(session);
      try {
        return await work(g);
      } finally {
        await g.close();
      }
    },

    catalogPage: createCatalogReader({
      module,
      base,
      pacing: options.pacing,
      timeoutMs: options.timeoutMs,
      sel,
      goto,
    }),

    async prefill(g, lines) {
      await withRetry(options.pacing, () => goto(g, `${base}${module.paths.quickOrder}`));
      if ((await g.page.locator(sel('quickOrder.add')).count()) === 0) {
        const signedIn = (await g.page.locator(sel('login.form')).count()) === 0;
        if (!signedIn) throw new ConnectorError('session_expired', 'The supplier session has expired');
        throw new ConnectorError('selectors_broken', 'Quick order not found', ['quickOrder.add']);
      }
      const results = await mapBounded(lines, options.cartConcurrency, (line) => addToCart(g, line));
      await withRetry(options.pacing, () => goto(g, `${base}${module.paths.cart}`));
      const href = await g.page
        .locator(sel('cart.share'))
        .first()
        .getAttribute('href')
        .catch(() => null);
      if (!href) throw new ConnectorError('selectors_broken', 'Cart link not found', ['cart.share']);
      const deepLink = new URL(href, base).href;
      if (!isAllowed(deepLink, origins))
        throw new ConnectorError('blocked', 'The cart link points outside the portal');
      return { results, deepLink };
    },

    async listInvoices(g) {
      await withRetry(options.pacing, () => goto(g, `${base}${module.paths.invoices}`));
      if ((await g.page.locator(sel('login.form')).count()) > 0) {
        throw new ConnectorError('session_expired', 'The supplier session has expired');
      }
      const rows = await g.page.$$eval(
        sel('invoices.row'),
        (trs: unknown[], css) =>
          (trs as DomElement[]).map((tr) => ({
            number: tr.getAttribute('data-invoice') ?? '',
            href: tr.querySelector(css)?.getAttribute('href') ?? '',
          })),
        sel('invoices.download'),
      );
      return rows
        .filter((r) => r.number && r.href)
        .map((r) => ({ number: r.number, url: new URL(r.href, base).href }))
        .filter((r) => isAllowed(r.url, origins));
    },

    async download(g, url) {
      if (!isAllowed(url, origins))
        throw new ConnectorError('blocked', 'Download outside the allow-list refused');
      await pause(options.pacing);
      const response = await withRetry(options.pacing, async () => {
        const res = await g.context.request.get(url, { maxRedirects: 0, failOnStatusCode: false });
        if (res.status() === 429 || res.status() >= 500)
          throw new TransientPortalError(`download answered ${res.status()}`);
        return res;
      });
      if (!response.ok())
        throw new ConnectorError('unavailable', `The portal refused the download (${response.status()})`);
      const declared = Number(response.headers()['content-length'] ?? 0);
      if (declared > options.maxDownloadBytes)
        throw new ConnectorError('too_large', 'The document exceeds the size limit');
      const body = await response.body();
      if (body.length > options.maxDownloadBytes)
        throw new ConnectorError('too_large', 'The document exceeds the size limit');
      return body;
    },

    async checkSelectors(session) {
      const broken: string[] = [];
      const unchecked: string[] = [];
      const entries = Object.entries(module.selectors.selectors).filter(([, s]) => s.watch !== false);
      const pages: Record<Exclude<SelectorPage, 'otp'>, string> = {
        login: module.paths.login,
        catalog: module.catalogPageUrl('', 1),
        quickOrder: module.paths.quickOrder,
        cart: module.paths.cart,
        invoices: module.paths.invoices,
      };
      const visit = async (
        g: GuardedContext,
        page: keyof typeof pages,
        keys: [string, { css: string }][],
      ) => {
        if (keys.length === 0) return;
        await withRetry(options.pacing, () => goto(g, `${base}${pages[page]}`));
        // A session the portal has dropped lands on the login page: that says nothing about the selectors.
        if (page !== 'login' && new URL(g.page.url()).pathname.startsWith(module.paths.login)) {
          unchecked.push(...keys.map(([key]) => key));
          return;
        }
        if (page === 'catalog')
          await g.page.waitForSelector('#grid-root:not([data-state=loading])').catch(() => undefined);
        for (const [key, spec] of keys) if ((await g.page.locator(spec.css).count()) === 0) broken.push(key);
      };
      const signedOut = await open();
      try {
        for (const page of Object.keys(pages) as (keyof typeof pages)[]) {
          await visit(
            signedOut,
            page,
            entries.filter(([, s]) => s.page === page && !s.signedIn && (page === 'login' || !session)),
          );
        }
      } finally {
        await signedOut.close();
      }
      for (const [key, s] of entries) if (s.page === 'otp' || (s.signedIn && !session)) unchecked.push(key);
      if (session) {
        await client.withSession(session, async (g) => {
          for (const page of Object.keys(pages) as (keyof typeof pages)[]) {
            if (page === 'login') continue;
            await visit(
              g,
              page,
              entries.filter(([, s]) => s.page === page),
            );
          }
        });
      }
      return { broken, unchecked };
    },
  };
  return client;
}
