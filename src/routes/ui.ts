/**
 * The sandbox page: `GET /_mock/ui` (and `/`, which redirects there). Emulator-only, like `/docs`: not behind the
 * gateway, not journaled, and served whether or not the admin API is on (the page then says the journal is
 * unavailable). The page is plain static files in `ui/` at the package root; it calls IAM, the OCR routes and the
 * admin API like any other client. Beside the files, this module serves what the page cannot know by itself: the
 * APIs with their extra request fields, the error codes a request can be forced to, the sandbox identity, and a
 * short list of the bundled fixtures (clean images from `fixtures/<api>/index.json`, when the install has them).
 *
 * Everything it can serve is listed once, at start; a name outside those lists is an unknown path (APIG.0101), so
 * no request can reach another file.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger } from 'fastify';
import { apiLabel } from '../apis.js';
import { defaultConfig, type Config } from '../config.js';
import { ERROR_CATALOGUE, type ErrorCode } from '../errors/catalogue.js';
import { errorResponses } from '../gateway/vendor-errors.js';
import type { DocumentType } from '../recognition/document.js';

export const UI_PATH = '/_mock/ui';

/** The package root: `../../` from both src/routes (tsx, vitest) and dist/routes (the build). */
const PACKAGE_ROOT = new URL('../../', import.meta.url);

/** Clean fixtures listed per API: enough to try each, short enough for one menu. */
const FIXTURES_PER_API = 12;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
};

const ASSET_NAME = /^[a-z0-9][a-z0-9-]*\.(?:html|js|css|svg)$/;
const FIXTURE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*\.(?:png|jpe?g)$/;

/** The page loads nothing from elsewhere, and the browser is told so. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const extension = (name: string) => name.slice(name.lastIndexOf('.')).toLowerCase();

// ---- schemas ----

const RequestField = Type.Object({
  name: Type.String(),
  required: Type.Boolean(),
  /** The values the field may take, when the schema lists them (e.g. an ID card's side). */
  values: Type.Array(Type.String()),
});

const Settings = Type.Object({
  apis: Type.Array(Type.Object({ api: Type.String(), label: Type.String(), path: Type.String(), fields: Type.Array(RequestField) })),
  errors: Type.Array(Type.Object({ code: Type.String(), status: Type.Integer(), message: Type.String() })),
  identity: Type.Object({ domain: Type.String(), user: Type.String(), password: Type.String(), project: Type.String() }),
});
type Settings = Static<typeof Settings>;

const Fixture = Type.Object({
  api: Type.String(),
  name: Type.String(),
  url: Type.String(),
  /** Values for the API's extra request fields that the fixture's expected result gives (e.g. `side`). */
  fields: Type.Record(Type.String(), Type.String()),
  /** The result the fixture's generator says the API should give. */
  expected: Type.Record(Type.String(), Type.Unknown()),
});
type Fixture = Static<typeof Fixture>;

const FixtureList = Type.Object({ fixtures: Type.Array(Fixture) });

const FixtureIndex = Type.Array(Type.Object({ file: Type.String(), expected: Type.String(), level: Type.String() }));

const AssetParams = Type.Object({ file: Type.String() });
const FixtureParams = Type.Object({ api: Type.String(), file: Type.String() });
/** Files are sent as bytes, never serialised; the schema documents what the body is. */
const File = (description: string) => Type.Unsafe<Buffer>({ type: 'string', description });

// ---- what can be served, listed at start ----

interface Asset {
  body: Buffer;
  type: string;
}

function loadAssets(dir: URL): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    if (!ASSET_NAME.test(name)) continue;
    assets.set(name, { body: readFileSync(new URL(name, dir)), type: CONTENT_TYPES[extension(name)] as string });
  }
  if (!assets.has('index.html')) throw new Error(`the sandbox page is missing: no index.html in ${dir.pathname}`);
  return assets;
}

/** The values a field's schema enumerates: a union of string literals, or an enum. */
function valuesOf(schema: TSchema): string[] {
  const options = (schema.anyOf as TSchema[] | undefined)?.map((option) => option.const) ?? (schema.enum as unknown[] | undefined) ?? [];
  // An empty string ("decide for me", as an ID card's side allows) is what the page's "not sent" choice stands for.
  return options.filter((value): value is string => typeof value === 'string' && value !== '');
}

/**
 * The identity's password when it is the default sandbox identity's, which the README publishes; any other is a
 * secret of whoever configured the server, never sent to a page anyone can load, so the page asks for it.
 */
function publishedPassword(identity: Config['identities'][number]): string {
  const published = defaultConfig().identities[0];
  const isPublished = published !== undefined && identity.domain === published.domain && identity.user === published.user && identity.password === published.password;
  return isPublished ? identity.password : '';
}

function settingsOf(documents: readonly DocumentType[], config: Readonly<Config>): Settings {
  const identity = config.identities[0];
  if (!identity?.projects[0]) throw new Error('the configuration has no identity for the sandbox page');
  return {
    apis: documents.map((document) => {
      const required = new Set(Type.Object(document.requestFields).required ?? []);
      return {
        api: document.api,
        label: apiLabel(document.api),
        path: `/v2/{project_id}/ocr/${document.api}`,
        fields: Object.entries(document.requestFields).map(([name, schema]) => ({ name, required: required.has(name), values: valuesOf(schema) })),
      };
    }),
    errors: (Object.keys(ERROR_CATALOGUE) as ErrorCode[]).map((code) => ({ code, ...ERROR_CATALOGUE[code] })),
    identity: { domain: identity.domain, user: identity.user, password: publishedPassword(identity), project: identity.projects[0].name },
  };
}

/** The clean fixtures of each API whose folder has an index; an unreadable index is skipped with a warning. */
function loadFixtures(dir: URL, documents: readonly DocumentType[], log: FastifyBaseLogger): { list: Fixture[]; files: Map<string, URL> } {
  const list: Fixture[] = [];
  const files = new Map<string, URL>();
  for (const { api, requestFields } of documents) {
    const folder = new URL(`${api}/`, dir);
    const indexFile = new URL('index.json', folder);
    if (!existsSync(indexFile)) continue;
    try {
      const index: unknown = JSON.parse(readFileSync(indexFile, 'utf8'));
      if (!Value.Check(FixtureIndex, index)) throw new Error('not a list of { file, expected, level }');
      const clean = index.filter((entry) => entry.level === 'clean' && FIXTURE_NAME.test(entry.file)).slice(0, FIXTURES_PER_API);
      for (const entry of clean) {
        const expected = JSON.parse(readFileSync(new URL(entry.expected, folder), 'utf8')) as Record<string, unknown>;
        const fields = Object.fromEntries(Object.keys(requestFields).flatMap((name) => (typeof expected[name] === 'string' ? [[name, expected[name] as string]] : [])));
        list.push({ api, name: entry.file, url: `${UI_PATH}/fixtures/${api}/${entry.file}`, fields, expected });
        files.set(`${api}/${entry.file}`, new URL(entry.file, folder));
      }
    } catch (error) {
      log.warn({ err: error, index: indexFile.pathname }, 'sandbox page: fixture index skipped');
    }
  }
  return { list, files };
}

export interface UiRouteOptions {
  /** The APIs the page offers, with their extra request fields. */
  documents: readonly DocumentType[];
  /** The running configuration: the page offers its first identity (its password only if it is the published one). */
  config: Readonly<Config>;
  /** Where the fixtures are; `fixtures/` at the package root by default (absent from the Docker image). */
  fixturesDir?: URL;
}

export const uiRoutes: FastifyPluginAsyncTypebox<UiRouteOptions> = async (app, options) => {
  const assets = loadAssets(new URL('ui/', PACKAGE_ROOT));
  const settings = settingsOf(options.documents, options.config);
  const fixtures = loadFixtures(options.fixturesDir ?? new URL('fixtures/', PACKAGE_ROOT), options.documents, app.log);
  const page = assets.get('index.html') as Asset;

  const hidden = { hide: true } as const;

  app.get('/', { schema: { ...hidden, response: { 302: Type.Null() } } }, async (_request, reply) => reply.redirect(UI_PATH, 302));
  app.get(`${UI_PATH}/`, { schema: { ...hidden, response: { 302: Type.Null() } } }, async (_request, reply) => reply.redirect(UI_PATH, 302));

  app.get(UI_PATH, { schema: { ...hidden, response: { 200: File('the page, HTML') } } }, async (_request, reply) =>
    reply
      .type(page.type)
      .header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
      .header('X-Content-Type-Options', 'nosniff')
      .header('Cache-Control', 'no-cache')
      .send(page.body),
  );

  app.get(
    `${UI_PATH}/assets/:file`,
    { schema: { ...hidden, params: AssetParams, response: { 200: File('a script, style sheet or icon'), ...errorResponses } } },
    async (request, reply) => {
      const asset = assets.get(request.params.file);
      if (!asset) return reply.callNotFound();
      return reply.type(asset.type).header('X-Content-Type-Options', 'nosniff').header('Cache-Control', 'no-cache').send(asset.body);
    },
  );

  app.get(`${UI_PATH}/settings`, { schema: { ...hidden, response: { 200: Settings } } }, async () => settings);

  app.get(`${UI_PATH}/fixtures`, { schema: { ...hidden, response: { 200: FixtureList } } }, async () => ({ fixtures: fixtures.list }));

  app.get(
    `${UI_PATH}/fixtures/:api/:file`,
    { schema: { ...hidden, params: FixtureParams, response: { 200: File('a PNG or JPEG image'), ...errorResponses } } },
    async (request, reply) => {
      const { api, file } = request.params;
      const path = FIXTURE_NAME.test(file) ? fixtures.files.get(`${api}/${file}`) : undefined;
      if (!path) return reply.callNotFound();
      return reply
        .type(CONTENT_TYPES[extension(file)] as string)
        .header('X-Content-Type-Options', 'nosniff')
        .send(await readFile(path));
    },
  );
};
