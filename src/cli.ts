#!/usr/bin/env node
/** `ocr-mock`: starts the emulator on HOST:PORT and stops cleanly on SIGTERM or SIGINT. */
import { ConfigError } from './config.js';
import { startMockServer } from './server.js';

async function main(): Promise<void> {
  const started = Date.now();
  const server = await startMockServer();
  server.app.log.info(`ocr-mock ready on ${server.url} in ${Date.now() - started} ms`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.app.log.info(`${signal} received, stopping`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.app.log.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `ocr-mock: ${error.message}` : error);
  process.exit(1);
});
