import { createHash } from 'node:crypto';

/**
 * The deterministic catalog a portal replica serves: the same index always yields the same product, so tests
 * and the benchmark can predict what a sync must find. Swedish names, units and pack sizes as the wholesalers
 * print them ("12x1 l", "ca 2,5 kg", "kr/kg").
 */
export interface PortalProduct {
  article: string;
  name: string;
  brand: string;
  category: string;
  /** The unit the price is quoted in: st, krt, kg, l, fp. */
  unit: string;
  /** As printed on the portal: "12x1 l", "ca 2,5 kg", "6x500 g". */
  pack: string;
  /** How many of the unit make one orderable pack; quantities are rounded up to a multiple of this. */
  orderMultiple: number;
  /** List price in öre per unit, before the customer's agreement. */
  listPriceOre: number;
  /** Comparison price text such as "41,80 kr/kg" (computed from the customer price). */
  comparisonUnit: string;
  comparisonFactor: number;
  gtin: string;
  available: boolean;
  orderable: boolean;
}

const FOODS: readonly [string, string, string, number][] = [
  ['Mellanmjölk 1,5%', 'Mejeri', 'l', 1290],
  ['Vispgrädde 36%', 'Mejeri', 'l', 4490],
  ['Smör normalsaltat', 'Mejeri', 'kg', 8990],
  ['Crème fraiche 34%', 'Mejeri', 'l', 5290],
  ['Kycklingfilé fryst', 'Fågel', 'kg', 9900],
  ['Nötfärs 12%', 'Kött', 'kg', 11900],
  ['Fläskkarré benfri', 'Kött', 'kg', 8900],
  ['Laxfilé med skinn', 'Fisk', 'kg', 21900],
  ['Torskrygg fryst', 'Fisk', 'kg', 24900],
  ['Gul lök', 'Frukt & grönt', 'kg', 1590],
  ['Potatis fast', 'Frukt & grönt', 'kg', 990],
  ['Morötter', 'Frukt & grönt', 'kg', 1290],
  ['Isbergssallad', 'Frukt & grönt', 'st', 1990],
  ['Krossade tomater', 'Kolonial', 'kg', 2490],
  ['Jasminris', 'Kolonial', 'kg', 3290],
  ['Vetemjöl', 'Kolonial', 'kg', 1190],
  ['Rapsolja', 'Kolonial', 'l', 2990],
  ['Kaffe mellanrost', 'Dryck', 'kg', 12900],
  ['Äppeljuice', 'Dryck', 'l', 2290],
  ['Diskmedel koncentrat', 'Förbrukning', 'l', 4990],
];
const BRANDS = [
  'Arla',
  'Kronfågel',
  'Scan',
  'Findus',
  'Eldorado',
  'Zeta',
  'Garant',
  'Lantmännen',
  'Skånemejerier',
];
const VARIANTS = ['', 'Eko', 'KRAV', 'Storpack', 'Svensk', 'Premium', 'Laktosfri', 'Glutenfri'];

function gtin13(body12: string): string {
  const sum = Array.from(body12, Number).reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 1 : 3), 0);
  return body12 + String((10 - (sum % 10)) % 10);
}

function packFor(
  unit: string,
  n: number,
): { pack: string; orderMultiple: number; factor: number; cmp: string } {
  if (unit === 'l') {
    const count = [1, 6, 12][n % 3] ?? 1;
    return { pack: count === 1 ? '1x1 l' : `${count}x1 l`, orderMultiple: count, factor: 1, cmp: 'kr/l' };
  }
  if (unit === 'kg') {
    const weight = [2.5, 5, 1, 10][n % 4] ?? 1;
    return {
      pack: n % 2 === 0 ? `ca ${String(weight).replace('.', ',')} kg` : `${Math.round(weight * 2)}x500 g`,
      orderMultiple: 1,
      factor: 1,
      cmp: 'kr/kg',
    };
  }
  const count = [1, 10, 24][n % 3] ?? 1;
  return { pack: `${count} st/krt`, orderMultiple: count, factor: 1, cmp: 'kr/st' };
}

export function portalProduct(supplierPrefix: string, index: number): PortalProduct {
  const food = FOODS[index % FOODS.length] ?? (['Vara', 'Övrigt', 'st', 1000] as const);
  const [base, category, unit, price] = food;
  const variant = VARIANTS[Math.floor(index / FOODS.length) % VARIANTS.length] ?? '';
  const brand = BRANDS[Math.floor(index / 7) % BRANDS.length] ?? 'Garant';
  const series = Math.floor(index / (FOODS.length * VARIANTS.length));
  const { pack, orderMultiple, factor, cmp } = packFor(unit, index);
  const name = [base, variant, series > 0 ? `nr ${series}` : ''].filter(Boolean).join(' ');
  const article = `${supplierPrefix}${String(100_000 + index)}`;
  return {
    article,
    name,
    brand,
    category,
    unit,
    pack,
    orderMultiple,
    listPriceOre: price + ((index * 37) % 900),
    comparisonUnit: cmp,
    comparisonFactor: factor,
    gtin: gtin13(`73${String(index).padStart(10, '0')}`),
    available: index % 23 !== 0,
    orderable: index % 97 !== 5,
  };
}

/** The customer's agreement price: a stable discount between 0 and 17 % per (customer, article). */
export function customerPriceOre(product: PortalProduct, customerId: string, adjustmentOre = 0): number {
  const digest = createHash('sha1').update(`${customerId}:${product.article}`).digest();
  const discountPercent = (digest[0] ?? 0) % 18;
  return Math.max(100, Math.round((product.listPriceOre * (100 - discountPercent)) / 100) + adjustmentOre);
}

/** "1234,50" for 123450 öre (Swedish decimal comma, no thousands separator as the portals print it). */
export function formatKronor(ore: number): string {
  return `${Math.floor(ore / 100)},${String(ore % 100).padStart(2, '0')}`;
}
