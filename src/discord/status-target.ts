import type { ChatInputCommandInteraction, Message, MessageEditOptions, SendableChannels } from 'discord.js';

/** Where a job's status message lives; `edit` returns the message as it now stands. */
export interface StatusTarget {
  edit(payload: MessageEditOptions): Promise<Message>;
}

/** A normal message the bot posted, e.g. in the thread of a preset reaction. */
export function messageTarget(message: Message): StatusTarget {
  let current = message;
  return { edit: async (payload) => (current = await current.edit(payload)) };
}

/**
 * A slash command's reply. Interaction tokens die after 15 minutes, so past `tokenTtlMs` the job
 * carries on in a normal message posted in the channel, and the reply points to it.
 */
export class InteractionReplyTarget implements StatusTarget {
  #fallback: Message | undefined;
  #reply: Message | undefined;

  constructor(
    private readonly interaction: ChatInputCommandInteraction,
    private readonly tokenTtlMs: number,
  ) {}

  /** The reply message, known after the first edit; a thread can be started from it even after the token dies. */
  get reply(): Message | undefined {
    return this.#reply;
  }

  async edit(payload: MessageEditOptions): Promise<Message> {
    if (this.#fallback) return (this.#fallback = await this.#fallback.edit(payload));
    if (Date.now() - this.interaction.createdTimestamp < this.tokenTtlMs) {
      return (this.#reply = await this.interaction.editReply(payload));
    }
    const channel = await this.#channel();
    const { content, components, files } = payload;
    this.#fallback = await channel.send({ content: content ?? '', components: components ?? [], files: files ?? [] });
    await this.interaction
      .editReply({ content: `Still going; I'll keep you posted here instead: ${this.#fallback.url}`, components: [], attachments: [] })
      .catch(() => undefined);
    return this.#fallback;
  }

  async #channel(): Promise<SendableChannels> {
    const channel = this.interaction.channel ?? (await this.interaction.client.channels.fetch(this.interaction.channelId));
    if (!channel?.isSendable()) throw new Error(`channel ${this.interaction.channelId} is not one the bot can post in`);
    return channel;
  }
}
