/** Input formats we decode, told apart by their magic numbers. */
export type InputFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'avif' | 'tiff';

/**
 * The format the bytes really are, or undefined for anything we refuse.
 * Only these formats ever reach libvips, so its other loaders (SVG, PDF, …) never see untrusted input.
 */
export function sniffFormat(bytes: Uint8Array): InputFormat | undefined {
  if (startsWith(bytes, 0, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWithText(bytes, 0, 'GIF87a') || startsWithText(bytes, 0, 'GIF89a')) return 'gif';
  if (startsWithText(bytes, 0, 'RIFF') && startsWithText(bytes, 8, 'WEBP')) return 'webp';
  if (startsWith(bytes, 0, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, 0, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (isAvif(bytes)) return 'avif';
  return undefined;
}

const AVIF_BRANDS = new Set(['avif', 'avis']);

/** An ISO-BMFF file whose 'ftyp' box lists an AVIF brand, as major or compatible brand. */
function isAvif(bytes: Uint8Array): boolean {
  if (bytes.length < 16 || !startsWithText(bytes, 4, 'ftyp')) return false;
  const boxSize = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  const boxEnd = Math.min(boxSize, bytes.length);
  if (AVIF_BRANDS.has(text(bytes, 8, 4))) return true;
  // Bytes 12..16 are the minor version; compatible brands follow.
  for (let offset = 16; offset + 4 <= boxEnd; offset += 4) {
    if (AVIF_BRANDS.has(text(bytes, offset, 4))) return true;
  }
  return false;
}

function startsWith(bytes: Uint8Array, offset: number, expected: readonly number[]): boolean {
  return bytes.length >= offset + expected.length && expected.every((byte, i) => bytes[offset + i] === byte);
}

function startsWithText(bytes: Uint8Array, offset: number, expected: string): boolean {
  return bytes.length >= offset + expected.length && text(bytes, offset, expected.length) === expected;
}

function text(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}
