import type { types } from '@slack/bolt';
import { remixId } from '../jobs/remix/index.js';
import type { StatusButton, StatusView } from '../jobs/status/index.js';
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

function button(spec: StatusButton): types.Button {
  switch (spec.kind) {
    case 'cancel':
      return {
        type: 'button',
        action_id: CANCEL_ACTION,
        value: spec.jobId,
        style: 'danger',
        text: { type: 'plain_text', text: 'Cancel' },
      };
    case 'remix':
      return {
        type: 'button',
        action_id: remixId(spec.action, spec.jobId),
        value: spec.jobId,
        text: { type: 'plain_text', text: spec.label },
        ...(spec.action === 'paint' ? { style: 'primary' } : {}),
      };
  }
}

/** A job's status as a Slack message: one line under the job's label, and its buttons. Slack shows no previews. */
export function jobView(view: StatusView): MessageView {
  const text = `*${view.headline.label}* · ${view.line}`;
  const blocks: types.KnownBlock[] = [section(text)];
  if (view.buttons.length > 0) blocks.push({ type: 'actions', elements: view.buttons.map(button) });
  return { text, blocks };
}

/** What to do when /stylize found too few images, with a button that opens the upload modal. */
export function howToView(found: number, presetNames: readonly string[]): MessageView {
  const window = `the last ${IMAGE_WINDOW_MS / 60_000} minutes`;
  const seen =
    found === 0
      ? `I didn't find any images from you here in ${window}.`
      : `I found only one image from you here in ${window}.`;
  const presets =
    presetNames.length > 0
      ? `\nOr post one photo and use a preset: ${presetNames.map((n) => `\`/stylize ${n}\``).join(', ')}.`
      : '';
  const text = `${seen}\nPost two images (first the photo, then the style), then run \`/stylize\` again.${presets}`;
  return {
    text,
    blocks: [
      section(text),
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: OPEN_UPLOAD_ACTION,
            text: { type: 'plain_text', text: 'Upload images' },
            style: 'primary',
          },
        ],
      },
    ],
  };
}
