import { ConfigError } from './env.js';
import { SETTINGS, type Settings } from './settings.js';

export type SlackConnection =
  | { readonly mode: 'socket'; readonly appToken: string }
  | { readonly mode: 'http'; readonly signingSecret: string; readonly port: number };

export interface SlackConfig {
  readonly botToken: string;
  readonly connection: SlackConnection;
  /** Web API base ending in '/', e.g. a local stand-in; undefined means Slack itself. */
  readonly apiUrl: string | undefined;
  /** Channel ids the bot works in; empty means every channel it is in. */
  readonly channels: readonly string[];
  /** Least time between two edits of a progress message; Slack rate-limits chat.update to about one a second. */
  readonly progressIntervalMs: number;
}

type SlackSecret = 'botToken' | 'appToken' | 'signingSecret';

function required(slack: Settings['slack'], name: SlackSecret, why: string): string {
  const value = slack[name];
  if (value === undefined) throw new ConfigError(`${SETTINGS.slack[name].env} is not set; it is needed ${why}.`);
  return value;
}

function connection(slack: Settings['slack']): SlackConnection {
  if (slack.mode === 'socket') {
    const http = `${SETTINGS.slack.mode.env}=http`;
    return { mode: 'socket', appToken: required(slack, 'appToken', `for Socket Mode (or set ${http})`) };
  }
  const signingSecret = required(slack, 'signingSecret', 'to verify requests in HTTP mode');
  return { mode: 'http', signingSecret, port: slack.port };
}

/**
 * The Slack settings. Undefined when no Slack secret is set, so the bot runs on other platforms only; throws a
 * ConfigError naming the variable when the secrets the mode needs are missing.
 */
export function slackConfig({ slack }: Settings): SlackConfig | undefined {
  const secrets = [slack.botToken, slack.appToken, slack.signingSecret];
  if (secrets.every((secret) => secret === undefined)) return undefined;
  return {
    botToken: required(slack, 'botToken', 'to connect to Slack'),
    connection: connection(slack),
    // The Web API client appends method names directly to this base.
    apiUrl: slack.apiUrl === undefined ? undefined : `${slack.apiUrl}/`,
    channels: slack.channels,
    progressIntervalMs: slack.progressIntervalMs,
  };
}
