/**
 * Regenerates the committed test fixtures: for each document kind, images at several quality levels, each with
 * the expected API result beside it, and an index.json listing them.
 *
 *   npx tsx scripts/generate-fixtures.ts                  # every kind
 *   npx tsx scripts/generate-fixtures.ts --only passport  # some kinds (comma-separated or repeated)
 *
 * The kinds are the registry's APIs; each one's set is described by its generator in src/fixtures/generators.ts.
 */
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { API_NAMES } from '../src/apis.js';
import { degrade, extensionFor, type DegradationLevel } from '../src/fixtures/index.js';
import { FIXTURE_GENERATORS, type FixtureSet } from '../src/fixtures/generators.js';

const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** One folder per API, named as the API: fixtures/<api>/. */
const GENERATORS: Record<string, FixtureSet & { folder: string }> = Object.fromEntries(
  API_NAMES.flatMap((api) => {
    const generator = FIXTURE_GENERATORS[api];
    return generator ? [[api, { ...generator.set, folder: api }]] : [];
  }),
);

interface IndexEntry {
  file: string;
  expected: string;
  level: DegradationLevel;
  seed: number;
}

async function generateKind(name: string, kind: FixtureSet & { folder: string }): Promise<void> {
  const dir = `${FIXTURES_DIR}${kind.folder}/`;
  await mkdir(dir, { recursive: true });
  // Stale files from an earlier, larger run would otherwise linger; only this generator's names are removed.
  const ownFile = new RegExp(`^(${kind.prefix}\\d{2}-\\w+\\.(png|jpg|json)|index\\.json)$`);
  for (const file of await readdir(dir)) if (ownFile.test(file)) await rm(`${dir}${file}`);

  const entries: IndexEntry[] = [];
  let bytes = 0;
  for (let n = 1; n <= kind.count; n++) {
    const seed = kind.seed(n);
    const { image, expected } = await kind.render(seed);
    for (const level of kind.levels(n)) {
      const base = `${kind.prefix}${String(n).padStart(2, '0')}-${level}`;
      const file = `${base}.${extensionFor(level)}`;
      const encoded = await degrade(image, level, seed);
      await writeFile(`${dir}${file}`, encoded);
      await writeFile(`${dir}${base}.json`, `${JSON.stringify(expected, null, 2)}\n`);
      entries.push({ file, expected: `${base}.json`, level, seed });
      bytes += encoded.length;
    }
  }
  await writeFile(`${dir}index.json`, `${JSON.stringify(entries, null, 2)}\n`);

  const counts = new Map<DegradationLevel, number>();
  for (const entry of entries) counts.set(entry.level, (counts.get(entry.level) ?? 0) + 1);
  const byLevel = [...counts].map(([level, count]) => `${level} ${count}`);
  console.log(`${name}: ${entries.length} images (${byLevel.join(', ')}), ${(bytes / 1024 / 1024).toFixed(2)} MB of images in fixtures/${kind.folder}/`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string', multiple: true } } });
  const requested = (values.only ?? [])
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter(Boolean);
  const unknown = requested.filter((name) => !(name in GENERATORS));
  if (unknown.length) throw new Error(`unknown fixture kind: ${unknown.join(', ')} (known: ${Object.keys(GENERATORS).join(', ')})`);

  const names = requested.length ? requested : Object.keys(GENERATORS);
  for (const name of names) {
    const kind = GENERATORS[name];
    if (kind) await generateKind(name, kind);
  }
  const folders = names.map((name) => GENERATORS[name]?.folder).filter((folder) => folder !== undefined);
  for (const folder of folders) {
    const files = await readdir(`${FIXTURES_DIR}${folder}`);
    const sizes = await Promise.all(files.map((file) => stat(`${FIXTURES_DIR}${folder}/${file}`).then((s) => s.size)));
    console.log(`fixtures/${folder}/: ${files.length} files, ${(sizes.reduce((a, b) => a + b, 0) / 1024 / 1024).toFixed(2)} MB in all`);
  }
}

await main();
