import type { App } from '@slack/bolt';
import { UPLOAD_VIEW } from '../../blocks.js';
import type { SlackContext } from '../../context.js';
import { uploadSubmitted } from './upload-submitted.js';

export function registerViews(app: App, ctx: SlackContext): void {
  app.view(UPLOAD_VIEW, uploadSubmitted(ctx));
}
