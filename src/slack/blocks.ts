import type { types } from '@slack/bolt';
import type { StatusButton, StatusView } from '../jobs/status/index.js';
import { IMAGE_WINDOW_MS } from './recent-images.js';

/** Identifiers that tie buttons and the modal to their listeners. */
export const CANCEL_ACTION = 'easel_cancel_job';
export const OPEN_UPLOAD_ACTION = 'easel_open_upload';
export const UPLOAD_VIEW = 'easel_upload';

/** Block and action ids of the upload modal's inputs; the submission handler reads the same ids. */
export const UPLOAD_FIELDS = {
  content: 'content',
  style: 'style',
  contentWeight: 'content_weight',
  styleWeight: 'style_weight',
} as const;
export const FIELD_ACTION = 'value';

/** Both text (for notifications and screen readers) and blocks (for the message itself). */
export interface MessageView {
  readonly text: string;
  readonly blocks: types.KnownBlock[];
}

const IMAGE_FILETYPES = ['jpg', 'jpeg', 'png', 'webp', 'gif', 'avif', 'tif', 'tiff'];

function section(text: string): types.SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function button(spec: StatusButton): types.Button {
  switch (spec.kind) {
    case 'cancel':
      return { type: 'button', action_id: CANCEL_ACTION, value: spec.jobId, style: 'danger', text: { type: 'plain_text', text: 'Cancel' } };
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

function fileInput(blockId: string, label: string, hint: string): types.InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: { type: 'plain_text', text: label },
    hint: { type: 'plain_text', text: hint },
    element: { type: 'file_input', action_id: FIELD_ACTION, filetypes: IMAGE_FILETYPES, max_files: 1 },
  };
}

function weightInput(blockId: string, label: string, hint: string): types.InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    optional: true,
    label: { type: 'plain_text', text: label },
    hint: { type: 'plain_text', text: hint },
    element: { type: 'number_input', action_id: FIELD_ACTION, is_decimal_allowed: true, min_value: '0' },
  };
}

/** The upload modal; `channel` comes back in private_metadata so the result lands where it was asked for. */
export function uploadModal(channel: string): types.ModalView {
  return {
    type: 'modal',
    callback_id: UPLOAD_VIEW,
    private_metadata: JSON.stringify({ channel }),
    title: { type: 'plain_text', text: 'Stylize' },
    submit: { type: 'plain_text', text: 'Paint' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      fileInput(UPLOAD_FIELDS.content, 'Photo', 'The picture to repaint.'),
      fileInput(UPLOAD_FIELDS.style, 'Style', 'A painting or pattern whose look to copy.'),
      weightInput(UPLOAD_FIELDS.contentWeight, 'Content weight', 'Higher keeps more of the photo. Leave empty for the default.'),
      weightInput(UPLOAD_FIELDS.styleWeight, 'Style weight', 'Higher paints the style more strongly. Leave empty for the default.'),
    ],
  };
}
