import type { App, BlockButtonAction } from '@slack/bolt';
import { CANCEL_ACTION, OPEN_UPLOAD_ACTION } from '../../blocks.js';
import type { SlackContext } from '../../context.js';
import { REMIX_ID_PATTERN } from '../../../jobs/remix/index.js';
import { cancelJob } from './cancel-job.js';
import { openUploadModal } from './open-upload-modal.js';
import { remixJob } from './remix-job.js';

export function registerActions(app: App, ctx: SlackContext): void {
  app.action<BlockButtonAction>(CANCEL_ACTION, cancelJob(ctx));
  app.action<BlockButtonAction>(OPEN_UPLOAD_ACTION, openUploadModal(ctx));
  app.action<BlockButtonAction>({ type: 'block_actions', action_id: REMIX_ID_PATTERN }, remixJob(ctx));
}
