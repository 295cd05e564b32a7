#!/usr/bin/env node
/**
 * `ocr-mock`: starts the emulator on HOST:PORT and stops cleanly on SIGTERM or SIGINT.
 * `ocr-mock fixture …`: writes a synthetic document image and prints its expected result (src/fixture-cli.ts).
 */
import { ConfigError } from './config.js';
import { startServer } from './server.js';

/**
 * How long in-flight requests may take to finish after SIGTERM or SIGINT; then their connections are cut and the
 * process exits 1. Under Docker's 10 s between `docker stop`'s SIGTERM and its SIGKILL.
 */
const SHUTDOWN_GRACE_MS = 8_000;

async function serve(): Promise<void> {
  const started = Date.now();
  // Unlike startMockServer (quiet for test setups), the command logs at info: one line per request.
  const server = await startServer({});
  server.app.log.info(`ocr-mock ready on ${server.url} in ${Date.now() - started} ms`);
  let stopping = false;
  // No new connections from here on; requests in flight finish (within the grace), then the engine stops.
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.app.log.info(`${signal} received, stopping`);
    let forced = false;
    const grace = setTimeout(() => {
      forced = true;
      server.app.log.warn(`requests still in flight ${SHUTDOWN_GRACE_MS} ms after ${signal}; closing their connections`);
      server.app.server.closeAllConnections();
      // Should stopping still hang (an engine that will not end), do not outlive the grace by much.
      setTimeout(() => process.exit(1), 2_000).unref();
    }, SHUTDOWN_GRACE_MS);
    grace.unref();
    server.close().then(
      () => {
        clearTimeout(grace);
        process.exit(forced ? 1 : 0);
      },
      (error: unknown) => {
        server.app.log.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function fixture(args: string[]): Promise<void> {
  // Loaded only for this command: the server never needs the generator.
  const { runFixtureCommand } = await import('./fixture-cli.js');
  process.exitCode = await runFixtureCommand(args, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}

const USAGE = `usage: ocr-mock                 serve the emulator (configured by environment, see the README)
       ocr-mock fixture --help  write a synthetic document image and print its expected result`;

async function main(command: string | undefined, args: string[]): Promise<void> {
  if (command === undefined) return serve();
  if (command === 'fixture') return fixture(args);
  if (command === '--help' || command === '-h') return void console.log(USAGE);
  console.error(`ocr-mock: unknown command "${command}"\n${USAGE}`);
  process.exitCode = 2;
}

const [command, ...args] = process.argv.slice(2);
main(command, args).catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `ocr-mock: ${error.message}` : error);
  process.exit(1);
});
