import { createHmac } from 'node:crypto';
import { BOT_USER_ID, TEAM_ID, type JsonObject, type SlackFile } from './server.js';

/** Payloads as Slack sends them over Socket Mode, trimmed to the fields Bolt and the bot read. */

/** A payload as Slack POSTs it in HTTP mode: form-encoded, and signed with the app's signing secret. */
export function signedForm(payload: JsonObject, secret: string): { headers: Record<string, string>; body: string } {
  const body = new URLSearchParams(
    Object.entries(payload).map(([k, v]): [string, string] => [k, String(v)]),
  ).toString();
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signature,
    },
    body,
  };
}

export function slashCommand(p: {
  user: string;
  channel: string;
  text: string;
  responseUrl: string;
  command?: string;
}): JsonObject {
  return {
    token: 'verification-token',
    team_id: TEAM_ID,
    team_domain: 'standin',
    channel_id: p.channel,
    channel_name: p.channel.toLowerCase(),
    user_id: p.user,
    user_name: p.user.toLowerCase(),
    command: p.command ?? '/stylize',
    text: p.text,
    api_app_id: 'A0STANDIN',
    is_enterprise_install: 'false',
    response_url: p.responseUrl,
    trigger_id: `trigger-${p.user}-${Date.now()}`,
  };
}

export function reactionAdded(p: {
  user: string;
  channel: string;
  ts: string;
  reaction: string;
  itemUser: string;
}): JsonObject {
  return {
    token: 'verification-token',
    team_id: TEAM_ID,
    api_app_id: 'A0STANDIN',
    type: 'event_callback',
    event_id: `Ev${Math.random().toString(36).slice(2, 10)}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: TEAM_ID, user_id: BOT_USER_ID, is_bot: true, is_enterprise_install: false }],
    event: {
      type: 'reaction_added',
      user: p.user,
      reaction: p.reaction,
      item_user: p.itemUser,
      item: { type: 'message', channel: p.channel, ts: p.ts },
      event_ts: `${Date.now() / 1000}`,
    },
  };
}

export function buttonClick(p: {
  user: string;
  channel: string;
  messageTs: string;
  threadTs?: string;
  actionId: string;
  value: string;
  responseUrl: string;
}): JsonObject {
  return {
    type: 'block_actions',
    user: { id: p.user, username: p.user.toLowerCase(), name: p.user.toLowerCase(), team_id: TEAM_ID },
    api_app_id: 'A0STANDIN',
    token: 'verification-token',
    container: {
      type: 'message',
      message_ts: p.messageTs,
      channel_id: p.channel,
      is_ephemeral: false,
      thread_ts: p.threadTs,
    },
    trigger_id: `trigger-${p.user}-${Date.now()}`,
    team: { id: TEAM_ID, domain: 'standin' },
    channel: { id: p.channel, name: p.channel.toLowerCase() },
    message: { type: 'message', ts: p.messageTs, user: BOT_USER_ID, text: '', thread_ts: p.threadTs },
    response_url: p.responseUrl,
    actions: [
      {
        action_id: p.actionId,
        block_id: 'actions',
        value: p.value,
        type: 'button',
        action_ts: `${Date.now() / 1000}`,
        text: { type: 'plain_text', text: 'button' },
      },
    ],
  };
}

/** A submitted modal. `values` maps block_id → action_id → the element's state. */
export function viewSubmission(p: {
  user: string;
  view: JsonObject;
  values: Record<string, Record<string, JsonObject>>;
}): JsonObject {
  return {
    type: 'view_submission',
    team: { id: TEAM_ID, domain: 'standin' },
    user: { id: p.user, username: p.user.toLowerCase(), name: p.user.toLowerCase(), team_id: TEAM_ID },
    api_app_id: 'A0STANDIN',
    token: 'verification-token',
    trigger_id: `trigger-${p.user}-${Date.now()}`,
    view: { id: 'V0STANDIN', team_id: TEAM_ID, type: 'modal', ...p.view, state: { values: p.values } },
    response_urls: [],
  };
}

export function fileInputState(files: readonly SlackFile[]): JsonObject {
  return { type: 'file_input', files };
}
