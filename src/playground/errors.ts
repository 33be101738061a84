import { UserError } from '../errors.js';
import { formatBytes } from '../images/errors.js';

/**
 * A request the page should not have sent, or that went wrong on the way; `status` is its HTTP status and
 * `field` the form field to point at (an option's key, `content` or `style`), when there is one.
 */
export class PageError extends UserError {
  readonly status: number;
  readonly field: string | undefined;

  constructor(code: string, status: number, message: string, field?: string) {
    super(code, message);
    this.status = status;
    this.field = field;
  }
}

/** An upload past the byte cap, cut off before it was all read. */
export class UploadTooLargeError extends PageError {
  constructor(what: string, maxBytes: number, field?: string) {
    super(
      'file-too-large',
      413,
      `The ${what} is larger than ${formatBytes(maxBytes)}. Send a smaller or more compressed version.`,
      field,
    );
  }
}

/** The form was not the page's: not multipart, too many parts, or broken off. */
export class BadUploadError extends PageError {
  constructor(why: string) {
    super('bad-upload', 400, `${why} Reload the page and try again.`);
  }
}
