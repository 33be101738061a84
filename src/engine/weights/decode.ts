import type { StoredAs } from './manifest.js';

/**
 * Turns a float32 weight's stored bytes into values, undoing tfjs converter quantization.
 * Byte order is the host's, as in tfjs itself (every platform Node runs on is little-endian).
 */
export function decodeFloat32(bytes: Uint8Array, storedAs: StoredAs): Float32Array {
  switch (storedAs.kind) {
    case 'raw':
      return viewAs(bytes, Float32Array);
    case 'uint8':
      return dequantize(bytes, storedAs.scale, storedAs.min);
    case 'uint16':
      return dequantize(viewAs(bytes, Uint16Array), storedAs.scale, storedAs.min);
    case 'float16':
      return Float32Array.from(viewAs(bytes, Uint16Array), halfToFloat);
  }
}

interface TypedArrayClass<T> {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

function viewAs<T>(bytes: Uint8Array, type: TypedArrayClass<T>): T {
  const aligned = bytes.byteOffset % type.BYTES_PER_ELEMENT === 0 ? bytes : bytes.slice();
  return new type(aligned.buffer, aligned.byteOffset, aligned.byteLength / type.BYTES_PER_ELEMENT);
}

function dequantize(values: Uint8Array | Uint16Array, scale: number, min: number): Float32Array {
  return Float32Array.from(values, (q) => q * scale + min);
}

function halfToFloat(half: number): number {
  const sign = half & 0x8000 ? -1 : 1;
  const exponent = (half >> 10) & 0x1f;
  const fraction = half & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
