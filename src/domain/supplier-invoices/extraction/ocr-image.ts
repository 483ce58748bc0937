import { createCanvas, loadImage } from '@napi-rs/canvas';

/**
 * A page image made cheaper for Tesseract before it is read: decoded once by Skia (native, unlike the
 * WebAssembly decoder inside tesseract.js), turned grey, cut to the printed area (an empty margin still costs
 * layout analysis) and, when it is larger than OCR needs, scaled down. Handed over as an uncompressed PGM, which
 * Tesseract reads without decoding work.
 */

export interface OcrImageSettings {
  /** Scale pages wider than this many pixels down to it (A4 at 150 dpi is 1240 px wide); 0 keeps the size. */
  maxWidth: number;
  /** Cut empty margins (anything lighter than the paper threshold) down to a small border. */
  crop: boolean;
}

/** Brighter than this is paper (0–255): scan noise and JPEG ringing stay below white. */
const PAPER = 200;
/** Border left around the printed area, in pixels: Tesseract finds no text that touches the edge. */
const BORDER = 12;

function greyOf(rgba: Uint8ClampedArray, pixels: number): Uint8Array {
  const grey = new Uint8Array(pixels);
  for (let i = 0, p = 0; p < pixels; i += 4, p++) {
    grey[p] = ((rgba[i] ?? 255) * 77 + (rgba[i + 1] ?? 255) * 150 + (rgba[i + 2] ?? 255) * 29) >> 8;
  }
  return grey;
}

/** The rows and columns that hold ink: a few dark pixels in a row (not one speck) make it printed. */
function inkBox(grey: Uint8Array, width: number, height: number) {
  const minInk = Math.max(2, Math.round(width / 400));
  let top = height;
  let bottom = -1;
  const columns = new Uint32Array(width);
  for (let y = 0; y < height; y++) {
    let dark = 0;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if ((grey[row + x] ?? 255) < PAPER) {
        dark++;
        columns[x] = (columns[x] ?? 0) + 1;
      }
    }
    if (dark >= minInk) {
      top = Math.min(top, y);
      bottom = y;
    }
  }
  const minColumn = Math.max(2, Math.round(height / 400));
  let left = columns.findIndex((c) => c >= minColumn);
  let right = width - 1 - [...columns].reverse().findIndex((c) => c >= minColumn);
  if (bottom < 0 || left < 0) return { x: 0, y: 0, width, height };
  top = Math.max(0, top - BORDER);
  left = Math.max(0, left - BORDER);
  bottom = Math.min(height - 1, bottom + BORDER);
  right = Math.min(width - 1, right + BORDER);
  return { x: left, y: top, width: right - left + 1, height: bottom - top + 1 };
}

/** The image bytes cannot be decoded: no retry helps. */
export class ImageUndecodable extends Error {
  constructor(cause: unknown) {
    super(
      `The image cannot be decoded: ${String(cause instanceof Error ? cause.message : cause).slice(0, 200)}`,
    );
    this.name = 'ImageUndecodable';
  }
}

/** Skia decodes PNG and JPEG; a TIFF (multi-page, fax codecs) goes to Tesseract's own decoder as it is. */
const skiaDecodes = (image: Buffer) =>
  image.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])) ||
  image.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]));

export async function prepareForOcr(image: Buffer, settings: OcrImageSettings): Promise<Buffer> {
  if (!skiaDecodes(image)) return image;
  const decoded = await loadImage(image).catch((err: unknown) => {
    throw new ImageUndecodable(err);
  });
  const scale =
    settings.maxWidth > 0 && decoded.width > settings.maxWidth ? settings.maxWidth / decoded.width : 1;
  const width = Math.max(1, Math.round(decoded.width * scale));
  const height = Math.max(1, Math.round(decoded.height * scale));
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  context.drawImage(decoded, 0, 0, width, height);
  const grey = greyOf(context.getImageData(0, 0, width, height).data, width * height);
  const box = settings.crop ? inkBox(grey, width, height) : { x: 0, y: 0, width, height };
  const header = Buffer.from(`P5\n${box.width} ${box.height}\n255\n`, 'ascii');
  const body = Buffer.alloc(box.width * box.height);
  for (let y = 0; y < box.height; y++) {
    const from = (box.y + y) * width + box.x;
    body.set(grey.subarray(from, from + box.width), y * box.width);
  }
  return Buffer.concat([header, body]);
}
