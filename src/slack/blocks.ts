import type { types } from '@slack/bolt';
import { IMAGE_WINDOW_MS } from './recent-images.js';

/** Identifiers that tie buttons and the modal (src/slack/upload-modal.ts) to their listeners. */
export const CANCEL_ACTION = 'easel_cancel_job';
export const OPEN_UPLOAD_ACTION = 'easel_open_upload';
export const UPLOAD_VIEW = 'easel_upload';

/** Both text (for notifications and screen readers) and blocks (for the message itself). */
export interface MessageView {
  readonly text: string;
  readonly blocks: types.KnownBlock[];
}

function section(text: string): types.SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

/** A job's status line, with a Cancel button while it can still be cancelled. */
export function jobView(text: string, cancellableJobId?: string): MessageView {
  const blocks: types.KnownBlock[] = [section(text)];
  if (cancellableJobId !== undefined) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: CANCEL_ACTION,
          value: cancellableJobId,
          style: 'danger',
          text: { type: 'plain_text', text: 'Cancel' },
        },
      ],
    });
  }
  return { text, blocks };
}

/** What to do when /stylize found too few images, with a button that opens the upload modal. */
export function howToView(found: number, presetNames: readonly string[]): MessageView {
  const window = `the last ${IMAGE_WINDOW_MS / 60_000} minutes`;
  const seen = found === 0 ? `I didn't find any images from you here in ${window}.` : `I found only one image from you here in ${window}.`;
  const presets = presetNames.length > 0 ? `\nOr post one photo and use a preset: ${presetNames.map((n) => `\`/stylize ${n}\``).join(', ')}.` : '';
  const text = `${seen}\nPost two images (first the photo, then the style), then run \`/stylize\` again.${presets}`;
  return {
    text,
    blocks: [
      section(text),
      {
        type: 'actions',
        elements: [{ type: 'button', action_id: OPEN_UPLOAD_ACTION, text: { type: 'plain_text', text: 'Upload images' }, style: 'primary' }],
      },
    ],
  };
}
