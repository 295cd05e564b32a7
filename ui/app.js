// The ocr-mock sandbox page: plain browser JavaScript, no framework, nothing loaded from anywhere else.
// It talks to the emulator as any client does: IAM for a token (POST /v3/auth/tokens, X-Subject-Token), the OCR
// route with X-Auth-Token, and the admin API's journal (GET /_mock/journal), which it polls.

const UI = '/_mock/ui';
const POLL_MS = 1500;
const JOURNAL_ROWS = 15;
const ADMIN_TOKEN_KEY = 'ocr-mock.admin-token';
/** Result members that are not fields. */
const NOT_FIELDS = new Set(['confidence', 'extra_info']);

const $ = (selector) => {
  const element = document.querySelector(selector);
  if (!element) throw new Error(`the page has no ${selector}`);
  return element;
};

/** An element with attributes and children (strings become text, never HTML). */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === undefined || value === null) continue;
    if (name === 'class') element.className = value;
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) element.append(child);
  return element;
}

/** Replaces an element's children; arrays are flattened, null and undefined left out. */
function fill(element, ...children) {
  element.replaceChildren(...children.flat().filter((child) => child !== null && child !== undefined));
  return element;
}

const state = {
  settings: null,
  fixtures: [],
  api: null,
  /** Values of the API's extra request fields, by name ('' means not sent). */
  fields: {},
  /** { blob, name, fixture? } */
  image: null,
  previewUrl: null,
  /** { value, projectId, project, user, expiresAt } */
  token: null,
  tokenPromise: null,
  sending: false,
  lastRequestId: null,
  adminToken: sessionStorage.getItem(ADMIN_TOKEN_KEY) ?? '',
  /** 'live', 'locked' (needs the admin token) or 'off' (admin API switched off). */
  journal: 'live',
  pollTimer: 0,
};

// ---- small helpers ----

async function getJson(url) {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

/** Single-quoted for a POSIX shell. */
const shellQuote = (text) => `'${String(text).replaceAll("'", `'\\''`)}'`;

async function toBase64(blob) {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let at = 0; at < bytes.length; at += 0x8000) binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(binary);
}

function formatBytes(count) {
  if (count < 1024) return `${count} B`;
  if (count < 1024 * 1024) return `${(count / 1024).toFixed(0)} kB`;
  return `${(count / 1024 / 1024).toFixed(1)} MB`;
}

const currentApi = () => state.settings.apis.find((entry) => entry.api === state.api);
/** The API's name for people, as the server gives it with the list of APIs. */
const labelOf = (api) => state.settings.apis.find((entry) => entry.api === api)?.label ?? api;

function sentFields() {
  return Object.fromEntries(Object.entries(state.fields).filter(([, value]) => value !== ''));
}

// ---- token ----

function identity() {
  const form = new FormData($('#identity-form'));
  return { domain: String(form.get('domain')), user: String(form.get('user')), password: String(form.get('password')), project: String(form.get('project')) };
}

function tokenRequestBody({ domain, user, password, project }) {
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { name: user, password, domain: { name: domain } } } },
      scope: { project: { name: project } },
    },
  };
}

function setTokenStatus(kind, text) {
  const pill = $('#token-status');
  pill.dataset.state = kind;
  pill.textContent = text;
}

async function obtainToken() {
  const who = identity();
  setTokenStatus('pending', 'getting a token…');
  try {
    const response = await fetch('/v3/auth/tokens', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(tokenRequestBody(who)),
    });
    const body = await response.json().catch(() => null);
    const value = response.headers.get('X-Subject-Token');
    if (response.status !== 201 || !value || !body?.token) {
      state.token = null;
      setTokenStatus('error', `no token: IAM answered ${response.status}${body?.error?.message ? `, ${body.error.message}` : ''}`);
      $('#identity').open = true;
      return null;
    }
    state.token = {
      value,
      projectId: body.token.project.id,
      project: body.token.project.name,
      user: body.token.user.name,
      expiresAt: Date.parse(body.token.expires_at),
    };
    setTokenStatus('ok', `token for ${state.token.user} · project ${state.token.project}`);
    return state.token;
  } catch (error) {
    state.token = null;
    setTokenStatus('error', `no token: ${error.message}`);
    return null;
  } finally {
    renderRequest();
  }
}

/** The token in hand, or a new one when there is none or it is about to expire. */
async function validToken() {
  if (state.token && state.token.expiresAt - Date.now() > 60_000) return state.token;
  state.tokenPromise ??= obtainToken().finally(() => (state.tokenPromise = null));
  return state.tokenPromise;
}

// ---- the request: API, fields, image, forced outcome, curl ----

function renderApis() {
  const group = $('#api');
  fill(
    group,
    ...state.settings.apis.map(({ api }) =>
      h('label', { class: 'segment' }, h('input', { type: 'radio', name: 'api', value: api, checked: api === state.api }), h('span', {}, labelOf(api))),
    ),
  );
}

function renderExtraFields() {
  const container = $('#extra-fields');
  fill(
    container,
    ...currentApi().fields.map((field) => {
      const id = `field-${field.name}`;
      const control =
        field.values.length > 0
          ? h(
              'select',
              { id, name: field.name },
              field.required ? null : h('option', { value: '' }, 'not sent (the image decides)'),
              field.values.map((value) => h('option', { value, selected: state.fields[field.name] === value }, value)),
            )
          : h('input', { id, name: field.name, value: state.fields[field.name] ?? '' });
      return h('div', { class: 'row' }, h('label', { class: 'label', for: id }, h('code', {}, field.name), field.required ? '' : ' (optional)'), control);
    }),
  );
}

function renderFixtures() {
  const select = $('#fixture');
  const mine = state.fixtures.filter((fixture) => fixture.api === state.api);
  fill(
    select,
    h('option', { value: '' }, mine.length > 0 ? `choose one of ${mine.length}…` : 'none in this install'),
    mine.map((fixture) =>
      h(
        'option',
        { value: fixture.url, selected: state.image?.fixture?.url === fixture.url },
        fixture.name,
        Object.values(fixture.fields).length ? ` (${Object.values(fixture.fields).join(', ')})` : '',
      ),
    ),
  );
  select.disabled = mine.length === 0;
}

function renderForce() {
  const select = $('#force');
  fill(
    select,
    h('option', { value: '' }, 'nothing: answer normally'),
    h(
      'optgroup',
      { label: 'Slow or gone' },
      h('option', { value: 'delay=2s' }, 'delay=2s · wait 2 s, then answer'),
      h('option', { value: 'drop' }, 'drop · close the connection, no answer'),
      h('option', { value: 'delay=2s;error=ModelArts.4402' }, 'delay=2s;error=ModelArts.4402 · slow, then time out'),
    ),
    h(
      'optgroup',
      { label: 'Error codes' },
      state.settings.errors.map(({ code, status, message }) => h('option', { value: `error=${code}` }, `${code} · ${status} · ${message}`)),
    ),
  );
}

function curlText() {
  const api = currentApi();
  const project = state.token?.projectId ?? '{project_id}';
  const url = `${location.origin}/v2/${project}/ocr/${api.api}`;
  // printf's template: the JSON body with %s where the base64 goes (a literal % would need doubling).
  const template = JSON.stringify({ image: '%s', ...sentFields() }).replace(/%(?!s")/g, '%%');
  const file = state.image?.name ?? 'your-image.png';
  const scenario = $('#force').value;
  return [
    `printf ${shellQuote(template)} "$(base64 -w0 ${shellQuote(file)})" |`,
    '  curl -s -X POST \\',
    `    ${shellQuote(url)} \\`,
    `    -H "X-Auth-Token: $TOKEN" \\`,
    `    -H 'Content-Type: application/json' \\`,
    ...(scenario ? [`    -H ${shellQuote(`X-Mock-Scenario: ${scenario}`)} \\`] : []),
    '    --data-binary @-',
  ].join('\n');
}

function tokenCurlText() {
  const body = JSON.stringify(tokenRequestBody(identity()));
  return [
    `TOKEN=$(curl -s -D - -o /dev/null ${shellQuote(`${location.origin}/v3/auth/tokens`)} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d ${shellQuote(body)} \\`,
    `  | awk 'tolower($1)=="x-subject-token:"{print $2}' | tr -d '\\r')`,
  ].join('\n');
}

function renderRequest() {
  if (!state.settings) return;
  $('#curl').textContent = curlText();
  $('#curl-token').textContent = tokenCurlText();
  const api = currentApi();
  const image = state.image
    ? `${state.image.name}, ${formatBytes(state.image.blob.size)} (about ${formatBytes(Math.ceil(state.image.blob.size / 3) * 4)} as base64)`
    : 'no image chosen';
  $('#request-summary').textContent = `POST ${api.path} · ${image}`;
  $('#send').disabled = state.sending || !state.image;
  $('#send').textContent = state.sending ? 'Sending…' : state.image ? 'Send again' : 'Send';
}

function setImage(blob, name, fixture = null) {
  state.image = { blob, name, fixture };
  if (state.previewUrl) URL.revokeObjectURL(state.previewUrl);
  state.previewUrl = URL.createObjectURL(blob);
  const preview = $('#preview');
  preview.src = state.previewUrl;
  preview.hidden = false;
  $('#preview-empty').hidden = true;
  $('#drop-name').textContent = fixture ? `fixture ${name}` : name;
  if (fixture) Object.assign(state.fields, fixture.fields);
  renderExtraFields();
  renderFixtures();
  renderRequest();
  void send();
}

function chooseFile(file) {
  if (!file) return;
  state.image = null;
  setImage(file, file.name);
}

async function chooseFixture(url) {
  const fixture = state.fixtures.find((entry) => entry.url === url);
  if (!fixture) return;
  const response = await fetch(fixture.url);
  if (!response.ok) return showBanner(`Could not load the fixture: HTTP ${response.status}`);
  setImage(await response.blob(), fixture.name, fixture);
}

// ---- sending, and showing the answer ----

async function send() {
  if (!state.image || state.sending) return;
  state.sending = true;
  renderRequest();
  const scenarioSelect = $('#force');
  const scenario = scenarioSelect.value;
  try {
    const token = await validToken();
    if (!token) return showBanner('No token: check the sandbox identity below the request.');
    const api = currentApi();
    const headers = { 'Content-Type': 'application/json', 'X-Auth-Token': token.value };
    if (scenario) headers['X-Mock-Scenario'] = scenario;
    const body = JSON.stringify({ image: await toBase64(state.image.blob), ...sentFields() });
    // Nothing of the previous answer stays beside the new image.
    fill($('#result-status'), h('span', { class: 'muted' }, scenario ? `sending, with X-Mock-Scenario: ${scenario}…` : 'sending…'));
    showBanner('');
    renderFields(null, 'Waiting for the answer…');
    $('#response').textContent = '';
    const started = performance.now();
    let response;
    try {
      response = await fetch(`/v2/${token.projectId}/ocr/${api.api}`, { method: 'POST', headers, body });
    } catch {
      showResult({ dropped: true, ms: performance.now() - started });
      return;
    } finally {
      // A forced outcome is for the next request only.
      if (scenario) scenarioSelect.value = '';
    }
    const text = await response.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      // shown as text below
    }
    state.lastRequestId = response.headers.get('X-Request-Id');
    showResult({ status: response.status, statusText: response.statusText, json, text, ms: performance.now() - started, requestId: state.lastRequestId });
  } finally {
    state.sending = false;
    renderRequest();
    if (state.journal === 'live') void pollJournal();
  }
}

function showBanner(text) {
  const banner = $('#result-error');
  banner.textContent = text;
  banner.hidden = !text;
}

function showResult({ status, statusText, json, text, ms, requestId, dropped }) {
  const line = $('#result-status');
  fill(
    line,
    dropped ? h('span', { class: 'badge err' }, 'dropped') : h('span', { class: `badge ${statusClass(status)}` }, `${status} ${statusText ?? ''}`.trim()),
    h('span', { class: 'muted' }, ` ${Math.round(ms)} ms`),
    requestId ? h('span', { class: 'muted' }, ' · X-Request-Id ', h('code', {}, requestId)) : null,
  );
  if (dropped) {
    showBanner('The connection was closed without an answer (a forced drop).');
    renderFields(null);
    $('#response').textContent = '';
    return;
  }
  $('#response').textContent = json ? JSON.stringify(json, null, 2) : text;
  if (json?.error_code) showBanner(`${json.error_code}: ${json.error_msg}`);
  else if (status >= 400) showBanner(`HTTP ${status}`);
  else showBanner('');
  renderFields(json?.result ?? null);
}

function confidenceClass(value) {
  if (value >= 0.9) return 'high';
  if (value >= 0.6) return 'mid';
  return 'low';
}

function sameValue(a, b) {
  return (
    String(a ?? '')
      .trim()
      .toUpperCase() ===
    String(b ?? '')
      .trim()
      .toUpperCase()
  );
}

function renderFields(result, note) {
  const body = $('#fields tbody');
  const expected = state.image?.fixture?.expected ?? null;
  $('#expected-head').hidden = !expected || !result;
  $('#fields-empty').hidden = Boolean(result);
  $('#fields-empty').textContent = note ?? (state.image ? 'No fields: the request did not succeed.' : 'Recognised fields appear here.');
  $('#fields').hidden = !result;
  if (!result) return fill(body);
  const confidence = result.confidence ?? {};
  fill(
    body,
    ...Object.entries(result)
      .filter(([name]) => !NOT_FIELDS.has(name))
      .map(([name, value]) => {
        const score = typeof confidence[name] === 'number' ? confidence[name] : null;
        const bar = h('span', { class: `bar-fill ${confidenceClass(score ?? 0)}` });
        bar.style.setProperty('width', `${Math.round((score ?? 0) * 100)}%`);
        const shown = typeof value === 'string' ? value : JSON.stringify(value);
        const match = expected && name in expected ? sameValue(value, expected[name]) : null;
        return h(
          'tr',
          { dataset: { field: name } },
          h('th', { scope: 'row' }, name),
          h('td', { class: `value${shown ? '' : ' empty'}` }, shown || '—'),
          h(
            'td',
            { class: 'confidence' },
            score === null ? null : h('span', { class: 'bar', title: `confidence ${score}` }, bar),
            score === null ? null : h('span', { class: 'score' }, score.toFixed(2)),
          ),
          expected
            ? h(
                'td',
                { class: `check ${match === null ? '' : match ? 'yes' : 'no'}`, title: match === false ? `expected ${expected[name] || '(empty)'}` : '' },
                match === null ? '' : match ? '✓' : `✗ ${expected[name] || '(empty)'}`,
              )
            : null,
        );
      }),
  );
}

function statusClass(status) {
  if (status === null || status === undefined) return 'err';
  if (status < 300) return 'ok';
  if (status < 500) return 'warn';
  return 'err';
}

// ---- the journal ----

function journalNote(text) {
  const note = $('#journal-note');
  note.textContent = text;
  note.hidden = !text;
}

function schedulePoll(ms = POLL_MS) {
  clearTimeout(state.pollTimer);
  state.pollTimer = setTimeout(() => void pollJournal(), ms);
}

async function pollJournal() {
  clearTimeout(state.pollTimer);
  if (document.hidden) return schedulePoll();
  const headers = state.adminToken ? { 'X-Mock-Admin-Token': state.adminToken } : {};
  let response;
  let body = null;
  try {
    response = await fetch(`/_mock/journal?limit=${JOURNAL_ROWS}`, { headers, cache: 'no-store' });
    body = await response.json().catch(() => null);
  } catch {
    journalNote('The server does not answer; trying again.');
    $('#journal-live').hidden = true;
    return schedulePoll(POLL_MS * 4);
  }
  if (response.status === 200 && Array.isArray(body?.entries)) {
    state.journal = 'live';
    journalNote('');
    $('#journal-table').hidden = false;
    $('#admin-token-form').hidden = true;
    $('#journal-live').hidden = false;
    renderJournal(body.entries);
    return schedulePoll();
  }
  $('#journal-live').hidden = true;
  if (response.status === 401) {
    state.journal = 'locked';
    $('#journal-table').hidden = true;
    journalNote(
      state.adminToken
        ? 'That admin token was refused. The journal is unavailable until the right one is given.'
        : 'The admin API is protected by a token (adminToken). Give it to see the journal; everything else works without it.',
    );
    $('#admin-token-form').hidden = false;
    return;
  }
  if (response.status === 404 && body?.error_code) {
    state.journal = 'off';
    journalNote('The admin API is switched off (admin: false), so the journal is unavailable. Recognition works as usual.');
    $('#journal-table').hidden = true;
    return;
  }
  journalNote(`The journal answered HTTP ${response.status}; trying again.`);
  schedulePoll(POLL_MS * 4);
}

function renderJournal(entries) {
  const body = $('#journal tbody');
  if (entries.length === 0) {
    fill(body, h('tr', { class: 'empty' }, h('td', { colspan: 9 }, state.journal === 'off' ? '—' : 'No requests yet.')));
    return;
  }
  fill(
    body,
    ...[...entries]
      .reverse()
      .map((entry) =>
        h(
          'tr',
          { class: entry.requestId === state.lastRequestId ? 'mine' : '', dataset: { requestId: entry.requestId } },
          h('td', { class: 'time' }, new Date(entry.time).toLocaleTimeString([], { hour12: false })),
          h('td', { class: 'path' }, h('span', { class: 'method' }, entry.method), ' ', entry.path),
          h('td', {}, entry.namespace),
          h('td', {}, entry.api ?? '—'),
          h('td', {}, entry.authMethod ?? '—'),
          h('td', {}, h('span', { class: `badge ${statusClass(entry.status)}` }, entry.dropped ? 'dropped' : String(entry.status))),
          h('td', { class: 'code-cell' }, entry.errorCode ?? ''),
          h('td', {}, entry.forcedBy ?? ''),
          h('td', { class: 'num' }, String(Math.round(entry.latencyMs))),
        ),
      ),
  );
}

// ---- wiring ----

function bind() {
  $('#api').addEventListener('change', (event) => {
    state.api = event.target.value;
    state.fields = {};
    if (state.image?.fixture && state.image.fixture.api !== state.api) state.image.fixture = null;
    renderExtraFields();
    renderFixtures();
    renderRequest();
  });
  $('#extra-fields').addEventListener('change', (event) => {
    state.fields[event.target.name] = event.target.value;
    renderRequest();
  });
  $('#extra-fields').addEventListener('input', (event) => {
    state.fields[event.target.name] = event.target.value;
    renderRequest();
  });
  $('#file').addEventListener('change', (event) => {
    chooseFile(event.target.files?.[0]);
    event.target.value = '';
  });
  const drop = $('#drop');
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    chooseFile(event.dataTransfer?.files?.[0]);
  });
  drop.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      $('#file').click();
    }
  });
  $('#fixture').addEventListener('change', (event) => void chooseFixture(event.target.value));
  $('#force').addEventListener('change', renderRequest);
  $('#send').addEventListener('click', () => void send());
  $('#copy-curl').addEventListener('click', async () => {
    const button = $('#copy-curl');
    try {
      await navigator.clipboard.writeText($('#curl').textContent);
      button.textContent = 'Copied';
    } catch {
      getSelection()?.selectAllChildren($('#curl'));
      button.textContent = 'Selected';
    }
    setTimeout(() => (button.textContent = 'Copy'), 1500);
  });
  $('#identity-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void obtainToken();
  });
  $('#identity-form').addEventListener('input', renderRequest);
  $('#admin-token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    state.adminToken = $('#admin-token').value;
    sessionStorage.setItem(ADMIN_TOKEN_KEY, state.adminToken);
    void pollJournal();
  });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && state.journal === 'live') void pollJournal();
  });
}

async function start() {
  const [settings, { fixtures }] = await Promise.all([getJson(`${UI}/settings`), getJson(`${UI}/fixtures`)]);
  state.settings = settings;
  state.fixtures = fixtures;
  state.api = settings.apis[0]?.api ?? null;
  const form = $('#identity-form');
  for (const [name, value] of Object.entries(settings.identity)) form.elements.namedItem(name).value = value;
  renderApis();
  renderExtraFields();
  renderFixtures();
  renderForce();
  renderFields(null);
  renderJournal([]);
  bind();
  renderRequest();
  void obtainToken();
  void pollJournal();
}

start().catch((error) => {
  setTokenStatus('error', 'the page could not start');
  showBanner(`The page could not start: ${error.message}`);
});
