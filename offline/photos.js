// Photos on the phone: downscaled before they are queued, named by their SHA-256.
import { t } from "./i18n.js";
import { reference } from "./order-view.js";

export const MAX_PHOTO_EDGE = 2048;  // longest side in pixels (README, "Photos")

function encoded(canvas, type, quality) {
  return new Promise((resolve, reject) => {
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("encode"))), type, quality);
  });
}

export const toJpeg = (canvas, quality) => encoded(canvas, "image/jpeg", quality);

// The image format a file's first bytes name, or "": JPEG (SOI FF D8 FF, ITU T.81 B.2), PNG (its 8-byte signature,
// RFC 2083 3.1), GIF ("GIF87a"/"GIF89a"), WebP ("RIFF" then "WEBP" at byte 8, RFC 9649 2.5), BMP ("BM") and the
// ISO base media files HEIC, HEIF and AVIF ("ftyp" at byte 4, ISO/IEC 14496-12 4.3). Any other bytes are no photo.
export async function formatOf(file) {
  const b = new Uint8Array(await file.slice(0, 12).arrayBuffer());
  const text = (from, to) => String.fromCharCode(...b.slice(from, to));
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) { return "jpeg"; }
  if (text(0, 8) === "\x89PNG\r\n\x1a\n") { return "png"; }
  if (text(0, 4) === "GIF8") { return "gif"; }
  if (text(0, 4) === "RIFF" && text(8, 12) === "WEBP") { return "webp"; }
  if (text(4, 8) === "ftyp") { return "isobmff"; }
  if (text(0, 2) === "BM") { return "bmp"; }
  return "";
}

// A JPEG's header (ITU-T T.81 B.2), walked from SOI to the first scan (SOS) within the first JPEG_HEADER_BYTES: →
// {frame: its first SOFn's {width, height, components: [{h, v, table}]} (sampling factors across and down, quantization
// table id) or null, tables: Map of each quantization table's id to the sum of its 64 values (8- or 16-bit, by Pq,
// B.2.4.1), scanned: whether the walk reached the scan (false: cut short, or no JPEG a camera or an editor writes)}.
// Other segments (EXIF and its thumbnail's own JPEG, ICC profiles) are skipped by their length. As libjpeg reads a
// file (its next_marker), bytes between segments that are no marker are skipped, and so are fill bytes (FF) and markers
// that have no length (RSTn, SOI, TEM: B.1.1.3): review r61 found Chromium and Pillow reading such files, and the
// phone not.
const JPEG_FRAMES = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
const JPEG_HEADER_BYTES = 4 << 20;  // the first scan starts within this: EXIF, ICC profiles and the rest are far less
const lengthless = (marker) => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8);

async function jpegHeader(file) {
  const b = new Uint8Array(await file.slice(0, JPEG_HEADER_BYTES).arrayBuffer());
  const header = { frame: null, tables: new Map(), scanned: false };
  for (let at = 2; at + 1 < b.length;) {
    const marker = b[at + 1];
    if (b[at] !== 0xff || marker === 0xff || marker === 0x00) { at += 1; continue; }  // junk, a fill byte, FF 00
    if (lengthless(marker)) { at += 2; continue; }
    if (marker === 0xda || marker === 0xd9) { header.scanned = marker === 0xda; break; }
    const length = at + 3 < b.length ? (b[at + 2] << 8) | b[at + 3] : 0;
    if (length < 2 || at + 2 + length > b.length) { break; }
    const body = b.subarray(at + 4, at + 2 + length);
    for (let p = 0; marker === 0xdb && p < body.length;) {
      const size = 64 * ((body[p] >> 4) ? 2 : 1);
      if (p + 1 + size > body.length) { break; }
      let sum = 0;
      for (let i = 0; i < 64; i += 1) { sum += size > 64 ? (body[p + 1 + 2 * i] << 8) | body[p + 2 + 2 * i] : body[p + 1 + i]; }
      header.tables.set(body[p] & 15, sum);
      p += 1 + size;
    }
    if (JPEG_FRAMES.has(marker) && !header.frame && body.length >= 6 && body.length >= 6 + 3 * body[5]) {
      header.frame = { height: (body[1] << 8) | body[2], width: (body[3] << 8) | body[4],
        components: Array.from({ length: body[5] }, (_, i) => ({
          h: body[7 + 3 * i] >> 4, v: body[7 + 3 * i] & 15, table: body[8 + 3 * i] })) };
    }
    at += 2 + length;
  }
  return header;
}

// What a JPEG's own header says of its colour, read before the phone re-encodes it: the re-encoded copy's tables no
// longer say how coarsely the picked file kept colour, which the LED reader needs (webapp/led/checks.py source_jpeg,
// reader._coarse_chroma). → {side: the long side in pixels, chroma_block: 8 × the most the first component's sampling
// factors (across or down) exceed the second's (the size in pixels of a block of colour), chroma_table_sum: the sum of
// the second component's quantization table}, or null for a file with no such header (not a JPEG, greyscale, cut
// short, odd).
export async function jpegColour(file) {
  if ((await formatOf(file)) !== "jpeg") { return null; }
  const { frame, tables, scanned } = await jpegHeader(file);
  // No height in the frame header (a DNL segment gives it after the scan, T.81 B.2.5): no size to go by.
  if (!scanned || !frame || frame.components.length < 2 || !frame.width || !frame.height) { return null; }
  const [luma, colour] = frame.components;
  const sum = tables.get(colour.table);
  const sampled = (a, c) => c >= 1 && c <= a && a <= 4;
  if (!sampled(luma.h, colour.h) || !sampled(luma.v, colour.v) || !(sum >= 64)) { return null; }
  const block = 8 * Math.max(luma.h / colour.h, luma.v / colour.v);
  return { side: Math.max(frame.width, frame.height), chroma_block: block, chroma_table_sum: sum };
}

// What a lossy WebP's header says of its colour, read before the phone re-encodes it, as jpegColour for a JPEG: →
// {side: the long side in pixels, chroma_ac_step: the step its coarsest segment rounds colour by (RFC 6386 9.6, 14.1)},
// or null (lossless, not a WebP, cut short, odd). webapp/led/vp8.py reads the same on the server; the reader takes the
// step as webapp/led/reader.py _webp_coarseness does.
export async function webpColour(file) {
  if ((await formatOf(file)) !== "webp") { return null; }
  const frame = await vp8Chunk(file);
  if (!frame || frame.length < 10 || (frame[0] & 1) || frame[3] !== 0x9d || frame[4] !== 0x01 || frame[5] !== 0x2a) {
    return null;
  }
  if (frame.length > 10 && frame[10] === 0xff) { return null; }  // the decoder would start past its range (vp8.py)
  const width = (frame[6] | (frame[7] << 8)) & 0x3fff;
  const height = (frame[8] | (frame[9] << 8)) & 0x3fff;
  const steps = vp8ChromaSteps(frame);
  return width && height ? { side: Math.max(width, height), chroma_ac_step: Math.max(...steps) } : null;
}

// The colour of the file the technician picked, as the server is to know it: jpegColour or webpColour, else null.
export async function pickedColour(file) {
  return (await jpegColour(file)) || webpColour(file);
}

// The first 4 KB of a WebP file's first "VP8 " chunk (Uint8Array), or null (lossless "VP8L", none, cut short). Chunks
// are walked by their sizes, reading only their 8-byte headers (an ICC profile before the image may be larger than
// any fixed look-ahead, review r68); an animation's first frame is inside its first "ANMF", after 16 bytes of its own.
async function vp8Chunk(file) {
  const bytes = async (from, to) => new Uint8Array(await file.slice(from, to).arrayBuffer());
  let at = 12;
  let end = file.size;
  for (let n = 0; n < 64 && at + 8 <= end; n += 1) {
    const head = await bytes(at, at + 8);
    const kind = String.fromCharCode(...head.subarray(0, 4));
    const size = (head[4] | (head[5] << 8) | (head[6] << 16)) + head[7] * 2 ** 24;
    if (kind === "VP8 ") { return bytes(at + 8, Math.min(at + 8 + size, at + 8 + 4096)); }
    if (kind === "VP8L") { return null; }
    if (kind === "ANMF") {
      end = Math.min(end, at + 8 + size);
      at += 8 + 16;
    } else {
      at += 8 + size + (size & 1);
    }
  }
  return null;
}

// RFC 6386 14.1's AC steps by quantizer index.
const VP8_AC_STEPS = [
  4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34,
  35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 60, 62, 64, 66, 68,
  70, 72, 74, 76, 78, 80, 82, 84, 86, 88, 90, 92, 94, 96, 98, 100, 102, 104, 106, 108, 110, 112, 114, 116, 119, 122,
  125, 128, 131, 134, 137, 140, 143, 146, 149, 152, 155, 158, 161, 164, 167, 170, 173, 177, 181, 185, 189, 193, 197,
  201, 205, 209, 213, 217, 221, 225, 229, 234, 239, 245, 249, 254, 259, 264, 269, 274, 279, 284];

// The chroma AC steps of a VP8 key frame `frame` (bytes): one per segment given a quantizer, else the frame's. Its
// header is read with RFC 6386 7.3's boolean decoder as far as the quantizer indices (9.2-9.6, 19.2).
function vp8ChromaSteps(frame) {
  let at = 10;
  const byte = () => (at < frame.length ? frame[at++] : 0);  // past the end: zeros (7.3)
  let value = (byte() << 8) | byte();
  let range = 255;
  let bits = 0;
  const bool = (probability = 128) => {
    const split = 1 + (((range - 1) * probability) >> 8);
    let bit = 0;
    if (value >= split << 8) { bit = 1; range -= split; value -= split << 8; } else { range = split; }
    while (range < 128) {
      value <<= 1; range <<= 1; bits += 1;
      if (bits === 8) { bits = 0; value |= byte(); }
    }
    return bit;
  };
  const literal = (n) => { let number = 0; for (let i = 0; i < n; i += 1) { number = (number << 1) | bool(); } return number; };
  const signed = (n) => { if (!bool()) { return 0; } const m = literal(n); return bool() ? -m : m; };
  literal(2);  // colour space, clamping
  let segments = [];
  let absolute = false;
  if (bool()) {  // segmentation
    const updateMap = bool();
    if (bool()) {  // segment data
      absolute = Boolean(bool());
      segments = [0, 1, 2, 3].map(() => signed(7));
      for (let i = 0; i < 4; i += 1) { signed(6); }
    }
    if (updateMap) { for (let i = 0; i < 3; i += 1) { if (bool()) { literal(8); } } }
  }
  literal(10);  // filter type, level, sharpness
  if (bool() && bool()) { for (let i = 0; i < 8; i += 1) { signed(6); } }  // loop filter deltas
  literal(2);  // DCT partitions
  const yAc = literal(7);
  for (let i = 0; i < 4; i += 1) { signed(4); }  // y_dc, y2_dc, y2_ac, uv_dc
  const uvAc = signed(4);
  const bases = segments.length ? segments.map((q) => (absolute ? q : yAc + q)) : [yAc];
  return bases.map((q) => VP8_AC_STEPS[Math.min(127, Math.max(0, q + uvAc))]);
}

// A picked file that is no photo the phone can use: code "damaged" (its first bytes name an image format, yet it
// cannot be decoded: a photo cut short by a full phone or a broken transfer), "empty" (0 bytes: a camera or a transfer
// that saved nothing, review r18), "pixels" (it states more pixels than the server takes, and the phone cannot open it),
// "unopened" (it states a size, the phone cannot open it, and does not know yet how many pixels the server takes),
// "strip" (over MAX_ASPECT times longer than wide, webapp/images.py), "small" (too few pixels to show anything: `size` says how many) or
// "unreadable" (not a photo at all).
export class PhotoProblem extends Error {
  constructor(code, size) { super(code); this.code = code; this.size = size; }
}

// The sentence for a file shrunk() refused (review r15: a photo cut short was called "not a photo").
export const problemWords = (err) => (err && err.code === "damaged"
  ? t("This photo is damaged or was not saved completely: take it again, or choose another.")
  : err && err.code === "pixels" ? t("The photo has too many pixels: set the phone's camera to its 12-megapixel mode and take it again.")
  : err && err.code === "unopened" ? t("The phone cannot open this photo: it is damaged, or has too many pixels. Take it again with the phone's camera in its 12-megapixel mode, or choose another.")
  : err && err.code === "strip" ? t("This picture is a thin strip, not a photo of a panel: take a photo, or choose another.")
  : err && err.code === "empty" ? t("The photo file is empty (0 bytes); take it again.")
  : err && err.code === "small" ? t("The photo is too small to show anything (%(width)d × %(height)d pixels): it is a thumbnail or an icon. Take it with the phone's camera, or choose the original photo.", err.size)
    : t("This file is not a photo the phone can read."));

// How much (0–1) of what `canvas` holds shows nothing: 1 − its mean alpha / 255 (webapp/images.py
// see_through_share). A JPEG has no alpha: the browser writes a see-through pixel as black, so a cut-out became a
// black photo the LED reader read as a dark panel (reviews r13, r14); one with any transparency is kept as PNG.
export function seeThroughShare(canvas) {
  const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  let alpha = 0;
  for (let i = 3; i < data.length; i += 4) { alpha += data[i]; }
  return data.length ? 1 - alpha / (255 * (data.length / 4)) : 0;
}

// A HEIC/HEIF or AVIF file as the server is to take it, typed by its brand (ISO/IEC 14496-12 4.3, the brand at bytes
// 8–11: "avif"/"avis" for AVIF, else HEIF's), not by its name: a chat app saves a HEIC as .jpg (review r16).
async function asItIs(file) {
  const brand = String.fromCharCode(...new Uint8Array(await file.slice(8, 12).arrayBuffer()));
  return new Blob([file], { type: ["avif", "avis"].includes(brand) ? "image/avif" : "image/heic" });
}

// The most pixels the server takes in a file of `format` (webapp/images.py MAX_JPEG_PIXELS for a JPEG, which it decodes
// at half size, else MAX_PIXELS; sent in the reference data "photos"), else null: a phone that has not pulled it since
// the server began sending it. A file stating more that the phone cannot open is "too many pixels" (a camera's
// high-resolution mode), not damaged; a 48-MP JPEG cut short is damaged (review r59: it was said to have too many).
async function maxPixels(format) {
  const photos = await reference("photos").catch(() => null);
  const limit = photos && (format === "jpeg" ? photos.max_jpeg_pixels : photos.max_pixels);
  return limit || null;
}
// The server's limits on a photo's shape (webapp/images.py, in the reference data "photos", which comes with the jobs):
// the fewest pixels on its short side (MIN_PHOTO_SIDE) and the most times longer than wide (MAX_ASPECT). → {minSide,
// maxAspect}. A phone that has not pulled them yet knows no minimum (the server refuses a thumbnail after the sync),
// and takes the aspect the server had when this app was written (review r58: a 1×60000 picture drew a page 700,000
// pixels tall; tests/test_small_photos.py holds the two equal).
const MAX_ASPECT = 20;
async function shapeLimits() {
  const photos = await reference("photos").catch(() => null);
  return { minSide: (photos && photos.min_side) || 0, maxAspect: (photos && photos.max_aspect) || MAX_ASPECT };
}

// {width, height} as a PNG (its IHDR, RFC 2083 4.1.1) or a JPEG (its first SOFn segment, jpegHeader) states them,
// else null.
async function statedSize(file, format) {
  if (format === "png") {
    const b = new DataView(await file.slice(16, 24).arrayBuffer());
    return b.byteLength === 8 ? { width: b.getUint32(0), height: b.getUint32(4) } : null;
  }
  const frame = format === "jpeg" ? (await jpegHeader(file)).frame : null;
  return frame && { width: frame.width, height: frame.height };
}

// The PhotoProblem code of a file of `format` ("" for none) the phone could not open. One that states a size is damaged
// or has too many pixels; without the server's limit the phone cannot tell which, and says both.
async function unopenedProblem(file, format) {
  const size = await statedSize(file, format).catch(() => null);
  if (!size) { return format ? "damaged" : "unreadable"; }
  const limit = await maxPixels(format);
  if (limit === null) { return "unopened"; }
  return size.width * size.height > limit ? "pixels" : "damaged";
}

// Whether the phone itself cannot show `blob`: a HEIC or AVIF kept as it is (shrunk() keeps only what it could not decode).
const undecoded = (blob) => ["image/heic", "image/heif", "image/avif"].includes(blob.type);

// Downscale a picked file: a 12-megapixel photo becomes a JPEG of a few hundred kilobytes before it is queued; an
// image with any transparency stays PNG. → {blob, seeThrough: share 0–1, null for a HEIC/AVIF sent as it is}.
// Throws PhotoProblem for a file that is no usable photo; a file named .heic whose bytes are not HEIC is one (review
// r15: a text file named .heic was queued, and refused only after the sync). HEIC bytes under any name are sent.
export async function shrunk(file) {
  if (!file.size) { throw new PhotoProblem("empty"); }
  const format = await formatOf(file);
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch (err) {  // HEIC/AVIF this browser cannot decode: sent as it is, the server converts it
    if (format === "isobmff") { return { blob: await asItIs(file), seeThrough: null }; }
    // One the phone cannot open for its size is not damaged (review r58: a whole 30000×30000 PNG was called so).
    throw new PhotoProblem(await unopenedProblem(file, format));
  }
  const limits = await shapeLimits();
  const scale = Math.min(1, MAX_PHOTO_EDGE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  // The copy sent, as the server checks it (review r61: 4100×205 is 20:1, its copy 2048×102 is not, and was refused
  // after the sync).
  // One pixel of rounding allowed, as the server's images.too_thin: a 20:1 picture shrunk to 2048 is 2048×102.
  if (Math.max(canvas.width, canvas.height) > limits.maxAspect * (Math.min(canvas.width, canvas.height) + 1)) {
    bitmap.close();  // a thin strip (review r58: 1×60000 drew a job page 700,000 pixels tall)
    throw new PhotoProblem("strip");
  }
  if (Math.min(canvas.width, canvas.height) < limits.minSide) {
    bitmap.close();  // a thumbnail or an icon (a 1×1 PNG was taken as a job photo)
    throw new PhotoProblem("small", { width: canvas.width, height: canvas.height });
  }
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  // A JPEG (by its own bytes, not its type: the browser takes that from the name, and chat apps name every picture
  // .jpg, review r15) holds no transparency; any other image may (a screenshot, a cut-out, an editor's canvas).
  const seeThrough = format === "jpeg" ? 0 : seeThroughShare(canvas);
  return { blob: await (seeThrough > 0 ? encoded(canvas, "image/png") : toJpeg(canvas, 0.85)), seeThrough };
}

export const shrink = async (file) => (await shrunk(file)).blob;

// Hex SHA-256 of a blob.
export async function sha256(blob) {
  const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => (b + 256).toString(16).slice(1)).join("");
}

// Where a photo can be shown from: the phone's own copy if it still has it and can show it, else the server (which
// shows a HEIC converted to JPEG once it arrived: review r16, the phone's HEIC showed as a broken image).
// `waiting`: a copy the phone cannot show that has not reached the server yet (nothing to show until it has; asked
// before, the server's 404 stayed on screen after the sync: review r17).
export async function photoSrc(db, sha, serverSha) {
  const held = await db.get("blobs", sha);
  const own = held && held.blob && !undecoded(held.blob);
  const waiting = Boolean(held && held.blob && !own && held.state !== "uploaded");
  return { held, waiting, src: own ? URL.createObjectURL(held.blob) : `/api/blobs/${serverSha || sha}` };
}
