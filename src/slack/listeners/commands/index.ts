import type { App } from '@slack/bolt';
import type { SlackContext } from '../../context.js';
import { stylize } from './stylize.js';

export function registerCommands(app: App, ctx: SlackContext): void {
  app.command('/stylize', stylize(ctx));
}
