import type { SessionState } from './browser.js';

/** The suppliers Iris can mirror (spec §11 "First Connectors"). */
export const SUPPLIER_KEYS = ['martin_servera', 'menigo'] as const;
export type SupplierKey = (typeof SUPPLIER_KEYS)[number];

/** Where a selector is found; the DOM watcher visits each page once. */
export type SelectorPage = 'login' | 'otp' | 'catalog' | 'quickOrder' | 'cart' | 'invoices';

export interface SelectorSpec {
  page: SelectorPage;
  css: string;
  /** Only rendered for a signed-in customer (customer prices, cart, invoices). */
  signedIn: boolean;
  /** false for elements that appear only in some states (an error banner); the DOM watcher skips them. */
  watch?: false;
}

/**
 * A supplier's selectors, versioned: a portal redesign is answered by a new map (a data change), and the version
 * is recorded with every DOM-watcher verdict so a deploy with a newer map clears a stale "degraded".
 */
export interface SelectorMap {
  version: string;
  selectors: Record<string, SelectorSpec>;
}

export interface ConnectorPaths {
  login: string;
  catalog: string;
  quickOrder: string;
  cart: string;
  invoices: string;
}

/** One product card's printed values, read from the rendered grid or from the JSON the grid is drawn from. */
export interface CardValues {
  article: string;
  orderable: boolean;
  category: string | null;
  name: string | null;
  brand: string | null;
  pack: string | null;
  price: string | null;
  comparison: string | null;
  gtin: string | null;
  available: boolean;
}

/**
 * The JSON calls the portal's own pages make, called from inside the signed-in page (its cookies, its CSRF
 * token) instead of rendering and clicking through the page for every catalog page and cart line.
 */
export interface PortalApi {
  /** The path (with query) of a catalog page's JSON. */
  catalogPath(page: number): string;
  /** The JSON as the values the grid prints; undefined when its shape is not the expected one. */
  readCatalog(body: unknown): { totalPages: number; cards: CardValues[] } | undefined;
  /** The quick-order form's add-to-cart call: JSON `{article, quantity}` with the page's CSRF token. */
  addToCart: { path: string; csrfHeader: string; csrfMeta: string };
}

/** What one supplier module declares; the browser work itself is shared (portal-client.ts). */
export interface ConnectorModule {
  key: SupplierKey;
  displayName: string;
  paths: ConnectorPaths;
  fields: { username: string; password: string; otp: string };
  selectors: SelectorMap;
  /** Parses the printed price ("123,45 kr/kg") into öre and unit. */
  parsePrice(text: string): { ore: number; unit: string } | undefined;
  /** The catalog page URL for a page number (1-based). */
  catalogPageUrl(base: string, page: number): string;
  api: PortalApi;
}

/** One product as the portal shows it to this customer, raw values kept for the cache. */
export interface PortalItem {
  externalId: string;
  name: string;
  brand: string | null;
  category: string | null;
  packText: string;
  priceText: string;
  priceOre: number;
  unit: string;
  comparisonText: string | null;
  gtin: string | null;
  available: boolean;
  orderable: boolean;
}

export interface CatalogPage {
  page: number;
  totalPages: number;
  items: PortalItem[];
}

export type LoginOutcome = { kind: 'signed_in'; session: SessionState } | { kind: 'code_required' };

export interface PrefillLine {
  externalId: string;
  quantity: number;
}

export type PrefillProblem = 'unknown_article' | 'not_orderable' | 'quantity_rounded' | 'portal_error';

export interface PrefillLineResult {
  externalId: string;
  requested: number;
  added: number;
  problem: PrefillProblem | null;
}

export interface InvoiceRef {
  number: string;
  url: string;
}

/** Failures a connector reports; the service maps them to states and error codes, never showing portal text. */
export class ConnectorError extends Error {
  constructor(
    readonly kind:
      'auth_failed' | 'session_expired' | 'selectors_broken' | 'blocked' | 'unavailable' | 'too_large',
    message: string,
    readonly brokenSelectors: string[] = [],
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}
