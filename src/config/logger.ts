import pino, { type Logger } from 'pino';

/** Interaction tokens travel in webhook URLs, which discord.js puts in its error messages. */
const TOKEN_IN_URL = /\/(webhooks|interactions)\/(\d+)\/[^/\s"?]+/g;

function withoutTokens<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replace(TOKEN_IN_URL, '/$1/$2/[token]')) as T;
}

/** The process logger: JSON lines on stdout, errors serialised without any token. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { app: 'easel' },
    redact: { paths: ['token', '*.token', 'headers.authorization', '*.headers.authorization'], censor: '[token]' },
    serializers: { err: (err: Error) => withoutTokens(pino.stdSerializers.err(err)) },
  });
}
