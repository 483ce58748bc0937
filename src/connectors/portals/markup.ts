import type { PortalProduct } from './catalog.js';
import { formatKronor } from './catalog.js';

export type PortalFlavour = 'martin_servera' | 'menigo';
export type PortalLayout = 'v1' | 'v2';

/** Class names, ids and field names of one replica's markup; layout v2 renames a few, as a redesign would. */
export interface Markup {
  brandName: string;
  articlePrefix: string;
  paths: {
    login: string;
    otp: string;
    catalog: string;
    api: string;
    quickOrder: string;
    cart: string;
    invoices: string;
  };
  fields: { username: string; password: string; otp: string };
  cls: Record<
    | 'cookieBanner'
    | 'cookieAccept'
    | 'account'
    | 'loginForm'
    | 'loginSubmit'
    | 'loginError'
    | 'otpSubmit'
    | 'grid'
    | 'card'
    | 'name'
    | 'brand'
    | 'pack'
    | 'price'
    | 'compare'
    | 'gtin'
    | 'stock'
    | 'qoArticle'
    | 'qoQuantity'
    | 'qoAdd'
    | 'qoResult'
    | 'cartShare'
    | 'invoiceRow'
    | 'invoiceDownload',
    string
  >;
}

const MARTIN_SERVERA: Markup = {
  brandName: 'Martin & Servera (lokal kopia)',
  articlePrefix: '',
  paths: {
    login: '/logga-in',
    otp: '/logga-in/engangskod',
    catalog: '/sortiment',
    api: '/api/sortiment',
    quickOrder: '/snabborder',
    cart: '/varukorg',
    invoices: '/mina-sidor/fakturor',
  },
  fields: { username: 'username', password: 'password', otp: 'code' },
  cls: {
    cookieBanner: 'cookie-banner',
    cookieAccept: 'cookie-banner__accept',
    account: 'header-account__name',
    loginForm: 'login-form',
    loginSubmit: 'login-form__submit',
    loginError: 'login-form__error',
    otpSubmit: 'otp-form__submit',
    grid: 'product-grid',
    card: 'product-card',
    name: 'product-card__name',
    brand: 'product-card__brand',
    pack: 'product-card__pack',
    price: 'product-card__price',
    compare: 'product-card__compare',
    gtin: 'product-card__gtin',
    stock: 'product-card__stock',
    qoArticle: 'quick-order__article',
    qoQuantity: 'quick-order__quantity',
    qoAdd: 'quick-order__add',
    qoResult: 'quick-order__result',
    cartShare: 'cart__share-link',
    invoiceRow: 'invoice-row',
    invoiceDownload: 'invoice-row__pdf',
  },
};

const MENIGO: Markup = {
  brandName: 'Menigo (lokal kopia)',
  articlePrefix: 'M',
  paths: {
    login: '/login',
    otp: '/login/verifiera',
    catalog: '/produkter',
    api: '/api/v2/artiklar',
    quickOrder: '/bestall/snabb',
    cart: '/kundvagn',
    invoices: '/konto/fakturor',
  },
  fields: { username: 'email', password: 'losenord', otp: 'verifieringskod' },
  cls: {
    cookieBanner: 'cc-window',
    cookieAccept: 'cc-allow',
    account: 'user-menu__customer',
    loginForm: 'signin',
    loginSubmit: 'signin__button',
    loginError: 'signin__message--error',
    otpSubmit: 'verify__button',
    grid: 'article-list',
    card: 'article-item',
    name: 'article-item__title',
    brand: 'article-item__brand',
    pack: 'article-item__package',
    price: 'article-item__price',
    compare: 'article-item__jfr',
    gtin: 'article-item__ean',
    stock: 'article-item__availability',
    qoArticle: 'fast-order__artnr',
    qoQuantity: 'fast-order__antal',
    qoAdd: 'fast-order__submit',
    qoResult: 'fast-order__status',
    cartShare: 'basket__share',
    invoiceRow: 'invoice-list__row',
    invoiceDownload: 'invoice-list__download',
  },
};

/** The v2 redesign renames the product title and price elements; everything else keeps working. */
export function markupFor(flavour: PortalFlavour, layout: PortalLayout): Markup {
  const base = flavour === 'martin_servera' ? MARTIN_SERVERA : MENIGO;
  if (layout === 'v1') return base;
  return { ...base, cls: { ...base.cls, name: `${base.cls.name}-v2`, price: `${base.cls.price}--customer` } };
}

export const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export function layoutPage(
  m: Markup,
  opts: { title: string; customer?: string; csrf?: string; body: string },
) {
  const account = opts.customer
    ? `<span class="${m.cls.account}">Kund ${escapeHtml(opts.customer)}</span> <a href="/logga-ut">Logga ut</a>`
    : `<a href="${m.paths.login}">Logga in</a>`;
  return `<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>${escapeHtml(opts.title)} – ${m.brandName}</title>
${opts.csrf ? `<meta name="csrf-token" content="${opts.csrf}">` : ''}</head><body>
<div class="${m.cls.cookieBanner}" role="dialog">Vi använder kakor. <button class="${m.cls.cookieAccept}" onclick="document.cookie='cookie_consent=1;path=/';this.parentNode.remove()">Godkänn alla</button></div>
<header><a href="/">${m.brandName}</a> · <a href="${m.paths.catalog}">Sortiment</a> · <a href="${m.paths.cart}">Varukorg</a> · ${account}</header>
<main>${opts.body}</main></body></html>`;
}

export function loginPage(m: Markup, csrf: string, error?: string) {
  return layoutPage(m, {
    title: 'Logga in',
    body: `<form class="${m.cls.loginForm}" method="post" action="${m.paths.login}">
<input type="hidden" name="_csrf" value="${csrf}">
<label>Användarnamn <input name="${m.fields.username}" autocomplete="username"></label>
<label>Lösenord <input type="password" name="${m.fields.password}" autocomplete="current-password"></label>
${error ? `<p class="${m.cls.loginError}">${escapeHtml(error)}</p>` : ''}
<button type="submit" class="${m.cls.loginSubmit}">Logga in</button></form>`,
  });
}

export function otpPage(m: Markup, csrf: string, error?: string) {
  return layoutPage(m, {
    title: 'Engångskod',
    body: `<form method="post" action="${m.paths.otp}"><input type="hidden" name="_csrf" value="${csrf}">
<p>Vi har skickat en engångskod till din telefon.</p><input name="${m.fields.otp}" inputmode="numeric">
${error ? `<p class="${m.cls.loginError}">${escapeHtml(error)}</p>` : ''}
<button type="submit" class="${m.cls.otpSubmit}">Verifiera</button></form>`,
  });
}

/** The product grid is rendered by the page's script from the JSON API, like the real shops do. */
export function catalogPage(m: Markup, opts: { customer?: string; csrf?: string; page: number }) {
  const c = m.cls;
  const script = `
const root = document.getElementById('grid-root');
const page = ${opts.page};
fetch('${m.paths.api}?page=' + page, { credentials: 'same-origin' }).then(async (res) => {
  if (!res.ok) { root.dataset.state = 'error'; root.dataset.status = String(res.status); root.textContent = 'Något gick fel (' + res.status + ')'; return; }
  const data = await res.json();
  const list = document.createElement('${m.articlePrefix ? 'ul' : 'div'}');
  list.className = '${c.grid}';
  list.dataset.page = String(data.page);
  list.dataset.totalPages = String(data.totalPages);
  for (const p of data.items) {
    const card = document.createElement('${m.articlePrefix ? 'li' : 'article'}');
    card.className = '${c.card}';
    card.dataset.article = p.article;
    card.dataset.orderable = String(p.orderable);
    card.dataset.category = p.category;
    const field = (cls, text) => { const el = document.createElement('span'); el.className = cls; el.textContent = text; card.appendChild(el); return el; };
    field('${c.name}', p.name);
    field('${c.brand}', p.brand);
    field('${c.pack}', p.pack);
    if (p.price !== null) { field('${c.price}', p.price + ' kr/' + p.unit); field('${c.compare}', 'Jfr ' + p.comparison); }
    else field('login-for-price', 'Logga in för att se ditt pris');
    field('${c.gtin}', 'EAN ' + p.gtin);
    field('${c.stock}', p.available ? 'I lager' : 'Tillfälligt slut').dataset.available = String(p.available);
    list.appendChild(card);
  }
  root.replaceChildren(list);
  root.dataset.state = 'ready';
});`;
  return layoutPage(m, {
    title: 'Sortiment',
    ...opts,
    body: `<div id="grid-root" data-state="loading">Laddar…</div><script>${script}</script>`,
  });
}

export function productJson(p: PortalProduct, priceOre: number | null) {
  return {
    article: p.article,
    name: p.name,
    brand: p.brand,
    category: p.category,
    pack: p.pack,
    unit: p.unit,
    gtin: p.gtin,
    available: p.available,
    orderable: p.orderable,
    price: priceOre === null ? null : formatKronor(priceOre),
    comparison:
      priceOre === null
        ? null
        : `${formatKronor(Math.round(priceOre / p.comparisonFactor))} ${p.comparisonUnit}`,
  };
}

export function quickOrderPage(m: Markup, opts: { customer: string; csrf: string }) {
  const c = m.cls;
  const script = `
document.querySelector('.${c.qoAdd}').addEventListener('click', async () => {
  const out = document.querySelector('.${c.qoResult}');
  out.dataset.status = 'pending';
  const res = await fetch('/api/cart/lines', { method: 'POST', credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': document.querySelector('meta[name=csrf-token]').content },
    body: JSON.stringify({ article: document.querySelector('.${c.qoArticle}').value, quantity: Number(document.querySelector('.${c.qoQuantity}').value) }) });
  const data = await res.json().catch(() => ({}));
  out.dataset.quantity = String(data.quantity ?? '');
  out.dataset.reason = data.reason ?? '';
  out.textContent = data.message ?? '';
  out.dataset.status = res.ok ? 'added' : (res.status === 429 ? 'throttled' : 'rejected');
});`;
  return layoutPage(m, {
    title: 'Snabborder',
    ...opts,
    body: `<input class="${c.qoArticle}" placeholder="Artikelnummer"><input class="${c.qoQuantity}" type="number" min="1" value="1">
<button class="${c.qoAdd}" type="button">Lägg i varukorg</button><output class="${c.qoResult}" data-status="idle"></output><script>${script}</script>`,
  });
}

export function cartPage(
  m: Markup,
  opts: {
    customer?: string;
    shareToken: string;
    lines: { article: string; name: string; quantity: number }[];
  },
) {
  const rows = opts.lines
    .map(
      (l) =>
        `<tr data-article="${escapeHtml(l.article)}"><td>${escapeHtml(l.article)}</td><td>${escapeHtml(l.name)}</td><td>${l.quantity}</td></tr>`,
    )
    .join('');
  return layoutPage(m, {
    title: 'Varukorg',
    ...(opts.customer ? { customer: opts.customer } : {}),
    body: `<table class="cart"><tbody>${rows}</tbody></table><a class="${m.cls.cartShare}" href="${m.paths.cart}/delad/${opts.shareToken}">Dela varukorgen</a>
<button disabled>Skicka order (bekräftas av kunden)</button>`,
  });
}

export function invoicesPage(
  m: Markup,
  opts: { customer: string; invoices: { number: string; date: string; totalOre: number }[] },
) {
  const rows = opts.invoices
    .map(
      (
        i,
      ) => `<tr class="${m.cls.invoiceRow}" data-invoice="${i.number}"><td>${i.number}</td><td>${i.date}</td><td>${formatKronor(i.totalOre)} kr</td>
<td><a class="${m.cls.invoiceDownload}" href="${m.paths.invoices}/${i.number}.pdf">PDF</a></td></tr>`,
    )
    .join('');
  return layoutPage(m, {
    title: 'Fakturor',
    customer: opts.customer,
    body: `<table><tbody>${rows}</tbody></table>`,
  });
}
