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

/** Which rule an option's value broke. Front ends word it in their own syntax with OptionError.messageFor. */
export type OptionRule =
  | { readonly kind: 'type'; readonly expected: 'number' }
  | { readonly kind: 'type'; readonly expected: 'yes-or-no' }
  /** Not a list of non-negative numbers (not all zero) like `example`, e.g. "0.7,0.3". */
  | { readonly kind: 'type'; readonly expected: 'list'; readonly example: string }
  | { readonly kind: 'integer' }
  /** `min` is absent where only an upper bound was checked, e.g. the painter's own size cap. */
  | { readonly kind: 'range'; readonly min?: number; readonly max: number }
  | { readonly kind: 'choice'; readonly choices: readonly string[] }
  /** A list with the wrong number of entries, e.g. one blend weight per style image. */
  | { readonly kind: 'count'; readonly expected: number }
  /** The key names no option; `known` are the keys that front end accepts. */
  | { readonly kind: 'unknown'; readonly known: readonly string[] };

export interface OptionProblem {
  /** What the user gave, as they gave it. */
  readonly given?: unknown;
  /** The option's one-line help, to remind them what it does. */
  readonly help?: string;
}

/** How chat spells an option key: `styleWeight` is `style_weight`. OptionError's own message spells keys so. */
export function chatName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

const inChat = (key: string): string => `\`${chatName(key)}\``;

function quoted(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text === undefined ? 'nothing' : `"${text.length > 40 ? `${text.slice(0, 40)}…` : text}"`;
}

/**
 * An option value a user gave is malformed or out of range. `key` is the schema key, e.g. `styleWeight`
 * (for an `unknown` rule, the name as typed). The message is worded for chat; other front ends use messageFor.
 */
export class OptionError extends UserError {
  readonly key: string;
  readonly rule: OptionRule;
  readonly problem: OptionProblem;

  constructor(key: string, rule: OptionRule, problem: OptionProblem = {}) {
    super('bad-option', wordOptionProblem(key, rule, problem, inChat));
    this.key = key;
    this.rule = rule;
    this.problem = problem;
  }

  /** The message with options spelled the way a front end spells them, e.g. `--style-weight` on the CLI. */
  messageFor(spell: Spelling): string {
    return wordOptionProblem(this.key, this.rule, this.problem, spell);
  }
}

type Spelling = (key: string) => string;

function wordOptionProblem(key: string, rule: OptionRule, problem: OptionProblem, spell: Spelling): string {
  const name = spell(key);
  const help = problem.help === undefined ? '' : ` (${problem.help})`;
  const got = quoted(problem.given);
  switch (rule.kind) {
    case 'type':
      if (rule.expected === 'number') return `${name} needs a number${help}; got ${got}.`;
      if (rule.expected === 'yes-or-no') return `${name} is yes or no${help}; got ${got}.`;
      return `${name} takes ${problem.help ?? 'numbers'}, like ${rule.example}; got ${got}.`;
    case 'integer':
      return `${name} needs a whole number; got ${got}.`;
    case 'range': {
      const given = typeof problem.given === 'number' ? String(problem.given) : got;
      const bounds = rule.min === undefined ? `${rule.max} or less` : `between ${rule.min} and ${rule.max}`;
      return `${name} must be ${bounds}${help}; got ${given}.`;
    }
    case 'choice':
      return `${name} is one of ${rule.choices.join(', ')}${help}; got ${got}.`;
    case 'count':
      return `${name} needs ${rule.expected === 1 ? 'one value' : `${rule.expected} values`}${help}; got ${got}.`;
    case 'unknown':
      return `I don't know the option ${got}. Options I understand: ${rule.known.map(spell).join(', ')}.`;
  }
}

/** A setting an operator got wrong; the message names the variable or file and says what it should be. */
export class ConfigError extends UserError {
  constructor(message: string) {
    super('bad-config', message);
  }
}
