import { basename } from 'node:path';
import { UserError } from '../errors.js';

/**
 * A problem with an image someone sent. `what` names which input it was (e.g. 'style image'),
 * so the message can say "The style image is …" instead of "That image is …".
 */
export class ImageInputError extends UserError {
  readonly what: string | undefined;
  constructor(code: string, message: string, what: string | undefined, options?: ErrorOptions) {
    super(code, message, options);
    this.what = what;
  }
}

export class NotAnImageError extends ImageInputError {
  constructor(what?: string) {
    const problem =
      what === undefined ? "That file isn't an image I can read" : `The ${what} isn't in a format I can read`;
    super('not-an-image', `${problem}. Send a JPEG, PNG, WebP, GIF, AVIF or TIFF.`, what);
  }
}

export class CorruptImageError extends ImageInputError {
  constructor(what?: string, options?: ErrorOptions) {
    super(
      'corrupt-image',
      `${subject(what, 'That image')} is damaged or cut short, so I can't read it. Save or export it again, or send the original file.`,
      what,
      options,
    );
  }
}

export class FileTooLargeError extends ImageInputError {
  constructor(bytes: number, maxBytes: number, what?: string) {
    super(
      'file-too-large',
      `${subject(what, 'That file')} is ${formatBytes(bytes)}; the limit is ${formatBytes(maxBytes)}. Send a smaller or more compressed version.`,
      what,
    );
  }
}

export class ImageTooLargeError extends ImageInputError {
  constructor(width: number, height: number, maxPixels: number, what?: string) {
    super(
      'image-too-large',
      `${subject(what, 'That image')} is ${width}×${height} px (${formatPixels(width * height)}); the limit is ${formatPixels(maxPixels)}. Scale it down and send it again.`,
      what,
    );
  }
}

export class ImageTooSmallError extends ImageInputError {
  constructor(width: number, height: number, minSide: number, what?: string) {
    super(
      'image-too-small',
      `${subject(what, 'That image')} is ${width}×${height} px; I need at least ${minSide} px on each side. Send a bigger one.`,
      what,
    );
  }
}

/** An output file name whose extension is not a format we can write. */
export class OutputFormatError extends UserError {
  constructor(path: string) {
    super(
      'bad-format',
      `I can't tell which format to save "${basename(path)}" in. Use a name ending in .png, .jpg, .jpeg or .webp.`,
    );
  }
}

function subject(what: string | undefined, fallback: string): string {
  return what === undefined ? fallback : `The ${what}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${oneDecimal(bytes / 1024)} KB`;
  return `${oneDecimal(bytes / (1024 * 1024))} MB`;
}

function formatPixels(pixels: number): string {
  return pixels < 100_000 ? `${pixels} pixels` : `${oneDecimal(pixels / 1_000_000)} megapixels`;
}

function oneDecimal(value: number): string {
  return String(Math.round(value * 10) / 10);
}
