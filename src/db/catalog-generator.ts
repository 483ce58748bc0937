import type { VatCategory } from '../domain/products/products.models.js';

/**
 * Deterministic generator of a realistic Swedish foodservice catalog: the demo seed draws a few hundred
 * products from it, the search benchmark a million. Same seed, same catalog.
 */

type Measure = 'kg' | 'l' | 'st';

/** An item and the variants and pack measures that make sense for it (no "Ägg vispgrädde", no "Smör 1 l"). */
interface ItemSpec {
  name: string;
  variants: string[];
  measure: Measure;
  units: string[];
}

interface CategorySpec {
  name: string;
  /** Alcohol-free drinks (≤ 2.25 % ABV), juice and soft drinks are food; alcoholic drinks are taxed at 25 %. */
  vat: VatCategory;
  storage: 'frozen' | 'chilled' | 'ambient';
  items: ItemSpec[];
  priceRange: [number, number];
}

/** Items sharing variants, pack measure and units. */
const group = (names: string[], variants: string[], measure: Measure, units: string[]): ItemSpec[] =>
  names.map((name) => ({ name, variants, measure, units }));

const CATEGORIES: CategorySpec[] = [
  {
    name: 'Kött & fågel',
    vat: 'food',
    storage: 'chilled',
    items: [
      ...group(
        ['Kycklingfilé', 'Kycklinglårfilé', 'Kycklingbröst', 'Kalkonbröst'],
        ['färsk', 'fryst', 'marinerad', 'strimlad', 'ekologisk', 'svensk', 'grillad'],
        'kg',
        ['kg', 'förp'],
      ),
      ...group(
        ['Fläskfilé', 'Entrecôte', 'Högrev', 'Lammracks', 'Oxfilé', 'Fläskkarré', 'Rostbiff'],
        ['färsk', 'fryst', 'marinerad', 'skivad', 'ekologisk', 'svensk', 'sous vide'],
        'kg',
        ['kg', 'förp'],
      ),
      ...group(['Nötfärs'], ['färsk', 'fryst', 'ekologisk', 'svensk'], 'kg', ['kg', 'förp']),
      ...group(['Bacon'], ['skivad', 'tärnad', 'rökt'], 'kg', ['kg', 'förp']),
      ...group(['Grillkorv', 'Köttbullar'], ['fryst', 'svensk', 'ekologisk'], 'kg', ['kg', 'förp']),
    ],
    priceRange: [4900, 45900],
  },
  {
    name: 'Fisk & skaldjur',
    vat: 'food',
    storage: 'chilled',
    items: [
      ...group(
        ['Laxfilé', 'Torskrygg', 'Kolja', 'Hälleflundra', 'Röding', 'Tonfisk'],
        ['färsk', 'fryst', 'skinnfri', 'MSC'],
        'kg',
        ['kg', 'förp'],
      ),
      ...group(['Räkor', 'Kräftor'], ['fryst', 'handskalade', 'MSC'], 'kg', ['kg', 'förp']),
      ...group(['Gravlax'], ['skivad', 'MSC'], 'kg', ['kg', 'förp']),
      ...group(['Sill', 'Strömming'], ['inlagd', 'färsk', 'MSC'], 'kg', ['kg', 'burk']),
      ...group(['Musslor'], ['färsk', 'fryst'], 'kg', ['kg', 'förp']),
    ],
    priceRange: [3900, 69900],
  },
  {
    name: 'Grönsaker',
    vat: 'food',
    storage: 'chilled',
    items: [
      ...group(['Potatis'], ['fast', 'mjölig', 'svensk', 'ekologisk', 'skalad', 'baby'], 'kg', [
        'kg',
        'säck',
      ]),
      ...group(
        ['Gul lök', 'Rödlök', 'Morötter', 'Rödbetor', 'Palsternacka'],
        ['svensk', 'ekologisk', 'skalad', 'tärnad'],
        'kg',
        ['kg', 'säck'],
      ),
      ...group(
        ['Vitlök', 'Purjolök', 'Broccoli', 'Blomkål', 'Tomater', 'Gurka', 'Paprika', 'Zucchini', 'Aubergine'],
        ['klass 1', 'ekologisk', 'svensk'],
        'kg',
        ['kg', 'st'],
      ),
      ...group(['Sallad', 'Spenat'], ['ekologisk', 'svensk', 'baby'], 'kg', ['kg', 'förp']),
      ...group(['Champinjoner'], ['svensk', 'skivade'], 'kg', ['kg', 'förp']),
    ],
    priceRange: [900, 8900],
  },
  {
    name: 'Frukt & bär',
    vat: 'food',
    storage: 'chilled',
    items: [
      ...group(
        ['Äpplen', 'Päron', 'Citroner', 'Lime', 'Apelsiner', 'Bananer', 'Mango', 'Ananas'],
        ['ekologisk', 'klass 1', 'mogen'],
        'kg',
        ['kg', 'st'],
      ),
      ...group(['Jordgubbar', 'Blåbär', 'Lingon', 'Hallon'], ['fryst', 'svensk', 'ekologisk'], 'kg', [
        'kg',
        'förp',
      ]),
    ],
    priceRange: [1500, 14900],
  },
  {
    name: 'Mejeri',
    vat: 'food',
    storage: 'chilled',
    items: [
      ...group(['Mellanmjölk 1,5%', 'Standardmjölk 3%', 'Filmjölk'], ['laktosfri', 'ekologisk'], 'l', [
        'l',
        'krt',
      ]),
      ...group(['Havredryck'], ['barista', 'ekologisk'], 'l', ['l', 'krt']),
      ...group(['Vispgrädde 40%', 'Matlagningsgrädde 15%'], ['laktosfri', 'ekologisk'], 'l', ['l', 'krt']),
      ...group(['Crème fraiche 34%', 'Gräddfil 12%', 'Yoghurt naturell'], ['laktosfri', 'ekologisk'], 'l', [
        'l',
        'förp',
      ]),
      ...group(['Smör'], ['normalsaltat', 'osaltat', 'ekologisk'], 'kg', ['kg', 'förp']),
      ...group(['Kvarg'], ['naturell', 'vanilj'], 'kg', ['kg', 'förp']),
      ...group(['Ägg'], ['frigående', 'ekologisk', 'storlek M', 'storlek L'], 'st', ['förp', 'krt']),
    ],
    priceRange: [900, 12900],
  },
  {
    name: 'Ost',
    vat: 'food',
    storage: 'chilled',
    items: group(
      [
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
      ['lagrad', 'riven', 'skivad', 'hel', 'bit'],
      'kg',
      ['kg', 'förp', 'st'],
    ),
    priceRange: [4900, 39900],
  },
  {
    name: 'Torrvaror',
    vat: 'food',
    storage: 'ambient',
    items: group(
      [
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
      ['ekologisk', 'fullkorn', 'glutenfri', 'storpack'],
      'kg',
      ['kg', 'förp', 'säck'],
    ),
    priceRange: [1200, 24900],
  },
  {
    name: 'Kolonial',
    vat: 'food',
    storage: 'ambient',
    items: [
      ...group(['Krossade tomater', 'Tomatpuré', 'Kokosmjölk', 'Kapris'], ['ekologisk', 'storpack'], 'kg', [
        'burk',
        'förp',
      ]),
      ...group(['Olivolja'], ['extra virgin', 'ekologisk'], 'l', ['fl', 'l']),
      ...group(['Rapsolja', 'Balsamvinäger', 'Soja'], ['ekologisk', 'storpack'], 'l', ['fl', 'l']),
      ...group(['Senap'], ['dijon', 'grov', 'skånsk'], 'kg', ['burk', 'hink']),
      ...group(['Majonnäs', 'Ketchup', 'Lingonsylt'], ['ekologisk', 'storpack'], 'kg', ['burk', 'hink']),
      ...group(['Buljong'], ['kalv', 'höns', 'grönsak'], 'l', ['fl', 'förp']),
    ],
    priceRange: [900, 29900],
  },
  {
    name: 'Bröd & bageri',
    vat: 'food',
    storage: 'ambient',
    items: [
      ...group(
        ['Surdegsbröd', 'Rågbröd', 'Tunnbröd', 'Knäckebröd'],
        ['skivad', 'glutenfri', 'fullkorn'],
        'st',
        ['st', 'förp'],
      ),
      ...group(
        ['Hamburgerbröd', 'Kanelbullar', 'Baguette', 'Focaccia', 'Croissant'],
        ['fryst', 'färdigbakad', 'bake-off'],
        'st',
        ['förp', 'krt'],
      ),
    ],
    priceRange: [1500, 19900],
  },
  {
    name: 'Frysvaror',
    vat: 'food',
    storage: 'frozen',
    items: [
      ...group(['Pommes frites'], ['krinkel', 'tunna', 'storpack'], 'kg', ['kg', 'förp']),
      ...group(['Ärtor', 'Majs', 'Wokgrönsaker'], ['ekologisk', 'storpack'], 'kg', ['kg', 'förp']),
      ...group(['Glass vanilj', 'Hallonsorbet'], ['laktosfri', 'ekologisk'], 'l', ['förp', 'krt']),
      ...group(['Pizzadeg', 'Dumplings', 'Fiskpinnar'], ['storpack', 'ekologisk'], 'kg', ['kg', 'förp']),
    ],
    priceRange: [2500, 29900],
  },
  {
    name: 'Drycker',
    vat: 'food',
    storage: 'ambient',
    items: [
      ...group(['Mineralvatten'], ['kolsyrad', 'naturell', 'citron'], 'l', ['fl', 'krt']),
      ...group(['Äppeljuice', 'Apelsinjuice'], ['ekologisk', 'med fruktkött', 'koncentrat'], 'l', [
        'l',
        'krt',
      ]),
      ...group(['Lingondricka', 'Fläderblomssaft'], ['koncentrat', 'ekologisk'], 'l', ['fl', 'l']),
      ...group(['Cola', 'Apelsinläsk'], ['sockerfri', 'original'], 'l', ['fl', 'krt']),
      ...group(['Alkoholfri cider', 'Alkoholfri öl'], ['päron', 'äpple'], 'l', ['fl', 'krt']),
      ...group(['Kaffe bryggmalet'], ['mörkrost', 'mellanrost', 'ekologisk'], 'kg', ['förp', 'krt']),
      ...group(['Te earl grey'], ['ekologisk', 'lösvikt'], 'st', ['förp']),
    ],
    priceRange: [900, 18900],
  },
  {
    name: 'Öl & vin',
    vat: 'alcohol',
    storage: 'ambient',
    items: [
      ...group(['Lager', 'IPA'], ['fat', 'flaska', 'burk'], 'l', ['fl', 'l', 'krt']),
      ...group(['Rött vin', 'Vitt vin', 'Mousserande vin'], ['flaska', 'bag-in-box'], 'l', ['fl', 'krt']),
      ...group(['Cider 4,5%'], ['päron', 'äpple'], 'l', ['fl', 'krt']),
    ],
    priceRange: [2900, 49900],
  },
  {
    name: 'Engångsartiklar',
    vat: 'standard',
    storage: 'ambient',
    items: [
      ...group(['Servetter'], ['vita', 'svarta', 'storpack'], 'st', ['förp', 'krt']),
      ...group(['Pappersmuggar', 'Sugrör papper', 'Take away-lådor'], ['komposterbara', 'storpack'], 'st', [
        'förp',
        'krt',
      ]),
      ...group(['Aluminiumfolie', 'Plastfilm'], ['storpack', 'bred'], 'st', ['st', 'krt']),
      ...group(['Handskar nitril'], ['stora', 'medium', 'små'], 'st', ['förp', 'krt']),
    ],
    priceRange: [1900, 39900],
  },
];

const PACK_SIZES: Record<Measure, number[]> = {
  kg: [0.5, 1, 2, 2.5, 5, 10],
  l: [0.5, 1, 1.5, 2, 5, 10],
  st: [6, 10, 12, 30, 50, 100],
};

/** The words the generator draws from, for search benchmarks that query what exists. */
export const vocabulary = () => ({
  categories: CATEGORIES.map((c) => ({
    name: c.name,
    items: c.items.map((i) => i.name),
    variants: [...new Set(c.items.flatMap((i) => i.variants))],
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
  const variant = random() < 0.8 ? ` ${pick(item.variants)}` : '';
  const size = random() < 0.6 ? ` ${pick(PACK_SIZES[item.measure])} ${item.measure}` : '';
  const [low, high] = category.priceRange;
  return {
    sku: `S${String(supplierNo).padStart(2, '0')}-${String(index).padStart(7, '0')}`,
    gtin: gtin13(`73${String(supplierNo).padStart(2, '0')}${String(index).padStart(8, '0')}`),
    name: `${item.name}${variant}${size}`,
    brand: pick(BRANDS),
    category: category.name,
    unit: pick(item.units),
    packSize: (1 + Math.floor(random() * 12)).toFixed(3),
    priceCents: low + Math.floor(random() * (high - low)),
    vatCategory: category.vat,
    stockQuantity: random() < 0.3 ? null : (Math.floor(random() * 500) * (random() < 0.1 ? 0 : 1)).toFixed(3),
    storage: category.storage,
    countryOfOrigin: pick(ORIGINS),
    active: random() > 0.02,
  };
}
