/**
 * Issue 17: the TypeScript form of the README's Vitest globalSetup recipe type-checks, exactly as written, against
 * the built package (resolved as `ocr-mock` by the package's own name), with vitest's types; and without its
 * `ProvidedContext` declaration `inject('ocrMockUrl')` does not, so the declaration is what makes it work.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const OUT = join(ROOT, 'test-output', 'recipes-ts');

function recipe(name: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(`<!-- recipe:${name} -->`);
  if (at < 0) throw new Error(`README has no recipe ${name}`);
  return /```ts\n([\s\S]*?)```/.exec(readme.slice(at))?.[1] ?? '';
}

/** Runs tsc on the files in `dir` as a user's strict NodeNext project would; returns its diagnostics. */
function typecheck(dir: string, files: string[]): { status: number | null; output: string } {
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'] },
      files,
    }),
  );
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the TypeScript Vitest recipe', () => {
  beforeAll(() => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(join(OUT, 'with'), { recursive: true });
    mkdirSync(join(OUT, 'without'), { recursive: true });
  });

  it('type-checks as written: setup, teardown, provide and inject', () => {
    writeFileSync(join(OUT, 'with', 'ocr-mock.setup.ts'), recipe('vitest-global-setup-ts'));
    writeFileSync(join(OUT, 'with', 'passport-flow.test.ts'), recipe('vitest-test-file-ts'));
    const result = typecheck(join(OUT, 'with'), ['ocr-mock.setup.ts', 'passport-flow.test.ts']);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  it('does not type-check without the ProvidedContext declaration', () => {
    const setup = recipe('vitest-global-setup-ts');
    const withoutDeclaration = setup.slice(0, setup.indexOf("declare module 'vitest'"));
    expect(withoutDeclaration.length).toBeLessThan(setup.length);
    writeFileSync(join(OUT, 'without', 'ocr-mock.setup.ts'), withoutDeclaration);
    writeFileSync(join(OUT, 'without', 'passport-flow.test.ts'), recipe('vitest-test-file-ts'));
    const result = typecheck(join(OUT, 'without'), ['ocr-mock.setup.ts', 'passport-flow.test.ts']);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/passport-flow\.test\.ts.*inject|ocrMockUrl/);
  });
});
