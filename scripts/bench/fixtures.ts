/** The committed fixtures the benchmark sends: which exist, and a bounded sample of them per degradation level. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { uniqueCopy } from './unique.js';

export interface FixtureEntry {
  file: string;
  /** The expected result's file; for a two-sided card its `side` says which side the image shows. */
  expected: string;
  level: string;
  /** Request fields beyond the image, e.g. `{ "side": "front" }`. */
  request?: Record<string, unknown>;
}

/** One image as the benchmark uses it: its path, its bytes, and the JSON body the API is sent. */
export interface BenchImage {
  /** Fixture folder and file name, e.g. `passport/p01-clean.png`. */
  name: string;
  path: string;
  level: string;
  bytes: Buffer;
  /** Request fields beyond the image, from the index. */
  request: Record<string, unknown>;
  /** `{"image": "<base64>", …request}`, serialised once so no request pays for it. */
  body: string;
}

/** The request body for a copy of the image that no cache has seen (see unique.ts). */
export function uniqueBody(image: BenchImage, nonce: string): string {
  return JSON.stringify({ image: uniqueCopy(image.bytes, nonce).toString('base64'), ...image.request });
}

/** A row of the latency table: an API, optionally one side of a two-sided card, and its images. */
export interface ApiSample {
  /** Path segment of the API. */
  api: string;
  /** What the tables call it, e.g. `emirates-id-card (front)`. */
  label: string;
  /** Target p50 from the issue, in ms. */
  targetP50: number;
  images: BenchImage[];
}

export const FIXTURE_ROOT = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** The APIs issue 5 measures, with their fixture folders and p50 targets. */
export const APIS = [
  { api: 'passport', folder: 'passport', targetP50: 400, sided: false },
  { api: 'emirates-id-card', folder: 'emirates-id-card', targetP50: 700, sided: true },
  { api: 'bankcard', folder: 'bankcard', targetP50: 500, sided: false },
] as const;

/** Levels the latency figures are taken over, as the issue asks. */
export const LEVELS = ['clean', 'medium'] as const;

function readIndex(folder: string): FixtureEntry[] | undefined {
  const path = `${FIXTURE_ROOT}${folder}/index.json`;
  if (!existsSync(path)) return undefined;
  const index = JSON.parse(readFileSync(path, 'utf8')) as FixtureEntry[] | { entries: FixtureEntry[] };
  return Array.isArray(index) ? index : index.entries;
}

function toImage(folder: string, entry: FixtureEntry): BenchImage {
  const path = `${FIXTURE_ROOT}${folder}/${entry.file}`;
  const bytes = readFileSync(path);
  const request = entry.request ?? {};
  return {
    name: `${folder}/${entry.file}`,
    path,
    level: entry.level,
    bytes,
    request,
    body: JSON.stringify({ image: bytes.toString('base64'), ...request }),
  };
}

/** Front before back, then anything else. */
const sideRank = (side: string) => ['front', 'back'].indexOf(side) >>> 0;

/** The side a two-sided card's image shows: the request's, else the expected result's. */
function sideOf(folder: string, entry: FixtureEntry): string {
  if (typeof entry.request?.side === 'string') return entry.request.side;
  try {
    const expected = JSON.parse(readFileSync(`${FIXTURE_ROOT}${folder}/${entry.expected}`, 'utf8')) as { side?: unknown };
    return typeof expected.side === 'string' ? expected.side : 'side unknown';
  } catch {
    return 'side unknown';
  }
}

/**
 * The images to send per API (and per side for Emirates ID): at most `perLevel` of each level in LEVELS, in index
 * order. Folders that do not exist yet come back as notes.
 */
export function loadSamples(perLevel: number): { samples: ApiSample[]; notes: string[] } {
  const samples: ApiSample[] = [];
  const notes: string[] = [];
  for (const { api, folder, targetP50, sided } of APIS) {
    const entries = readIndex(folder);
    if (!entries) {
      notes.push(`${api}: skipped, fixtures/${folder}/index.json does not exist yet.`);
      continue;
    }
    const groups = new Map<string, FixtureEntry[]>();
    for (const entry of entries) {
      if (!(LEVELS as readonly string[]).includes(entry.level)) continue;
      const side = sided ? sideOf(folder, entry) : '';
      const group = groups.get(side) ?? [];
      group.push(entry);
      groups.set(side, group);
    }
    if (groups.size === 0) notes.push(`${api}: skipped, no ${LEVELS.join(' or ')} fixtures in fixtures/${folder}/index.json.`);
    for (const [side, group] of [...groups].sort(([a], [b]) => sideRank(a) - sideRank(b) || a.localeCompare(b))) {
      const chosen = LEVELS.flatMap((level) => group.filter((e) => e.level === level).slice(0, perLevel));
      samples.push({
        api,
        label: side ? `${api} (${side})` : api,
        targetP50,
        images: chosen.map((entry) => toImage(folder, entry)),
      });
    }
  }
  return { samples, notes };
}
