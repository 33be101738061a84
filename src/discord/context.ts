import type { Logger } from 'pino';
import type { DiscordConfig } from '../config/discord.js';
import type { AllowList } from '../jobs/allow-list.js';
import type { PlatformDeps } from '../jobs/platform.js';

/** What every Discord listener and command handler is given. */
export interface DiscordContext {
  readonly deps: PlatformDeps;
  readonly config: DiscordConfig;
  readonly logger: Logger;
  readonly allowList: AllowList;
}
