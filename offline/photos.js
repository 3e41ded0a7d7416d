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

// A picked file that is no photo the phone can use: code "damaged" (its first bytes name an image format, yet it
// cannot be decoded: a photo cut short by a full phone or a broken transfer), "empty" (0 bytes: a camera or a transfer
// that saved nothing, review r18), "pixels" (it states more pixels than the server takes, and the phone cannot open it),
// "unopened" (it states a size, the phone cannot open it, and does not know yet how many pixels the server takes),
// "strip" (over MAX_ASPECT times longer than wide), "small" (too few pixels to show anything: `size` says how many) or
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
// The fewest pixels the server takes on a photo's short side (webapp/images.py MIN_PHOTO_SIDE, in the reference data
// "photos"), 0 on a phone that has not pulled it yet: the server then refuses a thumbnail after the sync.
async function minSide() {
  const photos = await reference("photos").catch(() => null);
  return (photos && photos.min_side) || 0;
}
// The longest a picture may be against its width, either way: a phone's panorama is about 8:1, a light row cropped
// close about 10:1; a thinner strip shows no panel.
const MAX_ASPECT = 20;

// {width, height} as a PNG (its IHDR, RFC 2083 4.1.1) or a JPEG (its first SOFn segment, ITU T.81 B.2.2, within the
// first 256 KiB: EXIF comes before it) states them, else null.
async function statedSize(file, format) {
  if (format === "png") {
    const b = new DataView(await file.slice(16, 24).arrayBuffer());
    return b.byteLength === 8 ? { width: b.getUint32(0), height: b.getUint32(4) } : null;
  }
  if (format !== "jpeg") { return null; }
  const b = new Uint8Array(await file.slice(0, 1 << 18).arrayBuffer());
  for (let i = 2; i + 9 < b.length;) {
    if (b[i] !== 0xff) { return null; }
    const marker = b[i + 1];
    if (marker === 0xff) { i += 1; continue; }  // a fill byte
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {  // SOF0–15 but DHT, JPG, DAC
      return { height: (b[i + 5] << 8) | b[i + 6], width: (b[i + 7] << 8) | b[i + 8] };
    }
    i += 2 + ((b[i + 2] << 8) | b[i + 3]);
  }
  return null;
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
  if (Math.max(bitmap.width, bitmap.height) > MAX_ASPECT * Math.min(bitmap.width, bitmap.height)) {
    bitmap.close();  // a thin strip (review r58: 1×60000 drew a job page 700,000 pixels tall)
    throw new PhotoProblem("strip");
  }
  const scale = Math.min(1, MAX_PHOTO_EDGE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  if (Math.min(canvas.width, canvas.height) < await minSide()) {  // the copy sent, as the server checks it
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
