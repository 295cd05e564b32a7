/**
 * A vitest reporter that closes the run by naming every skipped test (file, suite and test name, and the note of
 * `ctx.skip(note)` if any), so a skip is never silent: without Chromium, the sandbox page's browser tests say so in
 * the last lines of `npm test`, not in one stderr line scrolled away at the start. Used after the default reporter
 * (vitest.config.ts).
 */
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

const MAX_LISTED = 30;

export interface SkippedTest {
  /** File, suites and test name. */
  name: string;
  /** Why: the note of `ctx.skip(note)`, `todo`, or undefined (`.skip`, `.skipIf`, a filter). */
  reason: string | undefined;
}

export function skippedTests(modules: ReadonlyArray<TestModule>, root: string): SkippedTest[] {
  const skipped: SkippedTest[] = [];
  for (const module of modules) {
    for (const test of module.children.allTests()) {
      const result = test.result();
      if (result.state !== 'skipped') continue;
      const reason = result.note ?? (test.options.mode === 'todo' ? 'todo' : undefined);
      skipped.push({ name: `${relative(root, module.moduleId)} > ${test.fullName}`, reason });
    }
  }
  return skipped;
}

/** The closing lines: skipped tests grouped by reason, each reason once. Empty when nothing was skipped. */
export function skippedSummary(skipped: SkippedTest[]): string {
  if (skipped.length === 0) return '';
  const byReason = new Map<string, string[]>();
  for (const { name, reason } of skipped) {
    const key = reason ?? 'no reason given (.skip, .skipIf or a filter)';
    byReason.set(key, [...(byReason.get(key) ?? []), name]);
  }
  const lines = [`\n SKIPPED ${skipped.length} test${skipped.length === 1 ? '' : 's'}, not run:`];
  let listed = 0;
  for (const [reason, names] of byReason) {
    lines.push(`   ${reason}:`);
    for (const name of names) {
      if (listed++ < MAX_LISTED) lines.push(`     ↓ ${name}`);
    }
  }
  if (listed > MAX_LISTED) lines.push(`   … and ${listed - MAX_LISTED} more`);
  return `${lines.join('\n')}\n`;
}

export default class SkippedReporter implements Reporter {
  private root = process.cwd();

  onInit(vitest: { config: { root: string } }): void {
    this.root = vitest.config.root;
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const summary = skippedSummary(skippedTests(modules, this.root));
    if (summary) process.stdout.write(summary);
  }
}
