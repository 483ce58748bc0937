import type { ConnectorModule } from './connector.js';
import { readGridJson } from './grid-json.js';
import { parseSwedishPrice } from './normalise.js';

/** Martin & Servera's web shop: paged product grid, quick order, shareable cart, invoice archive. */
export const martinServera: ConnectorModule = {
  key: 'martin_servera',
  displayName: 'Martin & Servera',
  paths: {
    login: '/logga-in',
    catalog: '/sortiment',
    quickOrder: '/snabborder',
    cart: '/varukorg',
    invoices: '/mina-sidor/fakturor',
  },
  fields: { username: 'username', password: 'password', otp: 'code' },
  selectors: {
    version: 'martin_servera@2026-11-1',
    selectors: {
      'cookie.accept': { page: 'login', css: '.cookie-banner__accept', signedIn: false },
      'login.form': { page: 'login', css: 'form.login-form', signedIn: false },
      'login.submit': { page: 'login', css: '.login-form__submit', signedIn: false },
      'otp.submit': { page: 'otp', css: '.otp-form__submit', signedIn: false },
      'account.name': { page: 'catalog', css: '.header-account__name', signedIn: true },
      'catalog.loaded': { page: 'catalog', css: '#grid-root[data-state=ready]', signedIn: false },
      'catalog.error': {
        page: 'catalog',
        css: '#grid-root[data-state=error]',
        signedIn: false,
        watch: false,
      },
      'catalog.grid': { page: 'catalog', css: '.product-grid', signedIn: false },
      'product.card': { page: 'catalog', css: '.product-card[data-article]', signedIn: false },
      'product.name': { page: 'catalog', css: '.product-card__name', signedIn: false },
      'product.brand': { page: 'catalog', css: '.product-card__brand', signedIn: false },
      'product.pack': { page: 'catalog', css: '.product-card__pack', signedIn: false },
      'product.price': { page: 'catalog', css: '.product-card__price', signedIn: true },
      'product.comparison': { page: 'catalog', css: '.product-card__compare', signedIn: true },
      'product.gtin': { page: 'catalog', css: '.product-card__gtin', signedIn: false },
      'product.stock': { page: 'catalog', css: '.product-card__stock', signedIn: false },
      'quickOrder.article': { page: 'quickOrder', css: '.quick-order__article', signedIn: true },
      'quickOrder.quantity': { page: 'quickOrder', css: '.quick-order__quantity', signedIn: true },
      'quickOrder.add': { page: 'quickOrder', css: '.quick-order__add', signedIn: true },
      'quickOrder.result': { page: 'quickOrder', css: '.quick-order__result', signedIn: true },
      'cart.share': { page: 'cart', css: 'a.cart__share-link', signedIn: true },
      'invoices.row': { page: 'invoices', css: 'tr.invoice-row[data-invoice]', signedIn: true },
      'invoices.download': { page: 'invoices', css: 'a.invoice-row__pdf', signedIn: true },
    },
  },
  parsePrice: parseSwedishPrice,
  catalogPageUrl: (base, page) => `${base}/sortiment?page=${page}`,
  api: {
    catalogPath: (page) => `/api/sortiment?page=${page}`,
    readCatalog: readGridJson,
    addToCart: { path: '/api/cart/lines', csrfHeader: 'x-csrf-token', csrfMeta: 'meta[name=csrf-token]' },
  },
};
