/**
 * An error whose message is written for the person who caused it: short, specific, and saying what to do.
 * Platforms show `message` as-is; anything that is not a UserError is shown as a generic apology and logged.
 * `code` survives crossing a worker boundary, where class identity does not.
 */
export class UserError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The job was stopped on request (cancel button, timeout, shutdown) before it finished. */
export class JobAbortedError extends UserError {
  constructor(message = 'The job was cancelled.') {
    super('aborted', message);
  }
}

/** An option value a user gave is out of range or malformed. */
export class OptionError extends UserError {
  constructor(message: string) {
    super('bad-option', message);
  }
}

/** A setting an operator got wrong; the message names the variable or file and says what it should be. */
export class ConfigError extends UserError {
  constructor(message: string) {
    super('bad-config', message);
  }
}
