import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LiveMessage } from '../../src/discord/live-message.js';

const logger = pino({ level: 'silent' });

/** An edit function whose calls finish only when the test says so. */
function slowEditor() {
  const sent: string[] = [];
  const pending: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  const send = (view: string) =>
    new Promise<void>((resolve, reject) => {
      sent.push(view);
      pending.push({ resolve, reject });
    });
  const settle = async (fail = false): Promise<void> => {
    const call = pending.shift();
    if (!call) throw new Error('no edit in flight');
    if (fail) call.reject(new Error('429'));
    else call.resolve();
    await new Promise((resolve) => setTimeout(resolve, 5));
  };
  return { sent, send, settle, inFlight: () => pending.length };
}

describe('LiveMessage', () => {
  it('sends one edit at a time and only the newest view once the last edit is done', async () => {
    const editor = slowEditor();
    const live = new LiveMessage(editor.send, 0, logger);
    live.show('1%');
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (const view of ['2%', '3%', '4%']) live.show(view);
    expect(editor.sent).toEqual(['1%']);
    expect(editor.inFlight()).toBe(1);
    await editor.settle();
    expect(editor.sent).toEqual(['1%', '4%']);
  });

  it('drops a failed progress edit and goes on with the next view', async () => {
    const editor = slowEditor();
    const live = new LiveMessage(editor.send, 0, logger);
    live.show('1%');
    await new Promise((resolve) => setTimeout(resolve, 5));
    live.show('2%');
    await editor.settle(true);
    expect(editor.sent).toEqual(['1%', '2%']);
  });

  it('sends the final view after the edit in flight, ignores later views, and retries it', async () => {
    const editor = slowEditor();
    const live = new LiveMessage(editor.send, 60_000, logger);
    live.show('50%');
    await new Promise((resolve) => setTimeout(resolve, 5));
    live.show('60%');
    const finished = live.finish('done');
    live.show('70%');
    await editor.settle();
    expect(editor.sent).toEqual(['50%', 'done']);
    await editor.settle(true);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(editor.sent).toEqual(['50%', 'done', 'done']);
    await editor.settle();
    await finished;
  });

  it('merges a superseded view into the next one', async () => {
    const editor = slowEditor();
    const live = new LiveMessage<string>(editor.send, 0, logger, (older, newer) => `${newer}+${older}`);
    live.show('a');
    await new Promise((resolve) => setTimeout(resolve, 5));
    live.show('b');
    live.show('c');
    await editor.settle();
    expect(editor.sent).toEqual(['a', 'c+b']);
  });
});
