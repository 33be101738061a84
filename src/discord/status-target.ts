import type {
  ButtonInteraction,
  ChatInputCommandInteraction,
  Message,
  MessageCreateOptions,
  MessageEditOptions,
  SendableChannels,
  ThreadChannel,
} from 'discord.js';
import type { ReplyTo } from '../jobs/job.js';

/** Where a job's status message lives: `post` puts the first view there, `edit` the later ones. */
export interface StatusTarget {
  /** The status message as it is now, once posted; the bot token alone can edit it (unless it is ephemeral). */
  readonly message: Message | undefined;
  post(payload: MessageEditOptions): Promise<void>;
  edit(payload: MessageEditOptions): Promise<void>;
}

/**
 * What the journal keeps of a job's status message (added to its replyTo once posted), so that after a restart the
 * restored job can say on it where the job went: its channel or thread, and its id.
 */
export function statusReplyTo(message: Message): ReplyTo {
  return { statusIn: message.channelId, status: message.id };
}

/** An edit as a new message: the same text, buttons and files. */
function asNewMessage(payload: MessageEditOptions): MessageCreateOptions {
  const { content, components, files } = payload;
  return { content: content ?? '', components: components ?? [], files: files ?? [] };
}

/**
 * A status message of its own in a thread, as for a preset reaction, or in a channel, as for a job restored after a
 * restart. `place` gives the thread or channel once it is there, or undefined when there is none (the member was
 * told so instead), and then nothing is posted.
 */
export class ChannelMessageTarget implements StatusTarget {
  #message: Message | undefined;

  constructor(private readonly place: () => Promise<SendableChannels | ThreadChannel | undefined>) {}

  /** The status message, once posted. */
  get message(): Message | undefined {
    return this.#message;
  }

  async post(payload: MessageEditOptions): Promise<void> {
    const place = await this.place();
    // The heading names the member; the result, not the status, is what should notify them.
    if (place) this.#message = await place.send({ ...asNewMessage(payload), allowedMentions: { users: [] } });
  }

  async edit(payload: MessageEditOptions): Promise<void> {
    if (this.#message) this.#message = await this.#message.edit(payload);
  }
}

/**
 * A slash command's (or a remix button's) deferred reply, which already exists, so posting is editing. Interaction tokens die
 * after 15 minutes, so past `tokenTtlMs` the job carries on in a normal message posted in the channel,
 * and the reply points to it.
 */
export class InteractionReplyTarget implements StatusTarget {
  #fallback: Message | undefined;
  #reply: Message | undefined;

  constructor(
    private readonly interaction: ChatInputCommandInteraction | ButtonInteraction,
    private readonly tokenTtlMs: number,
  ) {}

  /** The reply message, known after the first edit; a thread can be started from it even after the token dies. */
  get reply(): Message | undefined {
    return this.#reply;
  }

  get message(): Message | undefined {
    return this.#fallback ?? this.#reply;
  }

  post(payload: MessageEditOptions): Promise<void> {
    return this.edit(payload);
  }

  async edit(payload: MessageEditOptions): Promise<void> {
    if (this.#fallback) {
      this.#fallback = await this.#fallback.edit(payload);
      return;
    }
    if (Date.now() - this.interaction.createdTimestamp < this.tokenTtlMs) {
      this.#reply = await this.interaction.editReply(payload);
      return;
    }
    const channel = await this.#channel();
    this.#fallback = await channel.send(asNewMessage(payload));
    await this.interaction
      .editReply({
        content: `Still going; I'll keep you posted here instead: ${this.#fallback.url}`,
        components: [],
        attachments: [],
      })
      .catch(() => undefined);
  }

  async #channel(): Promise<SendableChannels> {
    const channel =
      this.interaction.channel ?? (await this.interaction.client.channels.fetch(this.interaction.channelId));
    if (!channel?.isSendable()) throw new Error(`channel ${this.interaction.channelId} is not one the bot can post in`);
    return channel;
  }
}
