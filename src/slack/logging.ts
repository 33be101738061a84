import { format } from 'node:util';
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';
import { UserError } from '../errors.js';

const BOLT_LEVELS: Readonly<Record<string, LogLevel>> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
};

/**
 * Bolt's logger is also the Socket Mode client's, which at debug level logs every raw envelope, response_url
 * (a key to post as the bot) included. So Bolt logs at info or above unless the operator asks for trace.
 */
function boltChild(log: Logger, component: string): Logger {
  const level = log.level !== 'trace' && log.isLevelEnabled('debug') ? 'info' : log.level;
  return log.child({ component }, { level });
}

/** Bolt's own logging, routed into pino so there is one log stream, with pino's redaction. */
export function boltLogger(log: Logger): BoltLogger {
  let child = boltChild(log, 'bolt');
  return {
    debug: (...msg: unknown[]) => child.debug(format(...msg)),
    info: (...msg: unknown[]) => child.info(format(...msg)),
    warn: (...msg: unknown[]) => child.warn(format(...msg)),
    error: (...msg: unknown[]) => child.error(format(...msg)),
    // The operator sets the level once, through pino; Bolt's own requests to change it are ignored.
    setLevel: () => undefined,
    getLevel: () => BOLT_LEVELS[child.level] ?? LogLevel.ERROR,
    setName: (name: string) => {
      child = boltChild(log, name);
    },
  };
}

/** Slack client errors can hold whole request and response bodies; logs get only the code and message. */
export function describeSlackError(err: unknown): { code?: string; message: string } {
  if (err instanceof Error) {
    const code = (err as Error & { code?: unknown }).code;
    return typeof code === 'string' ? { code, message: err.message } : { message: err.message };
  }
  return { message: String(err) };
}

/** Runs a Slack call; what it throws keeps only the code and message, so whoever logs it logs no bodies. */
export async function slackCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const { code, message } = describeSlackError(err);
    throw Object.assign(new Error(message), code === undefined ? {} : { code });
  }
}

/** The `error` field of a Slack API reply that said ok: false. */
export function slackErrorCode(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** A request we turned down: the user's own mistake is routine, anything else is ours to look into. */
export function logRefusal(log: Logger, err: unknown): void {
  if (err instanceof UserError) log.info({ code: err.code }, 'request refused');
  else log.error({ err: describeSlackError(err) }, 'request failed');
}
