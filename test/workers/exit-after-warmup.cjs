/*
 * A tesseract.js worker thread that answers its recognitions, then exits just after answering the second one: the
 * last read of its boot warm-up. Only the first thread to get there does so: it writes the marker file named by
 * OCR_MOCK_TEST_EXIT_MARKER, so its replacement works normally.
 */
const { parentPort } = require('node:worker_threads');
const { writeFileSync } = require('node:fs');

const marker = process.env.OCR_MOCK_TEST_EXIT_MARKER;
let recognitions = 0;

/** True for the one thread that creates the marker: created exclusively, so two threads cannot both see it missing. */
function claim(path) {
  try {
    writeFileSync(path, 'exited', { flag: 'wx' });
    return true;
  } catch {
    return false;
  }
}
const post = parentPort.postMessage.bind(parentPort);
parentPort.postMessage = (packet) => {
  post(packet);
  if (packet?.action === 'recognize' && packet.status === 'resolve' && ++recognitions === 2 && marker && claim(marker)) {
    // After the answer is on its way: the pool sees the warm-up succeed, then the thread gone.
    setImmediate(() => process.exit(3));
  }
};
require(require.resolve('tesseract.js/src/worker-script/node/index.js'));
