import type { RawData } from 'ws';

/** A request field as text: absent is `fallback`; anything but a string shows as JSON, never "[object Object]". */
export function textField(value: unknown, fallback = ''): string {
  if (value === undefined || value === null) return fallback;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A WebSocket message as text: `ws` gives a Buffer, or fragments or an ArrayBuffer if its binaryType asks. */
export function frameText(raw: RawData): string {
  const bytes = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw);
  return bytes.toString('utf8');
}
