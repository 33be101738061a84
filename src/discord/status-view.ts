import { ActionRowBuilder, AttachmentBuilder, type ButtonBuilder, type MessageEditOptions } from 'discord.js';
import { encodeImage } from '../images/encode.js';
import { isFinal, type JobStage, type StatusButton, type StatusView } from '../jobs/status/index.js';
import { cancelButton } from './cancel-button.js';

const ICONS: Readonly<Record<JobStage, string>> = {
  waiting: '⏳',
  painting: '🖌️',
  done: '✅',
  failed: '⚠️',
  cancelled: '✖️',
};

function button(spec: StatusButton): ButtonBuilder {
  switch (spec.kind) {
    case 'cancel':
      return cancelButton(spec.jobId);
  }
}

/** A status message's text: who it is for and what, then where the job stands. */
export function statusText(view: StatusView): string {
  const { label, requesterId } = view.headline;
  return `🎨 **${label}** for <@${requesterId}>\n${ICONS[view.stage]} ${view.line}`;
}

/**
 * A status view as a Discord message edit. A preview or result replaces the image on the message; a
 * progress view without one leaves the last preview in place, and the end of a job clears it.
 */
export async function renderStatus(view: StatusView): Promise<MessageEditOptions> {
  const content = statusText(view);
  const components =
    view.buttons.length === 0 ? [] : [new ActionRowBuilder<ButtonBuilder>().addComponents(view.buttons.map(button))];
  const image = view.result ?? (view.preview ? await encodeImage(view.preview, 'png') : undefined);
  if (image) {
    const name = view.result ? 'result.png' : 'preview.png';
    return { content, components, files: [new AttachmentBuilder(image, { name })], attachments: [] };
  }
  return { content, components, ...(isFinal(view) ? { attachments: [] } : {}) };
}
