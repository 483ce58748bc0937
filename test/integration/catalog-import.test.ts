import { sql } from 'drizzle-orm';
import { unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import writeXlsxFile from 'write-excel-file/node';
import { queryRows } from '../../src/db/rows.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';

const CSV = 'text/csv';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const MAX_BYTES = 64 * 1024;
const MAX_UNPACKED = 1024 * 1024;

let ctx: TestContext;
let supplierUser: TestUser;
let otherSupplierUser: TestUser;
let chef: TestUser;
let supplierId: string;

type Detail = { path: string; message: string; row?: number; column?: string };
type Product = Record<string, unknown> & { sku: string };

function upload(
  body: Buffer | string,
  contentType: string,
  user: TestUser = supplierUser,
  supplier = supplierId,
) {
  return ctx.app.inject({
    method: 'POST',
    url: `/api/v1/products/import?supplier_id=${supplier}`,
    headers: { ...user.headers, 'content-type': contentType },
    payload: body,
  });
}

async function catalog(): Promise<Map<string, Product>> {
  const res = await ctx.app.inject({
    method: 'GET',
    url: `/api/v1/products?supplier_id=${supplierId}&limit=200`,
    headers: supplierUser.headers,
  });
  return new Map((res.json().data as Product[]).map((p) => [p.sku, p]));
}

async function productCount(): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    ctx.database.db,
    sql`SELECT count(*)::int AS n FROM products WHERE supplier_id = ${supplierId} AND deleted_at IS NULL`,
  );
  return row?.n ?? 0;
}

const csvLines = (...lines: string[]) => lines.join('\r\n') + '\r\n';

beforeAll(async () => {
  ctx = await createTestContext({
    CATALOG_IMPORT_MAX_BYTES: String(MAX_BYTES),
    CATALOG_IMPORT_MAX_UNPACKED_BYTES: String(MAX_UNPACKED),
  });
  const db = ctx.database.db;
  supplierUser = await createUser(db, ctx.config, 'SUPPLIER');
  otherSupplierUser = await createUser(db, ctx.config, 'SUPPLIER');
  chef = await createUser(db, ctx.config, 'RESTAURANT');
  supplierId = await createOrg(db, 'supplier', 'Kalkyl Grossist AB', [{ user: supplierUser, role: 'owner' }]);
  await createOrg(db, 'supplier', 'Annan Kalkyl AB', [{ user: otherSupplierUser, role: 'owner' }]);
});
afterAll(() => ctx.close());

describe('CSV import', () => {
  it('reads a Swedish Excel CSV: BOM, ";" separators, decimal commas and Swedish words', async () => {
    const file = csvLines(
      'Artikelnummer;Benämning;Varumärke;Kategori;Enhet;Förpackningsstorlek;Pris (kr);Moms;Lagersaldo;Aktiv;Förvaring;Ursprungsland;EAN',
      'CSV-1;Kycklingfilé färsk;Kronfågel;Kött & fågel;Kg;2,5;129,50;livsmedel;1 234,5;ja;kyld;se;7310000000010',
      'CSV-2;"Grädde 36%; laktosfri";Arla;Mejeri;FÖRP;;12,5 kr;Livsmedel;;nej;Kylvara;;',
      ';;;;;;;;;;;;',
      'CSV-3;Whisky;Diageo;Dryck;fl;0,7;499;alkohol;0;1;rumstemperatur;GB;',
    );
    const res = await upload(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(file, 'utf8')]),
      CSV,
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: 3, updated: 0 });
    const products = await catalog();
    expect(products.get('CSV-1')).toMatchObject({
      name: 'Kycklingfilé färsk',
      brand: 'Kronfågel',
      category: 'Kött & fågel',
      unit: 'kg',
      pack_size: 2.5,
      price_cents: 12950,
      vat_category: 'food',
      stock_quantity: 1234.5,
      active: true,
      storage: 'chilled',
      country_of_origin: 'SE',
      gtin: '7310000000010',
    });
    expect(products.get('CSV-2')).toMatchObject({
      name: 'Grädde 36%; laktosfri',
      unit: 'förp',
      pack_size: null,
      price_cents: 1250,
      active: false,
      storage: 'chilled',
      gtin: null,
    });
    expect(products.get('CSV-3')).toMatchObject({
      price_cents: 49900,
      vat_category: 'alcohol',
      storage: 'ambient',
    });
  });

  it('reads Windows-1252 without a charset, or as the charset says', async () => {
    const file = csvLines(
      'sku;namn;kategori;enhet;pris;moms',
      'W-1;Rökt lax;Fisk & skaldjur;kg;289,00;livsmedel',
    );
    const guessed = await upload(Buffer.from(file, 'latin1'), CSV);
    expect(guessed.statusCode, guessed.body).toBe(200);
    expect((await catalog()).get('W-1')).toMatchObject({ name: 'Rökt lax', category: 'Fisk & skaldjur' });

    const named = await upload(
      Buffer.from(file.replace('Rökt lax', 'Gravad lax'), 'latin1'),
      `${CSV}; charset=windows-1252`,
    );
    expect(named.statusCode, named.body).toBe(200);
    expect(named.json()).toMatchObject({ created: 0, updated: 1 });
    expect((await catalog()).get('W-1')).toMatchObject({ name: 'Gravad lax' });
  });

  it('reads English headings, "," separators and quoted fields; a second upload updates by SKU', async () => {
    const file = csvLines(
      'sku,name,category,unit,price_cents,vat_category,description,image_urls',
      'EN-1,"Olive oil, extra virgin",Pantry,l,8900,food,"Cold-pressed, 1 l","https://img.example/a.jpg https://img.example/b.jpg"',
    );
    const first = await upload(file, CSV);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ created: 1, updated: 0 });
    const second = await upload(file.replace('8900', '9400'), CSV);
    expect(second.json()).toMatchObject({ created: 0, updated: 1 });
    const product = (await catalog()).get('EN-1');
    expect(product).toMatchObject({
      name: 'Olive oil, extra virgin',
      description: 'Cold-pressed, 1 l',
      price_cents: 9400,
      image_urls: ['https://img.example/a.jpg', 'https://img.example/b.jpg'],
    });
    const prices = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/products/${String(product?.id)}/prices`,
      headers: supplierUser.headers,
    });
    expect(prices.json().data.map((p: { price_cents: number }) => p.price_cents)).toEqual([9400, 8900]);
  });

  it('reports every bad cell with its row and column heading, and writes nothing', async () => {
    const before = await productCount();
    const file = csvLines(
      'Artikelnummer;Namn;Kategori;Enhet;Pris;Moms;Aktiv',
      'BAD-1;Gurka;Grönsaker;st;tolv;livsmedel;ja',
      'BAD-2;;Grönsaker;låda;9,90;livsmedel;kanske',
      'BAD-1;Tomat;Grönsaker;kg;12,345;mat;ja',
      'BAD-4;Paprika;Grönsaker;kg;0;livsmedel;ja',
    );
    const res = await upload(file, CSV);
    expect(res.statusCode, res.body).toBe(422);
    const body = res.json();
    expect(body.code).toBe('BULK_VALIDATION_FAILED');
    expect(body.message).toBe('4 product row(s) are invalid; nothing was written');
    const details = (body.details as Detail[]).map(({ row, column, path }) => ({ row, column, path }));
    expect(details).toEqual([
      { row: 2, column: 'Pris', path: 'rows.2.price_cents' },
      { row: 3, column: 'Enhet', path: 'rows.3.unit' },
      { row: 3, column: 'Aktiv', path: 'rows.3.active' },
      { row: 3, column: 'Namn', path: 'rows.3.name' },
      { row: 4, column: 'Pris', path: 'rows.4.price_cents' },
      { row: 4, column: 'Artikelnummer', path: 'rows.4.sku' },
      { row: 5, column: 'Pris', path: 'rows.5.price_cents' },
    ]);
    const messages = (body.details as Detail[]).map((d) => d.message);
    expect(messages[0]).toBe('"tolv" is not a number');
    expect(messages[4]).toBe('a price in kronor has at most 2 decimals');
    expect(messages[5]).toBe('duplicates row 2');
    expect(await productCount()).toBe(before);
  });

  it('refuses unknown, repeated and missing columns, and files without products', async () => {
    const unknown = await upload(
      csvLines('sku;namn;kategori;enhet;pris;moms;färg;pris öre', 'X;Y;Z;kg;1;food;röd;100'),
      CSV,
    );
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ code: 'IMPORT_FILE_INVALID' });
    expect((unknown.json().details as Detail[]).map((d) => [d.column, d.message])).toEqual([
      ['färg', 'unknown column (see the column mapping)'],
      ['pris öre', 'says the same as column "pris"'],
    ]);

    const missing = await upload(csvLines('sku;namn;enhet', 'X;Y;kg'), CSV);
    expect(missing.statusCode).toBe(422);
    expect((missing.json().details as Detail[]).map((d) => d.path)).toEqual([
      'columns.category',
      'columns.vat_category',
      'columns.price',
    ]);

    const headerOnly = await upload(csvLines('sku;namn;kategori;enhet;pris;moms'), CSV);
    expect(headerOnly.json()).toMatchObject({
      code: 'IMPORT_FILE_INVALID',
      message: 'The file has a header row but no products',
    });
    const empty = await upload(Buffer.alloc(0), CSV);
    expect(empty.statusCode).toBe(422);
    const broken = await upload(csvLines('sku;namn', '"X;Y'), CSV);
    expect(broken.json()).toMatchObject({ code: 'IMPORT_FILE_INVALID' });
  });

  it('limits a file to 1,000 products (422) and CATALOG_IMPORT_MAX_BYTES (413)', async () => {
    const rows = Array.from({ length: 1001 }, (_, i) => `M-${i};Vara ${i};Övrigt;st;1;food`);
    const many = await upload(csvLines('sku;namn;kategori;enhet;pris;moms', ...rows), CSV);
    expect(many.statusCode).toBe(422);
    expect(many.json()).toMatchObject({
      code: 'IMPORT_FILE_INVALID',
      message: 'A file holds at most 1000 products; this one has 1001',
    });
    const large = await upload(Buffer.alloc(MAX_BYTES + 1, 'a'), CSV);
    expect(large.statusCode).toBe(413);
    expect(large.json().code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('XLSX import', () => {
  const header = ['Artikelnummer', 'Namn', 'Kategori', 'Enhet', 'Pris', 'Moms', 'EAN', 'Lagersaldo'];

  it('reads the first sheet: number cells, text cells with decimal commas, a GTIN typed as a number', async () => {
    const file = await writeXlsxFile([
      header.map((value) => ({ value, fontWeight: 'bold' as const })),
      ['X-1', 'Smör normalsaltat', 'Mejeri', 'förp', 54.9, 'livsmedel', 7310865004703, 12],
      ['X-2', 'Rapsolja', 'Skafferi', 'l', '39,90', 'food', null, '2,5'],
      ['X-3', 'UPC-vara', 'Skafferi', 'st', 10, 'standard', 36000291452, null],
    ]).toBuffer();
    const res = await upload(file, XLSX);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: 3 });
    const products = await catalog();
    expect(products.get('X-1')).toMatchObject({
      price_cents: 5490,
      gtin: '7310865004703',
      stock_quantity: 12,
    });
    expect(products.get('X-2')).toMatchObject({ price_cents: 3990, gtin: null, stock_quantity: 2.5 });
    expect(products.get('X-3')).toMatchObject({ gtin: '036000291452', vat_category: 'standard' });
  });

  it('reports bad rows by spreadsheet row and column', async () => {
    const file = await writeXlsxFile([
      header,
      ['X-9', 'Bra', 'Mejeri', 'kg', 10.005, 'food', 1234567, 1],
    ]).toBuffer();
    const res = await upload(file, XLSX);
    expect(res.statusCode).toBe(422);
    expect((res.json().details as Detail[]).map(({ row, column }) => [row, column])).toEqual([
      [2, 'Pris'],
      [2, 'EAN'],
    ]);
  });

  it('refuses a zip bomb by what it unpacks to, and files that are not workbooks', async () => {
    const parts = unzipSync(
      await writeXlsxFile([header, ['B-1', 'Bomb', 'X', 'kg', 1, 'food', null, null]]).toBuffer(),
    );
    const bomb = zipSync({ ...parts, 'xl/padding.xml': new Uint8Array(MAX_UNPACKED + 1) }, { level: 9 });
    expect(bomb.length).toBeLessThan(MAX_BYTES);
    const res = await upload(Buffer.from(bomb), XLSX);
    expect(res.statusCode).toBe(413);
    expect(res.json().message).toBe(`The spreadsheet unpacks to more than ${MAX_UNPACKED} bytes`);

    // A directory that understates the sizes: each part is unpacked to its declared size only, so this one is cut off.
    const lying = Buffer.from(
      zipSync({ ...parts, 'xl/worksheets/sheet1.xml': new Uint8Array(10 * MAX_UNPACKED) }, { level: 9 }),
    );
    const entry = lying.indexOf(
      Buffer.from('xl/worksheets/sheet1.xml'),
      lying.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) - 200,
    );
    expect(entry).toBeGreaterThan(0);
    lying.writeUInt32LE(100, entry - 46 + 24);
    const cut = await upload(lying, XLSX);
    expect(cut.statusCode).toBe(422);
    expect(cut.json().code).toBe('IMPORT_FILE_INVALID');

    const notZip = await upload(Buffer.from('not a workbook'), XLSX);
    expect(notZip.statusCode).toBe(422);
    expect(notZip.json().message).toBe('The file is not a readable XLSX workbook');
  });
});

describe('who may import, and how', () => {
  it('refuses other media types, restaurants and other suppliers', async () => {
    const file = csvLines('sku;namn;kategori;enhet;pris;moms', 'R-1;Vara;Övrigt;st;1;food');
    const json = await upload(JSON.stringify({ rows: [] }), 'application/json');
    expect(json.statusCode).toBe(415);
    const text = await upload(file, 'text/plain');
    expect(text.statusCode).toBe(415);
    const restaurant = await upload(file, CSV, chef);
    expect(restaurant.statusCode).toBe(403);
    const other = await upload(file, CSV, otherSupplierUser);
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe('SUPPLIER_NOT_FOUND');
    const noSupplier = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/products/import',
      headers: { ...supplierUser.headers, 'content-type': CSV },
      payload: file,
    });
    expect(noSupplier.statusCode).toBe(400);
  });
});
