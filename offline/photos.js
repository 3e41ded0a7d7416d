// Photos on the phone: downscaled before they are queued, named by their SHA-256.
export const MAX_PHOTO_EDGE = 2048;  // longest side in pixels (README, "Photos")

export function toJpeg(canvas, quality) {
  return new Promise((resolve, reject) => {
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("encode"))), "image/jpeg", quality);
  });
}

// A HEIC/HEIF or AVIF photo (by its type, or by its name where the browser gives no type): formats a
// phone's browser may not decode (Chromium does not decode HEIC); the server converts them (webapp/images.py).
export const heifLike = (file) => ["image/heic", "image/heif", "image/avif"].includes(file.type)
  || /\.(heic|heif|avif)$/i.test(file.name || "");

// Downscale a picked file: a 12-megapixel photo becomes a few hundred kilobytes before it is queued.
export async function shrink(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch (err) {  // HEIC/AVIF this browser cannot decode: sent as it is
    if (heifLike(file)) { return file; }
    throw err;
  }
  const scale = Math.min(1, MAX_PHOTO_EDGE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return toJpeg(canvas, 0.85);
}

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
