import type { Logger } from 'pino';
import type { DiscordConfig } from '../config/discord.js';
import type { AllowList } from '../jobs/allow-list.js';
import type { PlatformDeps } from '../jobs/platform.js';
import type { PhotoThreads } from './photo-threads.js';

/** What every Discord listener and command handler is given. */
export interface DiscordContext {
  readonly deps: PlatformDeps;
  readonly config: DiscordConfig;
  readonly logger: Logger;
  readonly allowList: AllowList;
  /** Where each member's photo was painted, so that /stylize with it again goes into the same thread. */
  readonly photoThreads: PhotoThreads;
}
