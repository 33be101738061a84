import type { App } from '@slack/bolt';
import type { SlackContext } from '../../context.js';
import { reactionAdded } from './reaction-added.js';

export function registerEvents(app: App, ctx: SlackContext): void {
  app.event('reaction_added', reactionAdded(ctx));
}
