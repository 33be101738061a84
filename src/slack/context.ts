import type { Logger } from 'pino';
import type { SlackConfig } from '../config/slack.js';
import type { AllowList } from '../jobs/allow-list.js';
import type { PlatformDeps } from '../jobs/platform.js';
import type { SlackJobs } from './slack-jobs.js';

/** What every listener is given. */
export interface SlackContext {
  readonly deps: PlatformDeps;
  readonly config: SlackConfig;
  readonly jobs: SlackJobs;
  readonly log: Logger;
  readonly allowList: AllowList;
}
