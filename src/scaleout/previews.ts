import type { RgbImage } from '../engine/types.js';

/**
 * Preview images (at most 256 px: 196 KiB of RGB) go from the worker to the bot by Redis pub/sub, which keeps
 * nothing: in job.updateProgress they would be base64'd into the job's hash and into BullMQ's event stream, which
 * keeps its last 10 000 events, so a few busy jobs would hold gigabytes. They are sent only where a platform asked
 * for them (the job's previewIntervalMs), and one that is missed costs nothing: the next comes an interval later.
 *
 * A message: 4 bytes (big-endian) of header length, the header as JSON, then the pixels.
 */
export interface PreviewMessage {
  /** The BullMQ job id. */
  readonly jobKey: string;
  readonly preview: RgbImage;
}

export function encodePreview({ jobKey, preview }: PreviewMessage): Buffer {
  const header = Buffer.from(JSON.stringify({ jobKey, width: preview.width, height: preview.height }));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  const { data } = preview;
  return Buffer.concat([length, header, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

/** Undefined for a message that is not a preview easel sent. */
export function decodePreview(message: Buffer): PreviewMessage | undefined {
  try {
    const length = message.readUInt32BE(0);
    const header = JSON.parse(message.subarray(4, 4 + length).toString()) as Record<string, unknown>;
    const { jobKey, width, height } = header;
    const pixels = message.subarray(4 + length);
    if (typeof jobKey !== 'string' || typeof width !== 'number' || typeof height !== 'number') return undefined;
    if (pixels.length !== width * height * 3) return undefined;
    return { jobKey, preview: { width, height, data: new Uint8Array(pixels) } };
  } catch {
    return undefined;
  }
}
