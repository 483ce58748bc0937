/**
 * Width, height and page count of a PNG, JPEG or TIFF read from its header alone, so an image of 30,000 ×
 * 30,000 pixels is refused before a single pixel is decoded (a decompression bomb costs nothing to upload).
 */

export interface ImageHeader {
  width: number;
  height: number;
  pages: number;
}

function png(b: Buffer): ImageHeader | null {
  if (b.length < 24 || b.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20), pages: 1 };
}

/** Start-of-frame markers (baseline, progressive, lossless…), not DHT/JPG/DAC which share the range. */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function jpeg(b: Buffer): ImageHeader | null {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b.readUInt8(i + 1);
    if (marker === 0xff) {
      i += 1;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2;
      continue;
    }
    const length = b.readUInt16BE(i + 2);
    if (SOF.has(marker)) return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7), pages: 1 };
    if (marker === 0xda || length < 2) return null;
    i += 2 + length;
  }
  return null;
}

/** The largest page of a TIFF (every IFD), and how many there are; stops at a loop or 1,000 pages. */
function tiff(b: Buffer): ImageHeader | null {
  if (b.length < 8) return null;
  const le = b.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  let offset = u32(4);
  const seen = new Set<number>();
  let width = 0;
  let height = 0;
  let pages = 0;
  while (offset > 0 && offset + 2 <= b.length && !seen.has(offset) && pages < 1000) {
    seen.add(offset);
    const entries = u16(offset);
    if (offset + 2 + entries * 12 + 4 > b.length) return null;
    let w = 0;
    let h = 0;
    for (let k = 0; k < entries; k++) {
      const e = offset + 2 + k * 12;
      const tag = u16(e);
      const value = u16(e + 2) === 3 ? u16(e + 8) : u32(e + 8);
      if (tag === 256) w = value;
      if (tag === 257) h = value;
    }
    if (w * h > width * height) {
      width = w;
      height = h;
    }
    pages += 1;
    offset = u32(offset + 2 + entries * 12);
  }
  return pages > 0 && width > 0 && height > 0 ? { width, height, pages } : null;
}

export function readImageHeader(format: 'png' | 'jpeg' | 'tiff', bytes: Buffer): ImageHeader | null {
  try {
    if (format === 'png') return png(bytes);
    if (format === 'jpeg') return jpeg(bytes);
    return tiff(bytes);
  } catch {
    return null;
  }
}
