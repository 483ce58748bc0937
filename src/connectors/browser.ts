import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * One Chromium per process, a fresh context per connection (its own cookies and storage), closed after use.
 * Every context may only reach its supplier's allow-listed origins: other requests are aborted, and navigations
 * are fetched without following redirects so a redirect to another host (an internal address, say) is refused
 * before the browser sends anything there.
 */
export interface BrowserSettings {
  executablePath: string;
  userAgents: readonly string[];
  /** e.g. http://proxy:3128 — residential proxy for IP rotation, optional (spec §11). */
  proxy: string | undefined;
  navigationTimeoutMs: number;
}

/** Headless flags that behave on a closed network: no background downloads, updates or sync calling home. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Cookies and local storage of a signed-in portal session — the only thing Iris keeps (encrypted). */
export type SessionState = Awaited<ReturnType<BrowserContext['storageState']>>;

/** Never needed to read a portal: aborted in every context, which saves their transfer and rendering. */
const SKIPPED_RESOURCES = new Set(['image', 'media', 'font', 'stylesheet']);

export class NavigationBlockedError extends Error {
  constructor(readonly url: string) {
    super('navigation to a host outside the allow-list was blocked');
    this.name = 'NavigationBlockedError';
  }
}

export interface GuardedContext {
  context: BrowserContext;
  page: Page;
  /** URLs the allow-list refused during this context's life. */
  blocked: string[];
  /** Throws NavigationBlockedError when anything was refused since the last call. */
  assertNothingBlocked(): void;
  close(): Promise<void>;
}

export function isAllowed(url: string, allowedOrigins: readonly string[]): boolean {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'data:' || parsed.protocol === 'about:') return true;
    return allowedOrigins.includes(parsed.origin);
  } catch {
    return false;
  }
}

export class BrowserPool {
  private browser: Promise<Browser> | undefined;
  private uaIndex = Math.floor(Math.random() * 1000);

  constructor(private readonly settings: BrowserSettings) {}

  private launch(): Promise<Browser> {
    this.browser ??= chromium
      .launch({
        executablePath: this.settings.executablePath,
        headless: true,
        args: CHROMIUM_ARGS,
        ...(this.settings.proxy ? { proxy: { server: this.settings.proxy } } : {}),
      })
      .then((browser) => {
        browser.on('disconnected', () => {
          this.browser = undefined;
        });
        return browser;
      })
      .catch((err: unknown) => {
        this.browser = undefined;
        throw err;
      });
    return this.browser;
  }

  /** The next realistic desktop user agent, rotating per context (spec §11 "header spoofing"). */
  nextUserAgent(): string {
    this.uaIndex = (this.uaIndex + 1) % this.settings.userAgents.length;
    return this.settings.userAgents[this.uaIndex] ?? '';
  }

  async open(options: {
    allowedOrigins: readonly string[];
    session?: SessionState;
  }): Promise<GuardedContext> {
    const browser = await this.launch();
    const context = await browser.newContext({
      userAgent: this.nextUserAgent(),
      locale: 'sv-SE',
      timezoneId: 'Europe/Stockholm',
      serviceWorkers: 'block',
      acceptDownloads: false,
      ...(options.session ? { storageState: options.session } : {}),
    });
    context.setDefaultNavigationTimeout(this.settings.navigationTimeoutMs);
    context.setDefaultTimeout(this.settings.navigationTimeoutMs);
    const blocked: string[] = [];
    let reported = 0;
    const allowed = (url: string) => isAllowed(url, options.allowedOrigins);
    await context.route('**/*', async (route) => {
      const request = route.request();
      if (!allowed(request.url())) {
        blocked.push(request.url());
        return route.abort('blockedbyclient');
      }
      if (SKIPPED_RESOURCES.has(request.resourceType())) return route.abort('blockedbyclient');
      if (!request.isNavigationRequest()) return route.continue();
      // page.route does not see redirect hops; fetch the document without following them and check the target.
      const response = await route.fetch({ maxRedirects: 0 }).catch(() => undefined);
      if (!response) return route.abort('failed');
      const location = response.headers().location;
      if (location && response.status() >= 300 && response.status() < 400) {
        const target = new URL(location, request.url()).href;
        if (!allowed(target)) {
          blocked.push(target);
          return route.abort('blockedbyclient');
        }
      }
      return route.fulfill({ response });
    });
    const page = await context.newPage();
    return {
      context,
      page,
      blocked,
      assertNothingBlocked() {
        if (blocked.length > reported) {
          const url = blocked[blocked.length - 1] ?? '';
          reported = blocked.length;
          throw new NavigationBlockedError(url);
        }
      },
      close: () => context.close().catch(() => undefined),
    };
  }

  async close(): Promise<void> {
    const browser = this.browser;
    this.browser = undefined;
    if (browser) await (await browser.catch(() => undefined))?.close();
  }
}
