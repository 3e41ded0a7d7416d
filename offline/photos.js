// Photos on the phone: downscaled before they are queued, named by their SHA-256.
export const MAX_PHOTO_EDGE = 2048;  // longest side in pixels (README, "Photos")

function encoded(canvas, type, quality) {
  return new Promise((resolve, reject) => {
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("encode"))), type, quality);
  });
}

export const toJpeg = (canvas, quality) => encoded(canvas, "image/jpeg", quality);

// Whether a file is a JPEG by its own first bytes (SOI marker FF D8 FF, ITU T.81 B.2): a camera's JPEG holds no
// transparency, every other image may (a screenshot, a cut-out, an editor's canvas). Not by its type: the browser
// takes that from the file's name, and chat apps and galleries name every picture .jpg (review r15).
async function isJpeg(file) {
  const head = new Uint8Array(await file.slice(0, 3).arrayBuffer());
  return head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
}

// How much (0–1) of what `canvas` holds shows nothing: 1 − its mean alpha / 255 (webapp/images.py
// see_through_share). A JPEG has no alpha: the browser writes a see-through pixel as black, so a cut-out became a
// black photo the LED reader read as a dark panel (reviews r13, r14); one with any transparency is kept as PNG.
export function seeThroughShare(canvas) {
  const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  let alpha = 0;
  for (let i = 3; i < data.length; i += 4) { alpha += data[i]; }
  return data.length ? 1 - alpha / (255 * (data.length / 4)) : 0;
}

// A HEIC/HEIF or AVIF photo (by its type, or by its name where the browser gives no type): formats a
// phone's browser may not decode (Chromium does not decode HEIC); the server converts them (webapp/images.py).
export const heifLike = (file) => ["image/heic", "image/heif", "image/avif"].includes(file.type)
  || /\.(heic|heif|avif)$/i.test(file.name || "");

// Downscale a picked file: a 12-megapixel photo becomes a JPEG of a few hundred kilobytes before it is queued; an
// image with any transparency stays PNG. → {blob, seeThrough: share 0–1, null for a HEIC/AVIF sent as it is}.
export async function shrunk(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch (err) {  // HEIC/AVIF this browser cannot decode: sent as it is
    if (heifLike(file)) { return { blob: file, seeThrough: null }; }
    throw err;
  }
  const scale = Math.min(1, MAX_PHOTO_EDGE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const seeThrough = await isJpeg(file) ? 0 : seeThroughShare(canvas);
  return { blob: await (seeThrough > 0 ? encoded(canvas, "image/png") : toJpeg(canvas, 0.85)), seeThrough };
}

export const shrink = async (file) => (await shrunk(file)).blob;

// Hex SHA-256 of a blob.
export async function sha256(blob) {
  const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => (b + 256).toString(16).slice(1)).join("");
}

// Where a photo can be shown from: the phone's own copy if it still has it, else the server.
export async function photoSrc(db, sha, serverSha) {
  const held = await db.get("blobs", sha);
  return { held, src: held && held.blob ? URL.createObjectURL(held.blob) : `/api/blobs/${serverSha || sha}` };
}
