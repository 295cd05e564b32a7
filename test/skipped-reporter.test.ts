/**
 * Issue 17, loud skips: a run's closing lines name every skipped test with its reason (test/helpers/skipped-reporter.ts).
 * A small suite with a passing test, a test skipped with a note, a `.skip` and a `.todo` is run through vitest with
 * the project's reporters, and its output is read.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { skippedSummary } from './helpers/skipped-reporter.js';

const run = promisify(execFile);
const ROOT = new URL('..', import.meta.url).pathname;

describe('the skipped-tests summary', () => {
  it('groups names by reason, lists at most 30, and says nothing when nothing was skipped', () => {
    expect(skippedSummary([])).toBe('');
    expect(
      skippedSummary([
        { name: 'a.test.ts > x', reason: 'no browser' },
        { name: 'a.test.ts > y', reason: 'no browser' },
        { name: 'b.test.ts > z', reason: undefined },
      ]),
    ).toBe(
      [
        '',
        ' SKIPPED 3 tests, not run:',
        '   no browser:',
        '     ↓ a.test.ts > x',
        '     ↓ a.test.ts > y',
        '   no reason given (.skip, .skipIf or a filter):',
        '     ↓ b.test.ts > z',
        '',
      ].join('\n'),
    );
    const many = Array.from({ length: 32 }, (_, i) => ({ name: `t${i}`, reason: 'r' }));
    expect(skippedSummary(many)).toContain('… and 2 more');
  });

  it('closes a real vitest run with the skipped tests and their reasons', async () => {
    const dir = join(ROOT, 'test-output', 'skipped-reporter');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'sample.check.ts'),
      `import { beforeEach, describe, expect, it } from 'vitest';
       describe('suite', () => {
         it('runs', () => expect(1).toBe(1));
         it.skip('is skipped plainly', () => undefined);
         it.todo('is still to write');
       });
       describe('needs a browser', () => {
         beforeEach((context) => context.skip('no browser here'));
         it('opens the page', () => undefined);
       });\n`,
    );
    writeFileSync(
      join(dir, 'vitest.config.mjs'),
      `export default { test: { root: ${JSON.stringify(dir)}, include: ['*.check.ts'], reporters: ['default', ${JSON.stringify(join(ROOT, 'test', 'helpers', 'skipped-reporter.ts'))}] } };\n`,
    );
    const { stdout } = await run(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', join(dir, 'vitest.config.mjs')], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    const closing = stdout.slice(stdout.lastIndexOf('SKIPPED'));
    expect(closing).toBe(
      [
        'SKIPPED 3 tests, not run:',
        '   no reason given (.skip, .skipIf or a filter):',
        '     ↓ sample.check.ts > suite > is skipped plainly',
        '   todo:',
        '     ↓ sample.check.ts > suite > is still to write',
        '   no browser here:',
        '     ↓ sample.check.ts > needs a browser > opens the page',
        '',
      ].join('\n'),
    );
  });
});
