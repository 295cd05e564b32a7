/**
 * Requests per second on cheap paths, with autocannon in a child process (so the load generator does not share
 * the event loop of the servers it measures), next to a bare fastify route that answers the same status and body.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import Fastify, { type FastifyInstance } from 'fastify';

const require = createRequire(import.meta.url);

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
}

export interface LoadResult {
  /** Mean of autocannon's per-second samples. */
  requestsPerSecond: number;
  total: number;
  /** Mean latency in ms (autocannon's percentiles are whole milliseconds, mostly 0 or 1 here). */
  latencyMean: number;
  /** Responses per status code. */
  statuses: Record<string, number>;
  errors: number;
}

/** autocannon's CLI, or undefined when it is not installed. */
export function autocannonPath(): string | undefined {
  try {
    return require.resolve('autocannon/autocannon.js');
  } catch {
    return undefined;
  }
}

interface AutocannonJson {
  errors: number;
  latency: { mean: number };
  requests: { average: number; total: number };
  statusCodeStats?: Record<string, { count: number }>;
}

export function runAutocannon(cli: string, url: string, request: { body: string; headers: Record<string, string> }, options: LoadOptions): Promise<LoadResult> {
  const headerArgs = Object.entries(request.headers).flatMap(([name, value]) => ['-H', `${name}=${value}`]);
  const args = [
    cli,
    '--json',
    '--no-progress',
    '--connections',
    String(options.connections),
    '--duration',
    String(options.durationSeconds),
    '--method',
    'POST',
    ...headerArgs,
    '--body',
    request.body,
    url,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      // The run is bounded by --duration; this only catches a hung child.
      timeout: (options.durationSeconds + 30) * 1000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`autocannon exited ${code}: ${stderr.trim().slice(0, 300)}`));
        return;
      }
      try {
        const json = JSON.parse(stdout.slice(stdout.indexOf('{'))) as AutocannonJson;
        resolve({
          requestsPerSecond: json.requests.average,
          total: json.requests.total,
          latencyMean: json.latency.mean,
          statuses: Object.fromEntries(Object.entries(json.statusCodeStats ?? {}).map(([code, s]) => [code, s.count])),
          errors: json.errors,
        });
      } catch (error) {
        reject(new Error(`autocannon output unreadable: ${(error as Error).message}`));
      }
    });
  });
}

/** A fastify app with no plugins that answers `path` with exactly `status` and `body`: the floor to compare with. */
export async function startBareFastify(path: string, status: number, body: string): Promise<{ url: string; app: FastifyInstance }> {
  const app = Fastify({ logger: false });
  app.post(path, async (_request, reply) => reply.code(status).header('content-type', 'application/json; charset=utf-8').send(body));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}${path}`, app };
}
