/** Test helpers: an app per test with injected clock and engine, tokens, and small images made on the fly. */
import sharp from 'sharp';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { ManualClock } from '../src/clock.js';
import { DEFAULT_PROJECT, loadConfig, type Config } from '../src/config.js';
import type { OcrEngine, OcrRequest, OcrResult } from '../src/ocr/engine.js';

export const PROJECT_ID = DEFAULT_PROJECT.id;
export const PASSPORT_PATH = `/v2/${PROJECT_ID}/ocr/passport`;

/** An engine that answers from a script and records what it was asked: route tests need no tesseract. */
export class ScriptedEngine implements OcrEngine {
  readonly requests: OcrRequest[] = [];
  constructor(private readonly answer: (request: OcrRequest) => OcrResult = () => ({ text: '', confidence: 0, lines: [] })) {}
  async recognize(request: OcrRequest): Promise<OcrResult> {
    this.requests.push(request);
    return this.answer(request);
  }
  async warm(): Promise<void> {}
  isWarm(): boolean {
    return true;
  }
  async close(): Promise<void> {}
}

export interface TestApp {
  app: FastifyInstance;
  clock: ManualClock;
  engine: OcrEngine;
}

export async function buildTestApp(
  options: { engine?: OcrEngine; config?: Partial<Config>; clock?: ManualClock; logStream?: NodeJS.WritableStream } = {},
): Promise<TestApp> {
  const clock = options.clock ?? new ManualClock();
  const engine = options.engine ?? new ScriptedEngine();
  const config = loadConfig({ env: {}, overrides: { logLevel: 'silent', warmup: false, ...options.config } });
  const app = await buildApp({ config, engine, clock, ...(options.logStream ? { logStream: options.logStream } : {}) });
  return { app, clock, engine };
}

export const DEFAULT_CREDENTIALS = {
  domain: 'mock-domain',
  user: 'mock-user',
  password: 'mock-password',
};

export function tokenRequestBody(
  scope: { id?: string; name?: string } = { name: DEFAULT_PROJECT.name },
  credentials = DEFAULT_CREDENTIALS,
) {
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: {
          user: { name: credentials.user, password: credentials.password, domain: { name: credentials.domain } },
        },
      },
      scope: { project: scope },
    },
  };
}

export async function getToken(app: FastifyInstance, scope?: { id?: string; name?: string }): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: tokenRequestBody(scope) });
  if (response.statusCode !== 201) throw new Error(`token request failed: ${response.body}`);
  return String(response.headers['x-subject-token']);
}

/** A PNG with some dark marks on white, `width`×`height`. */
export async function samplePng(width = 200, height = 100): Promise<Buffer> {
  const marks = Buffer.from(
    `<svg width="${width}" height="${height}"><rect x="${width / 4}" y="${height / 4}" width="${width / 2}" height="${height / 2}" fill="black"/></svg>`,
  );
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite([{ input: marks }])
    .png()
    .toBuffer();
}

export async function blankPng(width = 200, height = 100): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).png().toBuffer();
}
