import { UserError } from '../errors.js';

export interface DownloadOptions {
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Names the file in messages: 'style image' gives "The style image is …". */
  readonly what?: string;
}

function subject(what: string | undefined): string {
  return what === undefined ? 'That file' : `The ${what}`;
}

function megabytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

export class DownloadTooLargeError extends UserError {
  constructor(maxBytes: number, what?: string) {
    super('download-too-large', `${subject(what)} is larger than ${megabytes(maxBytes)}, which is my limit. Send a smaller version.`);
  }
}

export class DownloadTimeoutError extends UserError {
  constructor(what?: string) {
    super('download-timeout', `${subject(what)} took too long to download. Please try again, or send a smaller file.`);
  }
}

export class DownloadFailedError extends UserError {
  constructor(what?: string, options?: ErrorOptions) {
    super('download-failed', `I couldn't download ${what === undefined ? 'that file' : `the ${what}`}. Try uploading it again.`, options);
  }
}

/**
 * Fetches a file into memory, giving up past `maxBytes` (announced or actual) or after `timeoutMs`.
 * Every failure is a UserError; the cause is kept for the logs.
 */
export async function downloadImage(url: string, options: DownloadOptions): Promise<Uint8Array> {
  const { maxBytes, timeoutMs, headers, what } = options;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(url, { headers, signal: controller.signal, redirect: 'follow' });
    if (!response.ok || !response.body) {
      throw new DownloadFailedError(what, { cause: new Error(`HTTP ${response.status} for ${url}`) });
    }
    const announced = Number(response.headers.get('content-length'));
    if (Number.isFinite(announced) && announced > maxBytes) {
      await response.body.cancel();
      throw new DownloadTooLargeError(maxBytes, what);
    }
    const chunks: Uint8Array[] = [];
    let received = 0;
    for await (const chunk of response.body) {
      received += chunk.byteLength;
      if (received > maxBytes) {
        controller.abort();
        throw new DownloadTooLargeError(maxBytes, what);
      }
      chunks.push(chunk);
    }
    return new Uint8Array(Buffer.concat(chunks));
  } catch (err) {
    if (err instanceof UserError) throw err;
    if (controller.signal.aborted) throw new DownloadTimeoutError(what);
    throw new DownloadFailedError(what, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}
