import type { ConnectorModule } from './connector.js';
import { readGridJson } from './grid-json.js';
import { parseSwedishPrice } from './normalise.js';

/** Menigo's web shop: article list, fast order, shareable basket, invoice archive under the account pages. */
export const menigo: ConnectorModule = {
  key: 'menigo',
  displayName: 'Menigo',
  paths: {
    login: '/login',
    catalog: '/produkter',
    quickOrder: '/bestall/snabb',
    cart: '/kundvagn',
    invoices: '/konto/fakturor',
  },
  fields: { username: 'email', password: 'losenord', otp: 'verifieringskod' },
  selectors: {
    version: 'menigo@2026-11-1',
    selectors: {
      'cookie.accept': { page: 'login', css: '.cc-window .cc-allow', signedIn: false },
      'login.form': { page: 'login', css: 'form.signin', signedIn: false },
      'login.submit': { page: 'login', css: '.signin__button', signedIn: false },
      'otp.submit': { page: 'otp', css: '.verify__button', signedIn: false },
      'account.name': { page: 'catalog', css: '.user-menu__customer', signedIn: true },
      'catalog.loaded': { page: 'catalog', css: '#grid-root[data-state=ready]', signedIn: false },
      'catalog.error': {
        page: 'catalog',
        css: '#grid-root[data-state=error]',
        signedIn: false,
        watch: false,
      },
      'catalog.grid': { page: 'catalog', css: 'ul.article-list', signedIn: false },
      'product.card': { page: 'catalog', css: 'li.article-item[data-article]', signedIn: false },
      'product.name': { page: 'catalog', css: '.article-item__title', signedIn: false },
      'product.brand': { page: 'catalog', css: '.article-item__brand', signedIn: false },
      'product.pack': { page: 'catalog', css: '.article-item__package', signedIn: false },
      'product.price': { page: 'catalog', css: '.article-item__price', signedIn: true },
      'product.comparison': { page: 'catalog', css: '.article-item__jfr', signedIn: true },
      'product.gtin': { page: 'catalog', css: '.article-item__ean', signedIn: false },
      'product.stock': { page: 'catalog', css: '.article-item__availability', signedIn: false },
      'quickOrder.article': { page: 'quickOrder', css: '.fast-order__artnr', signedIn: true },
      'quickOrder.quantity': { page: 'quickOrder', css: '.fast-order__antal', signedIn: true },
      'quickOrder.add': { page: 'quickOrder', css: '.fast-order__submit', signedIn: true },
      'quickOrder.result': { page: 'quickOrder', css: '.fast-order__status', signedIn: true },
      'cart.share': { page: 'cart', css: 'a.basket__share', signedIn: true },
      'invoices.row': { page: 'invoices', css: 'tr.invoice-list__row[data-invoice]', signedIn: true },
      'invoices.download': { page: 'invoices', css: 'a.invoice-list__download', signedIn: true },
    },
  },
  parsePrice: parseSwedishPrice,
  catalogPageUrl: (base, page) => `${base}/produkter?page=${page}`,
  api: {
    catalogPath: (page) => `/api/v2/artiklar?page=${page}`,
    readCatalog: readGridJson,
    addToCart: { path: '/api/cart/lines', csrfHeader: 'x-csrf-token', csrfMeta: 'meta[name=csrf-token]' },
  },
};
