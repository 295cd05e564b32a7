/**
 * `ocr-mock fixture <kind> [--field value …] --out file.png [--degrade level] [--seed N]`: writes a synthetic
 * document image and prints the result the API should give for it, using the generator the project's own fixtures
 * come from (src/fixtures), so users can make test images for their own cases.
 *
 * The kinds are the registry's APIs, each with the kinds its generator offers (src/fixtures/generators.ts). Field names are the generator's; `--given-name`, `--given_name` and
 * `--givenName` all name `given_name` (or `givenName`), and values are converted to the type of the default.
 */
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import sharp from 'sharp';
import { API_NAMES } from './apis.js';
import { DEGRADATION_LEVEL_NAMES, degrade, type DegradationLevel } from './fixtures/degrade.js';
import { FIXTURE_GENERATORS, type FieldValue, type FixtureKind } from './fixtures/generators.js';

export type { FixtureKind };

/** An API the registry lists that has no generator yet: named by the command, refused with a usage error. */
function missingGenerator(api: string): FixtureKind {
  const refuse = (): never => {
    throw new UsageError(`${api} has no fixture generator yet (add one to src/fixtures/generators.ts)`);
  };
  return { summary: `${api} (no fixture generator yet)`, defaults: refuse, render: async () => refuse() };
}

/** Every kind the command knows: the registry's APIs that have a generator, in its table's order, then those without. */
export const FIXTURE_KINDS: Readonly<Record<string, FixtureKind>> = Object.fromEntries([
  ...Object.entries(FIXTURE_GENERATORS).flatMap(([api, generator]) => (API_NAMES.includes(api) ? Object.entries(generator.kinds) : [])),
  ...API_NAMES.filter((api) => !(api in FIXTURE_GENERATORS)).map((api) => [api, missingGenerator(api)] as const),
]);

export const FIXTURE_USAGE = `usage: ocr-mock fixture <kind> [--<field> <value> …] --out <file.png|file.jpg> [--degrade <level>] [--seed <n>]

Writes a synthetic document image and prints, on stdout, the JSON result the API should give for it.
  kinds:    ${Object.keys(FIXTURE_KINDS).join(', ')}
  levels:   ${DEGRADATION_LEVEL_NAMES.join(', ')} (default clean)
  seed:     picks every field not given, and the page style (default 0)
  fields:   ocr-mock fixture <kind> --help lists them, with the values seed 0 gives`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface FixtureArgs {
  kind: string;
  out: string;
  degrade: DegradationLevel;
  seed: number;
  fields: Record<string, FieldValue>;
}

const squash = (name: string) => name.replace(/[-_]/g, '').toLowerCase();

function convert(name: string, raw: string, example: FieldValue): FieldValue {
  if (typeof example === 'boolean') {
    if (raw !== 'true' && raw !== 'false') throw new UsageError(`--${name} takes true or false`);
    return raw === 'true';
  }
  if (typeof example === 'number') {
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new UsageError(`--${name} takes a number`);
    return value;
  }
  return raw;
}

/** Parses the words after `fixture`; throws UsageError with a message fit for the terminal. */
export function parseFixtureArgs(args: readonly string[]): FixtureArgs | { help: string } {
  const [kind, ...rest] = args;
  if (kind === undefined || kind === '--help' || kind === '-h') return { help: FIXTURE_USAGE };
  const spec = FIXTURE_KINDS[kind];
  if (!spec) throw new UsageError(`unknown kind "${kind}"; one of: ${Object.keys(FIXTURE_KINDS).join(', ')}`);
  const defaults = spec.defaults(0);
  const byName = new Map(Object.keys(defaults).map((name) => [squash(name), name]));

  const options: Record<string, string> = {};
  const fields: Record<string, FieldValue> = {};
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i] as string;
    if (word === '--help' || word === '-h') {
      const lines = Object.entries(defaults).map(([name, value]) => `  --${name.replace(/_/g, '-')}  (e.g. ${JSON.stringify(value)})`);
      return { help: `ocr-mock fixture ${kind}: ${spec.summary}\nfields:\n${lines.join('\n')}` };
    }
    const match = /^--([A-Za-z][\w-]*)(?:=(.*))?$/s.exec(word);
    if (!match) throw new UsageError(`unexpected "${word}"`);
    const name = match[1] as string;
    const value = match[2] ?? rest[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    if (['out', 'degrade', 'seed'].includes(name)) {
      options[name] = value;
      continue;
    }
    const field = byName.get(squash(name));
    if (!field) throw new UsageError(`${kind} has no field "${name}"; ocr-mock fixture ${kind} --help lists them`);
    fields[field] = convert(name, value, defaults[field] as FieldValue);
  }

  const out = options.out;
  if (!out) throw new UsageError('--out <file> is required');
  if (!['.png', '.jpg', '.jpeg'].includes(extname(out).toLowerCase())) throw new UsageError('--out must end in .png, .jpg or .jpeg');
  const level = options.degrade ?? 'clean';
  if (!(DEGRADATION_LEVEL_NAMES as readonly string[]).includes(level)) {
    throw new UsageError(`--degrade takes one of ${DEGRADATION_LEVEL_NAMES.join(', ')}`);
  }
  const seed = options.seed === undefined ? 0 : Number(options.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError('--seed takes a non-negative integer');
  return { kind, out, degrade: level as DegradationLevel, seed, fields };
}

/** Renders, degrades, writes in the format the file name asks for; returns the expected result. */
export async function writeFixture(args: FixtureArgs): Promise<unknown> {
  const spec = FIXTURE_KINDS[args.kind] as FixtureKind;
  const { image, expected } = await spec.render(args.fields, args.seed);
  const degraded = await degrade(image, args.degrade, args.seed);
  const wantsPng = extname(args.out).toLowerCase() === '.png';
  // degrade() gives PNG for clean and JPEG otherwise; re-encode only when the file name asks for the other one.
  const isPng = degraded.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  const bytes = wantsPng === isPng ? degraded : wantsPng ? await sharp(degraded).png().toBuffer() : await sharp(degraded).jpeg({ quality: 92 }).toBuffer();
  await writeFile(args.out, bytes);
  return expected;
}

export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The command as the CLI runs it; returns the exit status (0 done, 1 the generator refused a value, 2 usage). */
export async function runFixtureCommand(args: readonly string[], io: CommandIo): Promise<number> {
  let parsed: ReturnType<typeof parseFixtureArgs>;
  try {
    parsed = parseFixtureArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`ocr-mock fixture: ${error.message}\n${FIXTURE_USAGE}\n`);
    return 2;
  }
  if ('help' in parsed) {
    io.stdout(`${parsed.help}\n`);
    return 0;
  }
  try {
    const expected = await writeFixture(parsed);
    io.stdout(`${JSON.stringify(expected, null, 2)}\n`);
    return 0;
  } catch (error) {
    // The generators throw RangeError for values a real document could not carry (a bad date, a wrong length).
    if (!(error instanceof RangeError)) throw error;
    io.stderr(`ocr-mock fixture: ${error.message}\n`);
    return 1;
  }
}
