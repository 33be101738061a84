import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { BadUploadError, UploadTooLargeError } from './errors.js';

/** A form as the page sends it: short text fields and at most one file per named file field. */
export interface UploadedForm {
  readonly fields: ReadonlyMap<string, string>;
  readonly files: ReadonlyMap<string, Uint8Array>;
}

export interface UploadRules {
  /** The file fields taken, each with how messages name it, e.g. { content: 'photo' }; other files are refused. */
  readonly files: Readonly<Record<string, string>>;
  /** The cap on each file, the same as on a chat attachment. */
  readonly maxFileBytes: number;
}

/** Far more than the form has; each value is a number, a name or a word. */
const MAX_FIELDS = 40;
const MAX_FIELD_BYTES = 256;

/** The most a form may be in all: its files at their cap, and room for the fields and the multipart framing. */
export function maxFormBytes(rules: UploadRules): number {
  return Object.keys(rules.files).length * rules.maxFileBytes + 64 * 1024;
}

/**
 * Reads a multipart form as it streams in, keeping each file only up to the cap: a file past it, too many parts,
 * or a body past maxFormBytes rejects at once with a PageError, and nothing more is parsed (the caller answers and
 * closes the connection). An empty file part (a file input left blank) counts as no file.
 */
export function readUpload(req: IncomingMessage, rules: UploadRules): Promise<UploadedForm> {
  return new Promise((resolve, reject) => {
    const fields = new Map<string, string>();
    const files = new Map<string, Uint8Array>();
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: {
          files: Object.keys(rules.files).length,
          fileSize: rules.maxFileBytes,
          fields: MAX_FIELDS,
          fieldSize: MAX_FIELD_BYTES,
          parts: MAX_FIELDS + Object.keys(rules.files).length,
        },
      });
    } catch {
      reject(new BadUploadError('That was not a form I understand.'));
      return;
    }

    let failed = false;
    const fail = (error: Error): void => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      reject(error);
    };

    let received = 0;
    const maxBytes = maxFormBytes(rules);
    req.on('data', (chunk: Buffer) => {
      received += chunk.byteLength;
      if (received > maxBytes) fail(new BadUploadError('That form is far larger than the page sends.'));
    });
    req.on('close', () => {
      if (!req.complete) fail(new BadUploadError('The upload broke off.'));
    });

    parser.on('file', (name, stream, info) => {
      const what = Object.hasOwn(rules.files, name) ? rules.files[name] : undefined;
      if (what === undefined || files.has(name)) {
        stream.resume();
        fail(new BadUploadError(`The form had a file I did not ask for ("${name.slice(0, 40)}").`));
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(new UploadTooLargeError(what, rules.maxFileBytes, name)));
      stream.on('end', () => {
        const bytes = Buffer.concat(chunks);
        if (bytes.byteLength > 0 || info.filename) files.set(name, bytes);
      });
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated || info.nameTruncated) {
        fail(new BadUploadError(`The setting "${name.slice(0, 40)}" is too long.`));
      } else {
        fields.set(name, value);
      }
    });
    const tooMany = (): void => fail(new BadUploadError('That form has more parts than the page sends.'));
    parser.on('filesLimit', tooMany);
    parser.on('fieldsLimit', tooMany);
    parser.on('partsLimit', tooMany);
    parser.on('error', () => fail(new BadUploadError('That form was cut short or malformed.')));
    parser.on('close', () => {
      if (!failed) resolve({ fields, files });
    });
    req.pipe(parser);
  });
}
