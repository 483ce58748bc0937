import type { VatCategory } from '../domain/products/products.models.js';

/**
 * Deterministic generator of a realistic Swedish foodservice catalog: the demo seed draws a few hundred
 * products from it, the search benchmark a million. Same seed, same catalog.
 */

interface CategorySpec {
  name: string;
  vat: VatCategory;
  storage: 'frozen' | 'chilled' | 'ambient';
  items: string[];
  variants: string[];
  units: string[];
  priceRange: [number, number];
}

const CATEGORIES: CategorySpec[] = [
  {
    name: 'Kött & fågel',
    vat: 'food',
    storage: 'chilled',
    items: [
      'Kycklingfilé',
      'Kycklinglårfilé',
      'Kycklingbröst',
      'Nötfärs',
      'Fläskfilé',
      'Entrecôte',
      'Högrev',
      'Lammracks',
      'Bacon',
      'Kalkonbröst',
      'Oxfilé',
      'Fläskkarré',
      'Grillkorv',
      'Köttbullar',
      'Rostbiff',
    ],
    variants: [
      'färsk',
      'fryst',
      'marinerad',
      'skivad',
      'strimlad',
      'ekologisk',
      'svensk',
      'sous vide',
      'grillad',
      'rökt',
    ],
    units: ['kg', 'förp', 'st'],
    priceRange: [4900, 45900],
  },
  {
    name: 'Fisk & skaldjur',
    vat: 'food',
    storage: 'chilled',
    items: [
      'Laxfilé',
      'Torskrygg',
      'Räkor',
      'Sill',
      'Gravlax',
      'Kolja',
      'Hälleflundra',
      'Musslor',
      'Kräftor',
      'Röding',
      'Strömming',
      'Tonfisk',
    ],
    variants: ['färsk', 'fryst', 'skinnfri', 'handskalade', 'kallrökt', 'varmrökt', 'MSC', 'inlagd'],
    units: ['kg', 'förp', 'burk'],
    priceRange: [3900, 69900],
  },
  {
    name: 'Grönsaker',
    vat: 'food',
    storage: 'chilled',
    items: [
      'Gul lök',
      'Rödlök',
      'Potatis',
      'Morötter',
      'Vitlök',
      'Purjolök',
      'Broccoli',
      'Blomkål',
      'Tomater',
      'Gurka',
      'Paprika',
      'Sallad',
      'Spenat',
      'Champinjoner',
      'Rödbetor',
      'Palsternacka',
      'Zucchini',
      'Aubergine',
    ],
    variants: ['klass 1', 'ekologisk', 'svensk', 'skalad', 'tärnad', 'strimlad', 'fast', 'mjölig', 'baby'],
    units: ['kg', 'st', 'förp', 'säck'],
    priceRange: [900, 8900],
  },
  {
    name: 'Frukt & bär',
    vat: 'food',
    storage: 'chilled',
    items: [
      'Äpplen',
      'Päron',
      'Citroner',
      'Lime',
      'Apelsiner',
      'Bananer',
      'Jordgubbar',
      'Blåbär',
      'Lingon',
      'Hallon',
      'Mango',
      'Ananas',
    ],
    variants: ['ekologisk', 'fryst', 'svensk', 'klass 1', 'mogen'],
    units: ['kg', 'förp', 'st'],
    priceRange: [1500, 14900],
  },
  {
    name: 'Mejeri',
    vat: 'food',
    storage: 'chilled',
    items: [
      'Mellanmjölk',
      'Standardmjölk',
      'Grädde',
      'Crème fraiche',
      'Smör',
      'Yoghurt',
      'Kvarg',
      'Filmjölk',
      'Gräddfil',
      'Havredryck',
      'Ägg',
    ],
    variants: [
      'laktosfri',
      'ekologisk',
      '1,5%',
      '3%',
      '40%',
      'normalsaltat',
      'osaltat',
      'vispgrädde',
      'matlagning',
    ],
    units: ['l', 'förp', 'st', 'krt'],
    priceRange: [900, 12900],
  },
  {
    name: 'Ost',
    vat: 'food',
    storage: 'chilled',
    items: [
      'Västerbottensost',
      'Präst',
      'Herrgård',
      'Mozzarella',
      'Parmesan',
      'Fetaost',
      'Cheddar',
      'Brie',
      'Halloumi',
      'Grevé',
    ],
    variants: ['lagrad', 'riven', 'skivad', 'hel', 'bit', '17%', '28%'],
    units: ['kg', 'förp', 'st'],
    priceRange: [4900, 39900],
  },
  {
    name: 'Torrvaror',
    vat: 'food',
    storage: 'ambient',
    items: [
      'Vetemjöl',
      'Strösocker',
      'Basmatiris',
      'Jasminris',
      'Pasta penne',
      'Spaghetti',
      'Havregryn',
      'Linser',
      'Kikärtor',
      'Quinoa',
      'Bulgur',
      'Ströbröd',
      'Mandelmjöl',
    ],
    variants: ['ekologisk', 'fullkorn', 'glutenfri', 'storpack', 'special'],
    units: ['kg', 'förp', 'säck'],
    priceRange: [1200, 24900],
  },
  {
    name: 'Kolonial',
    vat: 'food',
    storage: 'ambient',
    items: [
      'Krossade tomater',
      'Tomatpuré',
      'Kokosmjölk',
      'Olivolja',
      'Rapsolja',
      'Balsamvinäger',
      'Soja',
      'Senap',
      'Majonnäs',
      'Ketchup',
      'Buljong',
      'Lingonsylt',
      'Kapris',
    ],
    variants: ['extra virgin', 'ekologisk', 'storpack', 'dijon', 'grov', 'kalv', 'höns', 'grönsak'],
    units: ['burk', 'fl', 'l', 'förp', 'hink'],
    priceRange: [900, 29900],
  },
  {
    name: 'Bröd & bageri',
    vat: 'food',
    storage: 'ambient',
    items: [
      'Surdegsbröd',
      'Hamburgerbröd',
      'Tunnbröd',
      'Knäckebröd',
      'Kanelbullar',
      'Baguette',
      'Focaccia',
      'Croissant',
      'Rågbröd',
    ],
    variants: ['fryst', 'färdigbakad', 'bake-off', 'glutenfri', 'skivad'],
    units: ['st', 'förp', 'krt'],
    priceRange: [1500, 19900],
  },
  {
    name: 'Frysvaror',
    vat: 'food',
    storage: 'frozen',
    items: [
      'Pommes frites',
      'Ärtor',
      'Majs',
      'Wokgrönsaker',
      'Glass vanilj',
      'Hallonsorbet',
      'Pizzadeg',
      'Dumplings',
      'Fiskpinnar',
    ],
    variants: ['storpack', 'ekologisk', 'krinkel', 'tunna', 'laktosfri'],
    units: ['kg', 'förp', 'krt'],
    priceRange: [2500, 29900],
  },
  {
    name: 'Drycker',
    vat: 'food',
    storage: 'ambient',
    items: [
      'Mineralvatten',
      'Äppeljuice',
      'Apelsinjuice',
      'Lingondricka',
      'Kaffe bryggmalet',
      'Te earl grey',
      'Cola',
      'Fläderblomssaft',
    ],
    variants: ['kolsyrad', 'naturell', 'ekologisk', 'koncentrat', 'mörkrost', 'mellanrost'],
    units: ['fl', 'l', 'krt', 'förp'],
    priceRange: [900, 18900],
  },
  {
    name: 'Öl & vin',
    vat: 'alcohol',
    storage: 'ambient',
    items: ['Lager', 'IPA', 'Rött vin', 'Vitt vin', 'Mousserande vin', 'Cider'],
    variants: ['fat', 'flaska', 'bag-in-box', 'alkoholfri'],
    units: ['fl', 'l', 'krt'],
    priceRange: [2900, 49900],
  },
  {
    name: 'Engångsartiklar',
    vat: 'standard',
    storage: 'ambient',
    items: [
      'Servetter',
      'Pappersmuggar',
      'Sugrör papper',
      'Take away-lådor',
      'Aluminiumfolie',
      'Plastfilm',
      'Handskar nitril',
    ],
    variants: ['vita', 'svarta', 'komposterbara', 'storpack', 'stora', 'små'],
    units: ['förp', 'krt', 'st'],
    priceRange: [1900, 39900],
  },
];

/** The words the generator draws from, for search benchmarks that query what exists. */
export const vocabulary = () => ({
  categories: CATEGORIES.map((c) => ({
    name: c.name,
    items: c.items,
    variants: c.variants,
    priceRange: c.priceRange,
  })),
  brands: BRANDS,
});

const BRANDS = [
  'Arla',
  'Kronfågel',
  'Scan',
  'Findus',
  'Felix',
  'Svegro',
  'Garant',
  'ICA',
  'Menigo',
  'Martin & Servera',
  'Lantmännen',
  'Skånemejerier',
  'Norrmejerier',
  'Abba',
  'Zeta',
  'Santa Maria',
  'Polarbröd',
  'Pågen',
  'Gevalia',
  'Löfbergs',
  'Spendrups',
  'Ramlösa',
  'Bravo',
  'Kungsörnen',
  'Uncle Bens',
  'Dafgårds',
  'Guldfågeln',
  'Lithells',
  'Älvsbyn',
  'Fiskeriet',
];
const ORIGINS = ['SE', 'SE', 'SE', 'DK', 'NO', 'FI', 'DE', 'NL', 'ES', 'IT', 'PL', 'FR'];

/** mulberry32: tiny, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedProduct {
  sku: string;
  gtin: string;
  name: string;
  brand: string;
  category: string;
  unit: string;
  packSize: string;
  priceCents: number;
  vatCategory: VatCategory;
  stockQuantity: string | null;
  storage: 'frozen' | 'chilled' | 'ambient';
  countryOfOrigin: string;
  active: boolean;
}

function gtin13(body12: string): string {
  const digits = Array.from(body12, Number);
  const sum = digits.reverse().reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 3 : 1), 0);
  return `${body12}${(10 - (sum % 10)) % 10}`;
}

/** The `index`-th product of supplier number `supplierNo` (prefix keeps SKUs unique per supplier). */
export function generateProduct(random: () => number, supplierNo: number, index: number): GeneratedProduct {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const category = pick(CATEGORIES);
  const item = pick(category.items);
  const variant = random() < 0.8 ? ` ${pick(category.variants)}` : '';
  const size =
    random() < 0.6
      ? ` ${[0.5, 1, 2, 2.5, 5, 10][Math.floor(random() * 6)] ?? 1} ${pick(['kg', 'l', 'st'])}`
      : '';
  const [low, high] = category.priceRange;
  return {
    sku: `S${String(supplierNo).padStart(2, '0')}-${String(index).padStart(7, '0')}`,
    gtin: gtin13(`73${String(supplierNo).padStart(2, '0')}${String(index).padStart(8, '0')}`),
    name: `${item}${variant}${size}`,
    brand: pick(BRANDS),
    category: category.name,
    unit: pick(category.units),
    packSize: (1 + Math.floor(random() * 12)).toFixed(3),
    priceCents: low + Math.floor(random() * (high - low)),
    vatCategory: category.vat,
    stockQuantity: random() < 0.3 ? null : (Math.floor(random() * 500) * (random() < 0.1 ? 0 : 1)).toFixed(3),
    storage: category.storage,
    countryOfOrigin: pick(ORIGINS),
    active: random() > 0.02,
  };
}
