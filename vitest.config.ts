import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // OCR tests start real tesseract.js workers; two cores share them, so keep files few at a time.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The default summary, then the names of any skipped tests (test/skipped-reporter.ts), so no skip goes unseen.
    reporters: ['default', './test/skipped-reporter.ts'],
  },
});
