import { defineConfig } from 'vitest/config';

/**
 * The pure tests: plain data in and out, no app, no tesseract, no child process. `npm run test:unit` runs only
 * these (in seconds); `npm test` runs them and the rest.
 */
const UNIT = [
  'test/cache/result-cache.test.ts',
  'test/config.test.ts',
  'test/errors/**/*.test.ts',
  'test/gateway/gateway-config.test.ts',
  'test/gateway/signature.test.ts',
  'test/gateway/throttle-arithmetic.test.ts',
  'test/mock/admin-core.test.ts',
  'test/node-version.test.ts',
  'test/recognition/bankcard/card-number.test.ts',
  'test/recognition/emirates-id-card/arabic.test.ts',
  'test/recognition/passport/printed-zone.test.ts',
  'test/recognition/toolkit/*.test.ts',
  'test/recognition/mrz/mrz.test.ts',
];

export default defineConfig({
  test: {
    // OCR tests start real tesseract.js workers; two cores share them, so keep files few at a time.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The default summary, then the names of any skipped tests (test/helpers/skipped-reporter.ts), so no skip goes unseen.
    reporters: ['default', './test/helpers/skipped-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      // Closes what the helpers opened outside a test when each file ends (test/helpers/cleanup.ts).
      { extends: true, test: { name: 'integration', include: ['test/**/*.test.ts'], exclude: UNIT, setupFiles: ['test/setup.ts'] } },
    ],
  },
});
