import { request } from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_OPTIONS } from '../../src/engine/options.js';
import { optionsUpTo } from '../../src/options/index.js';
import type { PageFrame } from '../../src/playground/index.js';
import { rawPixels, solidImage } from '../fixtures/images.js';
import { ControlledEngine } from '../jobs/controlled-engine.js';
import {
  InstantNetworkEngine,
  NETWORK_COLOUR,
  OPTION_LIMITS,
  sharedJpeg,
  startTestPlayground,
  Visitor,
  type PlaygroundOptions,
  type TestPlayground,
} from './harness.js';

const started: TestPlayground[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((playground) => playground.stop()));
});

async function open(
  engine = new ControlledEngine(),
  options: PlaygroundOptions = {},
): Promise<TestPlayground & { engine: ControlledEngine }> {
  const playground = await startTestPlayground(engine, options);
  started.push(playground);
  return Object.assign(playground, { engine });
}

function waitFor<T>(what: string, find: () => T | undefined): Promise<T> {
  return vi.waitFor(
    () => {
      const found = find();
      if (found === undefined) throw new Error(`still waiting for ${what}`);
      return found;
    },
    { timeout: 10_000, interval: 20 },
  );
}

interface Refusal {
  readonly status: number;
  readonly error: string;
  readonly field?: string;
}

async function refusal(response: Response): Promise<Refusal> {
  const body = (await response.json()) as { error: string; field?: string };
  expect(body.error).not.toMatch(/undefined|\n\s+at /);
  return { status: response.status, ...body };
}

describe('the playground page', () => {
  it('hands out a visitor cookie and a form generated from the option schema, within the limits', async () => {
    const { playground } = await open();
    expect(playground.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(playground.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.getSetCookie()[0]).toMatch(
      /^easel_visitor=[0-9a-f-]{36}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Strict$/,
    );
    expect(await page.text()).toContain('<script type="module" src="/app.js"></script>');
    for (const path of ['/app.js', '/style.css', '/favicon.svg'])
      expect((await fetch(new URL(path, playground.url))).status, path).toBe(200);

    const setup = (await (await fetch(new URL('/api/setup', playground.url))).json()) as {
      fields: Array<{ key: string; max?: number; level: string }>;
      defaults: Record<string, unknown>;
      presets: Array<{ id: string; name: string; image?: string; instant: boolean; values: Record<string, unknown> }>;
      maxUploadBytes: number;
    };
    const offered = optionsUpTo('advanced')
      .map((option) => option.key)
      .filter((key) => key !== 'styleBlend');
    expect(setup.fields.map((field) => field.key)).toEqual(offered);
    expect(setup.fields.find((field) => field.key === 'size')).toMatchObject({
      min: 32,
      max: OPTION_LIMITS.maxSize,
      step: 1,
      level: 'essential',
    });
    expect(setup.fields.find((field) => field.key === 'optimizer')).toMatchObject({
      kind: 'choice',
      choices: [
        { value: 'lbfgs', label: 'L-BFGS (sharper)' },
        { value: 'adam', label: 'Adam (steadier)' },
      ],
    });
    expect(setup.defaults).toMatchObject({
      size: 48,
      iterations: 6,
      styleWeight: DEFAULT_OPTIONS.styleWeight,
      strength: 5,
    });
    expect(setup.presets.map(({ id, name, image, instant }) => ({ id, name, image, instant }))).toEqual([
      { id: 'wave', name: 'The Great Wave', image: '/presets/wave.jpg', instant: true },
      { id: 'udnie', name: 'Udnie', image: undefined, instant: true },
      { id: 'starry_night', name: 'The Starry Night', image: '/presets/starry_night.jpg', instant: false },
    ]);
    // A preset's form shows its painting's settings; a style network alone has none of its own but the defaults.
    expect(setup.presets[2]?.values).toMatchObject({ styleWeight: 6, size: 48 });
    expect(setup.presets[1]?.values).toEqual(setup.defaults);
    expect(setup.maxUploadBytes).toBe(2 * 1024 * 1024);

    const thumbnail = await fetch(new URL(setup.presets[0]?.image ?? '', playground.url));
    expect(thumbnail.headers.get('content-type')).toBe('image/jpeg');
    const { width, height, format } = await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata();
    // The preset's painting as loaded (no larger than the largest size allowed, 64 px here), within 360 px.
    expect({ width, height, format }).toEqual({ width: 64, height: 44, format: 'jpeg' });
    expect((await fetch(new URL('/presets/nothing.jpg', playground.url))).status).toBe(404);
    expect((await fetch(new URL('/presets/udnie.jpg', playground.url))).status).toBe(404);
  });
});

describe('a playground job', () => {
  it('waits in the same line as chat jobs, and streams its place, progress, preview and result', async () => {
    const { playground, engine, chatJob } = await open();
    chatJob('alice');
    const alice = await engine.nextRun();
    chatJob('bob');

    const visitor = await new Visitor(playground.url).open();
    const photo = await sharedJpeg('content/tubingen.jpg');
    const posted = await visitor.post({ preset: 'starry_night', iterations: '6' }, { content: photo });
    expect(posted.status).toBe(201);
    const job = (await posted.json()) as { id: string; events: string };
    expect(job.events).toBe(`/api/jobs/${job.id}/events`);

    const frames: PageFrame[] = [];
    const streamed = visitor.frames(job.events, (frame) => frames.push(frame));
    const seen = (find: (frame: PageFrame) => boolean): Promise<PageFrame> =>
      waitFor('a frame', () => frames.find(find));

    const second = await seen((frame) => frame.position === 2);
    expect(second).toMatchObject({ stage: 'waiting', label: 'The Starry Night', cancellable: true });
    expect(second.line).toMatch(/^You're #2 in line · starts in /);
    alice.finish();
    expect((await seen((frame) => frame.position === 1)).line).toMatch(/^You're next in line/);
    (await engine.nextRun()).finish();

    const run = await engine.nextRun();
    expect(run.request.content).toMatchObject({ width: 48, height: 36 });
    expect(run.previewIntervalMs).toBeGreaterThan(0);
    await seen((frame) => frame.stage === 'painting' && frame.percent === 0);
    run.progress(2, { preview: solidImage(8, 6, [10, 200, 30]) });
    const painting = await seen((frame) => frame.percent === run.percentAt(2));
    expect(painting.line).toMatch(new RegExp(`^Painting… ${run.percentAt(2)}% · iteration 2/6 · `));
    expect(painting.preview).toBe(`/api/jobs/${job.id}/preview.png?v=1`);
    const preview = await rawPixels(Buffer.from(await (await visitor.fetch(painting.preview ?? '')).arrayBuffer()));
    expect({ width: preview.width, height: preview.height, first: [...preview.data.slice(0, 3)] }).toEqual({
      width: 8,
      height: 6,
      first: [10, 200, 30],
    });
    run.progress(4);
    expect((await seen((frame) => frame.percent === run.percentAt(4))).preview).toBe(painting.preview);
    run.finish(solidImage(48, 36, [250, 120, 10]));

    const all = await streamed;
    const done = all.at(-1);
    expect(done).toMatchObject({ stage: 'done', cancellable: false, result: `/api/jobs/${job.id}/result.png` });
    expect(done?.line).toMatch(
      /^Here it is!\nMade with preset starry_night · strength 5 · size 48 · seed 0 · iterations 6 · \d/,
    );
    expect(all.map((frame) => frame.stage)).toEqual([...all.map((frame) => frame.stage)].sort(byStage));

    // Coming back to a job that is over, the page gets its last frame at once.
    expect(await visitor.frames(job.events)).toEqual([done]);

    const download = await visitor.fetch(done?.download ?? '');
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="easel-the-starry-night.png"');
    const result = await rawPixels(Buffer.from(await download.arrayBuffer()));
    expect({ width: result.width, height: result.height, first: [...result.data.slice(0, 3)] }).toEqual({
      width: 48,
      height: 36,
      first: [250, 120, 10],
    });
    expect(engine.misuse).toEqual([]);
  });

  it('is only for the visitor who asked, who can cancel it while it waits', async () => {
    const { playground, engine, chatJob, queue } = await open();
    chatJob('alice');
    await engine.nextRun();
    const visitor = await new Visitor(playground.url).open();
    const posted = await visitor.post({ preset: 'starry_night' }, { content: await sharedJpeg('content/kitten.jpg') });
    const job = (await posted.json()) as { id: string; events: string };

    const stranger = await new Visitor(playground.url).open();
    expect(await refusal(await stranger.fetch(job.events))).toMatchObject({
      status: 404,
      error: 'I have no such job for you; it may have ended a while ago.',
    });
    expect((await stranger.fetch(`/api/jobs/${job.id}/cancel`, { method: 'POST' })).status).toBe(404);

    const frames = visitor.frames(job.events);
    const cancelled = await visitor.fetch(`/api/jobs/${job.id}/cancel`, { method: 'POST' });
    expect(await cancelled.json()).toEqual({ outcome: 'cancelled' });
    expect((await frames).at(-1)).toMatchObject({
      stage: 'cancelled',
      line: 'Cancelled. Nothing was painted.',
      cancellable: false,
    });
    expect(queue.waiting).toBe(0);
  });

  it("remixes the visitor's own finished picture only, and says why not in the page's words", async () => {
    const { playground, engine, chatJob } = await open(new ControlledEngine(), { maxPerUser: 1 });
    const visitor = await new Visitor(playground.url).open();
    const photo = await sharedJpeg('content/kitten.jpg');
    const painting = await sharedJpeg('styles/munch_the_scream.jpg');
    const posted = await visitor.post({ strength: '9' }, { content: photo, style: painting });
    const job = (await posted.json()) as { id: string; events: string };
    const first = await engine.nextRun();
    first.finish(solidImage(48, 36, [250, 120, 10]));
    const done = (await visitor.frames(job.events)).at(-1);
    // At strength 9 there is room for one step up, to 10: More style is still offered.
    expect(done?.remixes.map((offer) => offer.action)).toEqual(['more', 'less', 'colours', 'bigger', 'variation']);
    const remix = (who: Visitor, action: string, method = 'POST'): Promise<Response> =>
      who.fetch(`/api/jobs/${job.id}/remix/${action}`, { method });

    const stranger = await new Visitor(playground.url).open();
    const notYours = 'I have no such picture to remix for you; paint it again with the form.';
    expect(await refusal(await remix(stranger, 'more'))).toMatchObject({ status: 404, error: notYours });
    expect(await refusal(await remix(visitor, 'louder'))).toMatchObject({ status: 404, error: notYours });
    expect((await remix(visitor, 'more', 'GET')).status).toBe(405);
    const elsewhere = { origin: 'http://evil.example' };
    const forged = await visitor.fetch(`/api/jobs/${job.id}/remix/more`, { method: 'POST', headers: elsewhere });
    expect(forged.status).toBe(403);

    // With their one place in line taken, the queue's own words.
    chatJob('alice');
    const alice = await engine.nextRun();
    const second = await visitor.post({}, { content: photo, style: painting });
    expect(second.status).toBe(201);
    expect(await refusal(await remix(visitor, 'more'))).toMatchObject({
      status: 429,
      error: 'You already have a job in line. Wait for one to finish (or cancel one), then try again.',
    });
    alice.finish();
    (await engine.nextRun()).finish();
    await visitor.frames(((await second.json()) as { events: string }).events);

    const more = await remix(visitor, 'more');
    expect(more.status).toBe(201);
    const remixed = (await more.json()) as { id: string; events: string };
    expect(remixed.id).not.toBe(job.id);
    const run = await engine.nextRun();
    expect(run.request.options.styleWeight).toBeCloseTo(first.request.options.styleWeight * 2.2, 6);
    expect(run.previewIntervalMs).toBeGreaterThan(0);
    run.finish(solidImage(48, 36, [20, 40, 160]));
    const last = (await visitor.frames(remixed.events)).at(-1);
    expect(last?.line).toMatch(/^Here it is!\nMade with your style image · strength 10 · size 48 · /);
    // At strength 10 there is no More style left.
    expect(last?.remixes.map((offer) => offer.action)).toEqual(['less', 'colours', 'bigger', 'variation']);
    expect(engine.misuse).toEqual([]);
  });

  it('refuses what chat refuses, in words for the page, pointing at the field, and keeps no place in line', async () => {
    const { playground, engine, queue } = await open(new ControlledEngine(), {
      maxUploadBytes: 64 * 1024,
      maxPerUser: 1,
    });
    const visitor = await new Visitor(playground.url).open();
    const photo = await sharedJpeg('content/tubingen.jpg');
    const painting = await sharedJpeg('styles/munch_the_scream.jpg');

    const cases: Array<[Record<string, string>, Record<string, Buffer>, Refusal]> = [
      [{ preset: 'starry_night' }, {}, { status: 400, error: 'Choose a photo to paint.', field: 'content' }],
      [
        {},
        { content: photo },
        { status: 400, error: 'Choose a painting to paint in: pick a preset, or upload one.', field: 'style' },
      ],
      [
        { preset: 'starry_night' },
        { content: photo, style: painting },
        { status: 400, error: 'Pick a preset or upload a painting, not both.', field: 'style' },
      ],
      [
        { preset: 'mona_lisa' },
        { content: photo },
        { status: 400, error: 'I don\'t know the preset "mona_lisa". Pick one from the list.', field: 'style' },
      ],
      [
        { preset: 'starry_night', styleWeight: '5000000' },
        { content: photo },
        {
          status: 400,
          error:
            'Style weight must be between 0 and 1000000 (the raw style weight at strength 5; strength scales it); got 5000000.',
          field: 'styleWeight',
        },
      ],
      [
        { preset: 'starry_night', size: '512' },
        { content: photo },
        {
          status: 400,
          error: 'Size must be between 32 and 64 (longest side of the result in pixels); got 512.',
          field: 'size',
        },
      ],
      [
        { preset: 'udnie', styleWeight: '0.001' },
        { content: photo },
        { status: 400, error: 'Udnie is a style network, so only Size applies to it.', field: 'styleWeight' },
      ],
      [
        {},
        { content: Buffer.from('not a picture at all'), style: painting },
        {
          status: 400,
          error: "The photo isn't in a format I can read. Send a JPEG, PNG, WebP, GIF, AVIF or TIFF.",
          field: 'content',
        },
      ],
      [
        {},
        { content: photo, style: Buffer.alloc(80 * 1024, 7) },
        {
          status: 413,
          error: 'The painting is larger than 64 KB. Send a smaller or more compressed version.',
          field: 'style',
        },
      ],
    ];
    for (const [fields, files, expected] of cases) {
      expect(await refusal(await visitor.post(fields, files)), expected.error).toEqual(expected);
    }

    // None of them kept a place: with one job allowed per member, this one is taken.
    const accepted = await visitor.post({ preset: 'starry_night' }, { content: photo });
    expect(accepted.status).toBe(201);
    await engine.nextRun();
    expect(await refusal(await visitor.post({ preset: 'starry_night' }, { content: photo }))).toEqual({
      status: 429,
      error: 'You already have a job in line. Wait for one to finish (or cancel one), then try again.',
    });
    expect(queue.running).toBe(1);
  });

  it('is refused with what would fit when it cannot finish in time', async () => {
    const { playground } = await open(new ControlledEngine(), { timeoutMs: 1000 });
    const visitor = await new Visitor(playground.url).open();
    const photo = await sharedJpeg('content/tubingen.jpg');
    const answer = await refusal(await visitor.post({ preset: 'starry_night', iterations: '500' }, { content: photo }));
    expect(answer).toMatchObject({ status: 400, field: 'iterations' });
    expect(answer.error).toMatch(/^At 48 px I can do about \d+ iterations in the time I allow; try Iterations \d+\.$/);
  });
});

/** Every setting of the form as the page fills it in for `presetId` and posts it, with `changes` over them. */
async function pageForm(
  visitor: Visitor,
  presetId: string,
  changes: Record<string, string> = {},
): Promise<Record<string, string>> {
  const setup = (await (await visitor.fetch('/api/setup')).json()) as {
    presets: Array<{ id: string; values: Record<string, string | number | boolean> }>;
  };
  const values = setup.presets.find((preset) => preset.id === presetId)?.values ?? {};
  const shown = Object.fromEntries(Object.entries(values).map(([key, value]) => [key, String(value)]));
  return { preset: presetId, ...shown, ...changes };
}

describe("a preset's style network", () => {
  it('paints a preset left as the form shows it at once, with its network, and shows just the result', async () => {
    const network = new InstantNetworkEngine();
    const { playground, engine } = await open(new ControlledEngine(), { networkEngine: network });
    const visitor = await new Visitor(playground.url).open();
    const posted = await visitor.post(await pageForm(visitor, 'wave'), {
      content: await sharedJpeg('content/tubingen.jpg', 64),
    });
    expect(posted.status).toBe(201);
    const job = (await posted.json()) as { events: string };

    const frames = await visitor.frames(job.events);
    expect(frames.map((frame) => frame.stage)).toEqual(['done']);
    expect(frames[0]?.line).toMatch(/^Here it is!\nMade with preset wave · style network · size 48 · /);
    expect(frames[0]?.percent).toBeUndefined();
    // The photo is kept as a Bigger remix would paint it, one size step up (here the 64 px cap).
    expect(network.asked.map(({ networkId, size, image }) => ({ networkId, size, width: image.width }))).toEqual([
      { networkId: 'wave', size: 48, width: 64 },
    ]);
    const result = await rawPixels(Buffer.from(await (await visitor.fetch(frames[0]?.result ?? '')).arrayBuffer()));
    expect({ width: result.width, height: result.height, first: [...result.data.slice(0, 3)] }).toEqual({
      width: 48,
      height: 36,
      first: [...NETWORK_COLOUR],
    });
    expect(engine.runs).toEqual([]);
  });

  it("takes a new size on the network, and any other change to the painting's settings", async () => {
    const network = new InstantNetworkEngine();
    const { playground, engine } = await open(new ControlledEngine(), { networkEngine: network });
    const visitor = await new Visitor(playground.url).open();
    const content = await sharedJpeg('content/kitten.jpg');

    const resized = await visitor.post(await pageForm(visitor, 'udnie', { size: '40' }), { content });
    await visitor.frames(((await resized.json()) as { events: string }).events);
    expect(network.asked.map(({ networkId, size }) => ({ networkId, size }))).toEqual([
      { networkId: 'udnie', size: 40 },
    ]);

    // The same value written another way is no change.
    const changed = await pageForm(visitor, 'wave', { styleWeight: '0.0005', iterations: '6.0' });
    expect((await visitor.post(changed, { content })).status).toBe(201);
    const run = await engine.nextRun();
    expect(run.request.options).toMatchObject({ styleWeight: 0.0005, iterations: 6, size: 48 });
    expect(network.asked).toHaveLength(1);
    run.finish();
  });
});

describe('who may use the playground', () => {
  const TOKEN = 'correct-horse-battery-staple';

  it('on loopback: only requests addressed to a loopback name, and forms from the page itself', async () => {
    const { playground } = await open();
    const { port } = new URL(playground.url);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const sent = request(
        { host: '127.0.0.1', port, path: '/', headers: { host: `attacker.example:${port}` } },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      sent.on('error', reject);
      sent.end();
    });
    expect(answer.status).toBe(403);
    expect(answer.body).toContain('This easel playground answers at its loopback address only');

    const visitor = await new Visitor(playground.url, { origin: 'http://attacker.example' }).open();
    const posted = await visitor.post({ preset: 'wave' }, { content: await sharedJpeg('content/kitten.jpg') });
    expect(await refusal(posted)).toEqual({
      status: 403,
      error: 'I could not tell who sent that. Reload the page and try again.',
    });
  });

  it('with a shared secret: only with it, kept in a cookie once the link with ?token= is opened', async () => {
    const { playground } = await open(new ControlledEngine(), { token: TOKEN });
    expect((await fetch(playground.url)).status).toBe(401);
    expect(await refusal(await fetch(new URL('/api/setup', playground.url)))).toMatchObject({ status: 401 });
    expect((await fetch(new URL('/?token=guess-guess-guess', playground.url))).status).toBe(401);

    const visitor = new Visitor(playground.url);
    const signIn = await visitor.fetch(`/?token=${TOKEN}`);
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('location')).toBe('/');
    expect(signIn.headers.getSetCookie().join('\n')).not.toContain(TOKEN);
    expect((await visitor.fetch('/')).status).toBe(200);
    expect((await visitor.fetch('/api/setup')).status).toBe(200);
    const bearer = await fetch(new URL('/api/setup', playground.url), {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(bearer.status).toBe(200);
  });

  it('logs each request without the secret or the cookies', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => void (lines.push(chunk.toString()), done()),
    });
    const engine = new ControlledEngine();
    const logged = await startTestPlayground(engine, { token: TOKEN, logger: pino({ level: 'debug' }, sink) });
    started.push(logged);
    const visitor = new Visitor(logged.playground.url);
    await visitor.fetch(`/?token=${TOKEN}`);
    await (await visitor.fetch('/api/setup')).text();
    await waitFor('the request lines', () => (lines.length >= 2 ? lines : undefined));
    const requests = lines.map(
      (line) => JSON.parse(line) as { msg: string; req?: { path: string }; res?: { status: number } },
    );
    expect(
      requests.filter((line) => line.msg === 'request completed').map((line) => [line.req?.path, line.res?.status]),
    ).toEqual([
      ['/', 303],
      ['/api/setup', 200],
    ]);
    const text = lines.join('');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('easel_visitor');
  });
});

const STAGES = ['waiting', 'painting', 'done', 'failed', 'cancelled'];
function byStage(a: string, b: string): number {
  return STAGES.indexOf(a) - STAGES.indexOf(b);
}
