import pino, { type DestinationStream, type Logger } from 'pino';

/** Keys that hold a secret wherever they sit. pino's paths are case-sensitive, and a `*` matches one level. */
const SECRET_KEYS = ['authorization', 'Authorization', 'token', 'botToken', 'appToken', 'signingSecret'];
/** Deep enough for `err.config.headers.authorization` (an HTTP client's error) and `{ req: { headers } }`. */
const DEPTHS = ['', '*.', '*.*.', '*.*.*.', '*.*.*.*.'];
const REDACTED_PATHS = DEPTHS.flatMap((prefix) => SECRET_KEYS.map((key) => `${prefix}${key}`));

/**
 * Token shapes, scrubbed from every line as written, whatever field, message or stack they hide in.
 * Interaction tokens travel in webhook URLs, which discord.js puts in its error messages.
 */
const TOKEN_SHAPES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\/(webhooks|interactions)\/(\d+)\/[^/\s"?\\]+/g, '/$1/$2/[token]'],
  [/\b(Bot|Bearer) [\w.~+/=-]{20,}/g, '$1 [token]'],
  // Slack: xoxb- (bot), xoxp- (user), xoxe.xoxp- (rotating), xapp- (app-level, Socket Mode) …
  [/\bxox(?:e\.xox)?[a-z]-[\w-]+/g, '[token]'],
  [/\bxapp-[\w-]+/g, '[token]'],
  // A response_url or incoming webhook lets anyone post as the bot; Bolt at trace level logs them.
  [/(hooks\.slack\.com\/(?:commands|actions|services)\/)[^\s"\\]+/g, '$1[token]'],
  // A Redis URL's password (EASEL_REDIS_URL), wherever an error message or a client's options show the URL.
  [/(rediss?:\/\/[^:@/\s"]*:)[^@/\s"]+@/g, '$1[token]@'],
  // Discord bot tokens: the bot's id in base64, a timestamp, an HMAC.
  [/[\w-]{23,28}\.[\w-]{6,7}\.[\w-]{27,}/g, '[token]'],
];

function scrubTokens(line: string): string {
  return TOKEN_SHAPES.reduce((text, [shape, replacement]) => text.replace(shape, replacement), line);
}

/** The process logger: JSON lines on stdout (or `destination`), with secrets redacted by key and by shape. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { app: 'easel' },
    redact: { paths: REDACTED_PATHS, censor: '[token]' },
    hooks: { streamWrite: scrubTokens },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
