/*
 * A tesseract.js worker thread that throws an uncaught exception when given its first recognition, then
 * behaves as tesseract.js's own. "First" across threads and restarts: the first to throw writes the marker file
 * named by OCR_MOCK_TEST_CRASH_MARKER, so its replacement works normally.
 */
const { parentPort } = require('node:worker_threads');
const { existsSync, writeFileSync } = require('node:fs');

const marker = process.env.OCR_MOCK_TEST_CRASH_MARKER;
parentPort.on('message', (packet) => {
  if (packet.action === 'recognize' && marker && !existsSync(marker)) {
    writeFileSync(marker, 'crashed');
    // Thrown from the message listener, before tesseract.js's own sees the job: an uncaught exception in the thread.
    throw new Error('a tesseract worker thread crashed');
  }
});
require(require.resolve('tesseract.js/src/worker-script/node/index.js'));
