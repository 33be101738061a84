import type { Logger } from 'pino';
import type { SlackConfig } from '../config/slack.js';
import type { PlatformDeps } from '../jobs/platform.js';
import type { SlackJobs } from './slack-jobs.js';

/** What every listener is given. */
export interface SlackContext {
  readonly deps: PlatformDeps;
  readonly config: SlackConfig;
  readonly jobs: SlackJobs;
  readonly log: Logger;
}

export function worksIn(config: SlackConfig, channel: string): boolean {
  return config.channels.length === 0 || config.channels.includes(channel);
}

/** The polite answer outside the allow-list. */
export function whereIWork(config: SlackConfig): string {
  const channels = config.channels.map((id) => `<#${id}>`);
  const list = channels.length > 1 ? `${channels.slice(0, -1).join(', ')} and ${channels.at(-1) ?? ''}` : (channels[0] ?? '');
  return `Sorry, I only paint in ${list}. Come and find me there!`;
}
