// The playground's page: draws the form from /api/setup (generated from easel's option schema), posts it to
// /api/jobs, and follows the job's status frames (src/playground/page-job.ts: PageFrame) over Server-Sent Events.
// It runs in the browser, with no build step:
/* global document, AbortController, CSS, EventSource, FormData, Option, URL, fetch, sessionStorage */

const $ = (selector) => document.querySelector(selector);

const STAGE_NAMES = {
  waiting: 'In line',
  painting: 'Painting',
  done: 'Done',
  failed: 'Not painted',
  cancelled: 'Cancelled',
};
const FINAL_STAGES = new Set(['done', 'failed', 'cancelled']);
/** Where this tab keeps the job it follows, so that a reload finds it again. */
const JOB_KEY = 'easel.job';
const EVENTS_PATH = /^\/api\/jobs\/[0-9a-f-]{36}\/events$/;

const state = {
  setup: undefined,
  /** The preset picked, by id. */
  preset: undefined,
  presetTab: true,
  /** Fields the visitor changed, which picking another preset leaves as they are; the rest follow the preset. */
  touched: new Set(),
  job: undefined,
  events: undefined,
  /** The photo chosen, shown until the first preview arrives. */
  photoUrl: undefined,
};

function formatBytes(bytes) {
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

/** The status line's text, with chat's `code` spans as <code>; of several lines, the first leads. */
function setRichText(element, text) {
  element.replaceChildren();
  const rows = text.split('\n');
  rows.forEach((row, index) => {
    const holder = rows.length > 1 && index === 0 ? document.createElement('strong') : element;
    if (index > 0) element.append(document.createElement('br'));
    row.split('`').forEach((part, i) => {
      if (i % 2 === 1) {
        const code = document.createElement('code');
        code.textContent = part;
        holder.append(code);
      } else if (part) {
        holder.append(part);
      }
    });
    if (holder !== element) element.append(holder);
  });
}

// ---- errors ----

function clearErrors() {
  for (const element of document.querySelectorAll('[data-error-for]')) element.textContent = '';
  for (const element of document.querySelectorAll('.invalid')) element.classList.remove('invalid');
  $('#form-error').textContent = '';
}

/** Shows `message` by the field it is about (and opens "More settings" when the field is in there). */
function showError(message, field) {
  const holder = field ? document.querySelector(`[data-error-for="${CSS.escape(field)}"]`) : null;
  if (holder) {
    holder.textContent = message;
    holder.closest('.field, .step')?.classList.add('invalid');
    if (holder.closest('#more')) $('#more').open = true;
    holder.closest('.field, .step')?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }
  $('#form-error').textContent = holder ? 'Please check the highlighted part of the form.' : message;
}

// ---- the form ----

function input(field) {
  const id = `field-${field.key}`;
  let control;
  if (field.kind === 'choice') {
    control = document.createElement('select');
    for (const choice of field.choices) control.append(new Option(choice.label, choice.value));
  } else if (field.kind === 'boolean') {
    control = document.createElement('input');
    control.type = 'checkbox';
  } else {
    control = document.createElement('input');
    control.type = field.kind === 'number' ? 'number' : 'text';
    if (field.kind === 'number') {
      control.min = String(field.min);
      control.max = String(field.max);
      control.step = String(field.step);
      control.inputMode = field.step === 1 ? 'numeric' : 'decimal';
    } else {
      control.placeholder = field.example;
    }
  }
  control.id = id;
  control.name = field.key;
  control.addEventListener('input', () => state.touched.add(field.key));
  return control;
}

function fieldRow(field) {
  const row = document.createElement('div');
  row.className = `field field-${field.kind}`;
  row.dataset.field = field.key;
  const label = document.createElement('label');
  label.htmlFor = `field-${field.key}`;
  label.textContent = field.label;
  const control = input(field);
  const help = document.createElement('small');
  help.className = 'help';
  help.textContent = field.help;
  const error = document.createElement('p');
  error.className = 'field-error';
  error.dataset.errorFor = field.key;
  if (field.kind === 'boolean') {
    label.prepend(control);
    label.classList.add('toggle');
    row.append(label, help, error);
  } else {
    row.append(label, control, help, error);
  }
  return row;
}

/** Sets every field the visitor has not changed to `values` (the preset's settings, or the defaults). */
function applyValues(values) {
  for (const field of state.setup.fields) {
    if (state.touched.has(field.key)) continue;
    const control = document.getElementById(`field-${field.key}`);
    const value = values[field.key];
    if (field.kind === 'boolean') control.checked = Boolean(value);
    else control.value = value === undefined ? '' : String(value);
  }
}

/** The field values of the preset picked, or the defaults. */
function presetValues() {
  return state.setup.presets.find((preset) => preset.id === state.preset)?.values ?? state.setup.defaults;
}

function pickPreset(id) {
  state.preset = id;
  for (const card of document.querySelectorAll('.preset')) {
    const picked = card.dataset.preset === id;
    card.setAttribute('aria-checked', String(picked));
    card.tabIndex = picked ? 0 : -1;
  }
  applyValues(presetValues());
}

function showTab(presets) {
  state.presetTab = presets;
  $('#tab-presets').setAttribute('aria-selected', String(presets));
  $('#tab-upload').setAttribute('aria-selected', String(!presets));
  $('#gallery').hidden = !presets;
  $('#style-drop').hidden = presets;
  applyValues(presets ? presetValues() : state.setup.defaults);
}

/** The preset's painting, or for a style network alone (whose painting easel does not have) its emoji on a tile. */
function presetPicture(preset) {
  if (preset.image === undefined) {
    const tile = document.createElement('span');
    tile.className = 'preset-tile';
    tile.setAttribute('aria-hidden', 'true');
    tile.textContent = preset.emoji;
    return tile;
  }
  const image = document.createElement('img');
  image.src = preset.image;
  image.alt = '';
  image.loading = 'lazy';
  return image;
}

function drawGallery(presets) {
  const gallery = $('#gallery');
  for (const preset of presets) {
    const card = document.createElement('button');
    card.type = 'button';
    card.className = 'preset';
    card.setAttribute('role', 'radio');
    card.dataset.preset = preset.id;
    card.append(presetPicture(preset));
    if (preset.instant) {
      const badge = document.createElement('span');
      badge.className = 'preset-instant';
      badge.textContent = 'Instant';
      badge.title = 'Painted in a moment by a style network, while its settings are left as they are';
      card.append(badge);
    }
    const title = document.createElement('span');
    title.className = 'preset-title';
    title.textContent = preset.name;
    card.title = `${preset.name}: ${preset.credit}. In chat, react with ${preset.emoji}`;
    card.append(title);
    card.addEventListener('click', () => pickPreset(preset.id));
    gallery.append(card);
  }
  if (presets.length === 0) {
    showTab(false);
    $('#tab-presets').hidden = true;
  }
}

/** A drop zone: click or drop a picture, and see it there with its name. */
function dropZone(zone) {
  const fileInput = zone.querySelector('input[type=file]');
  const image = zone.querySelector('.drop-image');
  const label = zone.querySelector('.drop-text');
  const invitation = [...label.childNodes].map((node) => node.cloneNode(true));
  const show = () => {
    const file = fileInput.files[0];
    if (image.src) URL.revokeObjectURL(image.src);
    image.hidden = !file;
    zone.classList.toggle('has-image', Boolean(file));
    if (!file) return label.replaceChildren(...invitation.map((node) => node.cloneNode(true)));
    image.src = URL.createObjectURL(file);
    const name = document.createElement('strong');
    name.textContent = file.name;
    const hint = document.createElement('span');
    hint.className = 'drop-change';
    hint.textContent = 'Click or drop another to change it';
    label.replaceChildren(name, hint);
  };
  fileInput.addEventListener('change', show);
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    if (event.dataTransfer?.files.length) {
      fileInput.files = event.dataTransfer.files;
      show();
    }
  });
}

// ---- the job ----

function render(frame) {
  $('#status-empty').hidden = true;
  $('#status-job').hidden = false;
  $('#status').dataset.stage = frame.stage;
  $('#stage').textContent = STAGE_NAMES[frame.stage] ?? frame.stage;
  $('#job-label').textContent = frame.label;
  setRichText($('#line'), frame.line);

  const position = $('#position');
  position.hidden = frame.position === undefined;
  if (frame.position !== undefined) {
    position.textContent = frame.position === 1 ? 'Next in line' : `#${frame.position} in line`;
  }

  const { percent } = frame;
  $('#meter').hidden = percent === undefined;
  $('#meter').setAttribute('aria-valuenow', String(percent ?? 0));
  $('#meter-fill').style.width = `${percent ?? 0}%`;

  const picture = $('#picture');
  const shown = frame.result ?? frame.preview;
  const src = shown ?? state.photoUrl;
  if (src && picture.getAttribute('src') !== src) picture.src = src;
  picture.classList.toggle('sketch', shown === undefined);
  picture.alt = frame.result ? `${frame.label}: the finished painting` : 'Your photo, waiting to be painted';

  const download = $('#download');
  download.hidden = frame.download === undefined;
  if (frame.download) {
    download.href = frame.download;
    download.download = '';
  }
  $('#cancel').hidden = !frame.cancellable;

  const remixes = $('#remixes');
  remixes.replaceChildren(...(frame.remixes ?? []).map(remixButton));
  remixes.hidden = remixes.childElementCount === 0;

  if (FINAL_STAGES.has(frame.stage)) finishJob();
}

function remixButton(offer) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'button secondary';
  button.dataset.remix = offer.action;
  button.textContent = offer.label;
  button.addEventListener('click', () => remix(offer.action));
  return button;
}

/** A remix button: the same pictures painted again with one change, followed like a new job. */
async function remix(action) {
  if (!state.job) return;
  const buttons = [...document.querySelectorAll('#remixes button')];
  for (const button of buttons) button.disabled = true;
  $('#remix-error').textContent = '';
  let answer;
  try {
    const response = await fetch(`/api/jobs/${state.job.id}/remix/${action}`, { method: 'POST' });
    answer = { ok: response.ok, body: await response.json() };
  } catch {
    answer = { ok: false, body: { error: "I couldn't reach easel. Is it still running?" } };
  }
  if (!answer.ok) {
    for (const button of buttons) button.disabled = false;
    $('#remix-error').textContent = answer.body.error ?? 'Something went wrong. Please try again.';
    return;
  }
  $('#paint').disabled = true;
  $('#paint').textContent = 'Painting…';
  follow(answer.body);
}

function finishJob() {
  state.events?.close();
  state.events = undefined;
  $('#paint').disabled = false;
  $('#paint').textContent = 'Paint again';
}

function follow(job) {
  state.job = job;
  try {
    sessionStorage.setItem(JOB_KEY, JSON.stringify({ id: job.id, events: job.events }));
  } catch {
    // Storage off (a private window, a policy): a reload forgets the job, nothing else changes.
  }
  $('#remix-error').textContent = '';
  state.events?.close();
  const events = new EventSource(job.events);
  state.events = events;
  events.onmessage = (message) => render(JSON.parse(message.data));
  events.onerror = () => {
    // The browser reconnects by itself while the job is kept; a stream it gave up on is a job that is gone.
    if (events.readyState !== EventSource.CLOSED || state.events !== events) return;
    setRichText($('#line'), 'I lost track of this job. Reload the page to start again.');
    finishJob();
  };
}

async function paint(event) {
  event.preventDefault();
  clearErrors();
  const { setup } = state;
  const photo = $('#content-input').files[0];
  const ownStyle = state.presetTab ? undefined : $('#style-input').files[0];
  if (!photo) return showError('Choose a photo to paint.', 'content');
  if (state.presetTab && !state.preset) return showError('Pick a preset, or upload a painting of your own.', 'style');
  if (!state.presetTab && !ownStyle) return showError('Choose a painting to paint in.', 'style');
  for (const [file, field, what] of [
    [photo, 'content', 'photo'],
    [ownStyle, 'style', 'painting'],
  ]) {
    if (file && file.size > setup.maxUploadBytes) {
      return showError(
        `The ${what} is larger than ${formatBytes(setup.maxUploadBytes)}. Send a smaller or more compressed version.`,
        field,
      );
    }
  }

  const form = new FormData();
  if (state.presetTab) form.append('preset', state.preset);
  // Every setting: the server counts as asked for only those that differ from the preset's own.
  for (const field of setup.fields) {
    const control = document.getElementById(`field-${field.key}`);
    if (field.kind === 'boolean') form.append(field.key, String(control.checked));
    else if (control.value.trim() !== '') form.append(field.key, control.value.trim());
  }
  form.append('content', photo);
  if (ownStyle) form.append('style', ownStyle);

  const button = $('#paint');
  button.disabled = true;
  button.textContent = 'Sending…';
  let answer;
  try {
    const response = await fetch('/api/jobs', { method: 'POST', body: form });
    answer = { ok: response.ok, body: await response.json() };
  } catch {
    answer = { ok: false, body: { error: "I couldn't reach easel. Is it still running?" } };
  }
  if (!answer.ok) {
    button.disabled = false;
    button.textContent = 'Paint it';
    return showError(answer.body.error ?? 'Something went wrong. Please try again.', answer.body.field);
  }
  button.textContent = 'Painting…';
  if (state.photoUrl) URL.revokeObjectURL(state.photoUrl);
  state.photoUrl = URL.createObjectURL(photo);
  $('#picture').removeAttribute('src');
  follow(answer.body);
}

async function cancel() {
  if (!state.job) return;
  $('#cancel').disabled = true;
  await fetch(`/api/jobs/${state.job.id}/cancel`, { method: 'POST' }).catch(() => undefined);
  $('#cancel').disabled = false;
}

/** After a reload: the job this tab was following, if easel still keeps it for this visitor. */
async function resume() {
  let saved;
  try {
    saved = JSON.parse(sessionStorage.getItem(JOB_KEY) ?? 'null');
  } catch {
    saved = null;
  }
  if (typeof saved?.id !== 'string' || typeof saved.events !== 'string' || !EVENTS_PATH.test(saved.events)) return;
  // One look at the stream says whether the job is still there; following it opens the stream again.
  const probe = new AbortController();
  const response = await fetch(saved.events, { signal: probe.signal }).catch(() => undefined);
  probe.abort();
  if (!response?.ok) {
    sessionStorage.removeItem(JOB_KEY);
    return;
  }
  $('#paint').disabled = true;
  $('#paint').textContent = 'Painting…';
  follow(saved);
}

async function start() {
  const response = await fetch('/api/setup');
  if (!response.ok) {
    $('#form-error').textContent =
      (await response.json().catch(() => ({}))).error ?? 'easel is not answering. Reload the page.';
    return;
  }
  const setup = await response.json();
  state.setup = setup;
  for (const note of document.querySelectorAll('[data-upload-note]')) {
    note.textContent = `JPEG, PNG, WebP, GIF, AVIF or TIFF · up to ${formatBytes(setup.maxUploadBytes)}`;
  }
  for (const field of setup.fields) {
    $(field.level === 'advanced' ? '#advanced-fields' : '#fields').append(fieldRow(field));
  }
  drawGallery(setup.presets);
  if (setup.presets.length > 0) pickPreset(setup.presets[0].id);
  else applyValues(setup.defaults);

  dropZone($('#content-drop'));
  dropZone($('#style-drop'));
  $('#tab-presets').addEventListener('click', () => showTab(true));
  $('#tab-upload').addEventListener('click', () => showTab(false));
  $('#paint-form').addEventListener('submit', paint);
  $('#cancel').addEventListener('click', cancel);
  await resume().catch(() => undefined);
  document.body.dataset.ready = 'true';
}

start().catch(() => {
  $('#form-error').textContent = 'easel is not answering. Reload the page.';
});
