import { ActionRowBuilder, AttachmentBuilder, ButtonBuilder, ButtonStyle, type MessageEditOptions } from 'discord.js';
import { encodeImage } from '../images/encode.js';
import { remixId } from '../jobs/remix/index.js';
import { isFinal, type JobStage, type StatusButton, type StatusView } from '../jobs/status/index.js';
import { cancelButton } from './cancel-button.js';

const ICONS: Readonly<Record<JobStage, string>> = {
  waiting: '⏳',
  painting: '🖌️',
  done: '✅',
  failed: '⚠️',
  cancelled: '✖️',
};

/** A remix button; Paint it properly stands out, being the step up from a quick network pass. */
function remixButton(spec: Extract<StatusButton, { kind: 'remix' }>): ButtonBuilder {
  return new ButtonBuilder()
    .setCustomId(remixId(spec.action, spec.jobId))
    .setLabel(spec.label)
    .setStyle(spec.action === 'paint' ? ButtonStyle.Primary : ButtonStyle.Secondary);
}

function button(spec: StatusButton): ButtonBuilder {
  switch (spec.kind) {
    case 'cancel':
      return cancelButton(spec.jobId);
    case 'remix':
      return remixButton(spec);
  }
}

/** Discord puts at most five buttons in a row. */
const BUTTONS_PER_ROW = 5;

/** Buttons as a message's rows of components; none for no buttons. */
export function buttonRows(buttons: readonly StatusButton[]): ActionRowBuilder<ButtonBuilder>[] {
  const rows: ActionRowBuilder<ButtonBuilder>[] = [];
  for (let i = 0; i < buttons.length; i += BUTTONS_PER_ROW) {
    rows.push(new ActionRowBuilder<ButtonBuilder>().addComponents(buttons.slice(i, i + BUTTONS_PER_ROW).map(button)));
  }
  return rows;
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
  const components = buttonRows(view.buttons);
  const image = view.result ?? (view.preview ? await encodeImage(view.preview, 'png') : undefined);
  if (image) {
    const name = view.result ? 'result.png' : 'preview.png';
    return { content, components, files: [new AttachmentBuilder(image, { name })], attachments: [] };
  }
  return { content, components, ...(isFinal(view) ? { attachments: [] } : {}) };
}
