import type { types, ViewOutput, ViewStateValue } from '@slack/bolt';
import {
  bounds,
  chatName,
  helpSentence,
  optionsUpTo,
  type OptionKey,
  type OptionLimits,
  type OptionSpec,
} from '../options/index.js';
import { UPLOAD_VIEW } from './blocks.js';

/** Block ids of the modal's image inputs; the submission handler reads the same ids. */
export const UPLOAD_FIELDS = { content: 'content', style: 'style' } as const;
/** Every input's action id; a block holds one input, so the block id tells them apart. */
export const FIELD_ACTION = 'value';

/** The settings the modal offers; a short form has room for the essential ones only. */
const MODAL_OPTIONS = optionsUpTo('essential');

const IMAGE_FILETYPES = ['jpg', 'jpeg', 'png', 'webp', 'gif', 'avif', 'tif', 'tiff'];
/** The value a ticked box sends; resolveOptions reads it as yes. */
const CHECKED = 'yes';

/** The block id of an option's input, e.g. `style_weight`. */
export function optionBlockId(key: OptionKey): string {
  return chatName(key);
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

function plain(text: string): types.PlainTextElement {
  return { type: 'plain_text', text };
}

function optionElement(option: OptionSpec, limits: OptionLimits): types.InputBlock['element'] {
  switch (option.kind) {
    case 'number': {
      const { min, max } = bounds(option, limits);
      return {
        type: 'number_input',
        action_id: FIELD_ACTION,
        is_decimal_allowed: !option.integer,
        min_value: String(min),
        max_value: String(max),
      };
    }
    case 'choice':
      return {
        type: 'static_select',
        action_id: FIELD_ACTION,
        options: Object.entries(option.choices).map(([value, label]) => ({ text: plain(label), value })),
      };
    case 'boolean':
      return { type: 'checkboxes', action_id: FIELD_ACTION, options: [{ text: plain(option.label), value: CHECKED }] };
    case 'list':
      return { type: 'plain_text_input', action_id: FIELD_ACTION, placeholder: plain(option.example) };
  }
}

function optionInput(option: OptionSpec, limits: OptionLimits): types.InputBlock {
  return {
    type: 'input',
    block_id: optionBlockId(option.key),
    optional: true,
    label: plain(option.label),
    hint: plain(`${helpSentence(option)}. Leave empty for the default.`),
    element: optionElement(option, limits),
  };
}

/** The upload modal; `channel` comes back in private_metadata so the result lands where it was asked for. */
export function uploadModal(channel: string, limits: OptionLimits): types.ModalView {
  return {
    type: 'modal',
    callback_id: UPLOAD_VIEW,
    private_metadata: JSON.stringify({ channel }),
    title: plain('Stylize'),
    submit: plain('Paint'),
    close: plain('Cancel'),
    blocks: [
      fileInput(UPLOAD_FIELDS.content, 'Photo', 'The picture to repaint.'),
      fileInput(UPLOAD_FIELDS.style, 'Style', 'A painting or pattern whose look to copy.'),
      ...MODAL_OPTIONS.map((option) => optionInput(option, limits)),
    ],
  };
}

/** An input's state in a submitted modal. */
export function fieldState(view: ViewOutput, blockId: string): ViewStateValue | undefined {
  return view.state.values[blockId]?.[FIELD_ACTION];
}

function filledValue(state: ViewStateValue | undefined, option: OptionSpec): string | undefined {
  switch (option.kind) {
    case 'choice':
      return state?.selected_option?.value;
    case 'boolean':
      return state?.selected_options?.some((selected) => selected.value === CHECKED) ? CHECKED : undefined;
    case 'number':
    case 'list':
      return state?.value ?? undefined;
  }
}

export interface FilledOption {
  readonly key: OptionKey;
  readonly blockId: string;
  /** As the user entered it; resolveOptions checks it. */
  readonly value: string;
}

/** The settings the user filled in; empty fields keep the default and are left out. */
export function filledOptions(view: ViewOutput): FilledOption[] {
  return MODAL_OPTIONS.flatMap((option) => {
    const blockId = optionBlockId(option.key);
    const value = filledValue(fieldState(view, blockId), option);
    return value === undefined || value === '' ? [] : [{ key: option.key, blockId, value }];
  });
}
