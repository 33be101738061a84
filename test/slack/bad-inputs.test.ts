import sharp from 'sharp';
import { expect, test } from 'vitest';
import { OPEN_UPLOAD_ACTION, UPLOAD_VIEW } from '../../src/slack/blocks.js';
import { optionBlockId, UPLOAD_FIELDS } from '../../src/slack/upload-modal.js';
import { buttonClick, fileInputState, viewSubmission } from '../standins/slack/envelopes.js';
import type { JsonObject } from '../standins/slack/server.js';
import { command, painting, photo, postJpeg, useBot } from './harness.js';

const bot = useBot();

/** Runs /stylize and returns the private answer it got. */
async function answerTo(user: string, text = ''): Promise<JsonObject> {
  const { slack } = bot();
  const before = slack.responses.length;
  await command(slack, user, 'C1', text);
  return slack.waitForResponse((r) => slack.responses.indexOf(r) >= before);
}

test('each unusable input gets a clear private answer, and the next good request is painted', async () => {
  const { slack } = bot();
  const good = await photo('tubingen.jpg', 40);

  postJpeg(slack, 'U1', 'C1', good);
  slack.postFile({
    channel: 'C1',
    user: 'U1',
    name: 'notes.png',
    mimetype: 'image/png',
    bytes: Buffer.from('shopping list: eggs, milk'),
  });
  expect(await answerTo('U1')).toMatchObject({
    response_type: 'ephemeral',
    text: "The style image isn't in a format I can read. Send a JPEG, PNG, WebP, GIF, AVIF or TIFF.",
  });

  slack.postFile({
    channel: 'C1',
    user: 'U2',
    name: 'cut.jpg',
    mimetype: 'image/jpeg',
    bytes: good.subarray(0, good.length / 2),
  });
  postJpeg(slack, 'U2', 'C1', await painting());
  expect((await answerTo('U2')).text).toMatch(/^The photo is damaged or cut short/);

  const huge = await sharp({ create: { width: 1200, height: 1000, channels: 3, background: '#808080' } })
    .png()
    .toBuffer();
  postJpeg(slack, 'U3', 'C1', good);
  slack.postFile({ channel: 'C1', user: 'U3', name: 'huge.png', mimetype: 'image/png', bytes: huge });
  expect((await answerTo('U3')).text).toMatch(
    /^The style image is 1200×1000 px \(1\.2 megapixels\); the limit is 1 megapixels/,
  );

  expect((await answerTo('U4', 'iterations=lots')).text).toMatch(/`iterations` needs a number/);
  expect((await answerTo('U4', 'preset=nosuch')).text).toMatch(/I don't know a preset called "nosuch"/);

  expect(slack.callsOf('chat.postMessage')).toEqual([]);
  expect(bot().engine.runs).toEqual([]);

  postJpeg(slack, 'U4', 'C1', good);
  postJpeg(slack, 'U4', 'C1', await painting());
  await command(slack, 'U4', 'C1', '');
  (await bot().engine.nextRun()).finish();
  const upload = await slack.waitForUpload();
  expect(upload.comment).toContain('<@U4>');
});

test('with no images, /stylize explains what to do and offers a form whose submission is painted', async () => {
  const { slack } = bot();
  // Too old to count: more than 10 minutes ago.
  slack.postFile({
    channel: 'C1',
    user: 'U1',
    name: 'old.jpg',
    mimetype: 'image/jpeg',
    bytes: await photo(),
    at: Date.now() - 11 * 60_000,
  });

  const howTo = await answerTo('U1');
  expect(howTo.text).toMatch(/^I didn't find any images from you here in the last 10 minutes\.\nPost two images/);
  const button = JSON.stringify(howTo.blocks);
  expect(button).toContain(OPEN_UPLOAD_ACTION);

  await slack.send(
    'interactive',
    buttonClick({
      user: 'U1',
      channel: 'C1',
      messageTs: '1.000001',
      actionId: OPEN_UPLOAD_ACTION,
      value: '',
      responseUrl: slack.responseUrl(),
    }),
  );
  const opened = await slack.waitForCall('views.open');
  const view = opened.args.view as JsonObject & { blocks: { block_id: string; element: { type: string } }[] };
  expect(view.callback_id).toBe(UPLOAD_VIEW);
  expect(view.blocks.filter((b) => b.element.type === 'file_input').map((b) => b.block_id)).toEqual([
    UPLOAD_FIELDS.content,
    UPLOAD_FIELDS.style,
  ]);

  const content = slack.hostFile('photo.jpg', 'image/jpeg', await photo('kitten.jpg', 40));
  const style = slack.hostFile('style.jpg', 'image/jpeg', await painting());
  const submit = (strength: string) =>
    slack.send(
      'interactive',
      viewSubmission({
        user: 'U1',
        view: { callback_id: UPLOAD_VIEW, private_metadata: String(view.private_metadata) },
        values: {
          [UPLOAD_FIELDS.content]: { value: fileInputState([content]) },
          [UPLOAD_FIELDS.style]: { value: fileInputState([style]) },
          [optionBlockId('strength')]: { value: { type: 'number_input', value: strength } },
        },
      }),
    );

  const refused = await submit('11');
  expect(refused.payload).toMatchObject({
    response_action: 'errors',
    errors: { [optionBlockId('strength')]: expect.stringMatching(/`strength` must be between 1 and 10/) },
  });
  expect(slack.callsOf('chat.postMessage')).toEqual([]);

  await submit('7');
  const run = await bot().engine.nextRun();
  run.finish();
  const upload = await slack.waitForUpload();
  expect(upload.channel).toBe('C1');
  expect(upload.comment).toContain('strength 7');
});
