/** Starting and stopping a listening server: used by the CLI and by test setups. */
import type { FastifyInstance } from 'fastify';
import type { AppOptions } from './app.js';
import { AdminClient } from './client/admin-client.js';
import { loadConfig, type Config } from './config.js';
import { configuredEngine } from './ocr/configured-engine.js';

export interface StartOptions extends Omit<AppOptions, 'config'> {
  /** Port to listen on; 0 picks a free one. Defaults to the config's port. */
  port?: number;
  host?: string;
  /** Config overrides on top of the environment and config file. */
  config?: Partial<Config>;
  /** Resolve only once the OCR engine is warm (default true), so the first test is not slow. */
  waitUntilWarm?: boolean;
}

export interface MockServer {
  /** Base URL of the vendor API, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** The admin API for the whole server (the global scope). */
  admin: AdminClient;
  /**
   * A handle for one test file or suite: an admin client scoped to `name`, whose `headers` put vendor requests in
   * that namespace. Its journal, faults, stubs, settings and reset never touch another namespace.
   */
  namespace(name: string): AdminClient;
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * Starts a server for a test setup. Quiet by default: it logs at `warn` (nothing in a normal run), unless
 * `config.logLevel`, `LOG_LEVEL` or the config file says otherwise; `config: { logLevel: 'info' }` gives one line per
 * request.
 */
export async function startMockServer(options: StartOptions = {}): Promise<MockServer> {
  return startServer(options, { logLevel: 'warn' });
}

/** What the CLI and startMockServer share; `defaults` replace built-in defaults (the CLI logs at `info`). */
export async function startServer(options: StartOptions, defaults: Partial<Config> = {}): Promise<MockServer> {
  const { port, host, config: overrides, waitUntilWarm = true, ...appOptions } = options;
  const config = loadConfig({
    defaults,
    overrides: { ...overrides, ...(port !== undefined ? { port } : {}), ...(host !== undefined ? { host } : {}) },
  });
  // The engine starts before the app's modules load (./app.js, imported only now) and its routes register: those take
  // this thread for about a second, during which the OCR workers load their models and warm on the other cores.
  let app: FastifyInstance | undefined;
  const ownEngine = appOptions.engine ? undefined : configuredEngine(config, () => app?.log);
  // Failures are logged by the app, which asks for the same warm-up.
  if (ownEngine && config.warmup) ownEngine.warm().catch(() => undefined);
  try {
    const { buildApp } = await import('./app.js');
    app = await buildApp({ ...appOptions, config, ...(ownEngine ? { engine: ownEngine } : {}) });
  } catch (error) {
    await ownEngine?.close();
    throw error;
  }
  if (ownEngine) {
    app.addHook('onClose', async () => ownEngine.close());
    // Ready comes with one warm worker per language; this says when the others have caught up.
    if (config.warmup)
      void ownEngine.whenAllWarm().then(
        () => app?.log.info({ warmedWorkers: ownEngine.warmedWorkers }, 'every OCR worker is warm'),
        () => undefined,
      );
  }
  await app.listen({ port: config.port, host: config.host });
  if (waitUntilWarm && config.warmup) await app.ocrEngine.warm();
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : config.port;
  const urlHost = config.host.includes(':') ? `[${config.host}]` : config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  const url = `http://${urlHost}:${actualPort}`;
  // Over HTTP like any other client, so in-process and Docker setups behave the same.
  const admin = new AdminClient(url, config.adminToken ? { token: config.adminToken } : {});
  return { url, app, admin, namespace: (name) => admin.namespace(name), close: () => app.close() };
}
