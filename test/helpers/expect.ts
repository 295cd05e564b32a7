/** Checks for the three error shapes (vendor, admin, IAM), and a memory probe. */
import v8 from 'node:v8';
import vm from 'node:vm';
import type { LightMyRequestResponse as InjectResponse } from 'fastify';
import { expect } from 'vitest';
import { ERROR_CATALOGUE, isErrorCode } from '../../src/errors/catalogue.js';

/** A vendor error: `{error_code, error_msg[, request_id]}` with the catalogue's status for that code. */
export function expectVendorError(response: InjectResponse, context: unknown = undefined): string {
  const body = response.json() as Record<string, unknown>;
  const code = String(body.error_code);
  const row = isErrorCode(code) ? ERROR_CATALOGUE[code] : undefined;
  const keys = Object.keys(body).sort();
  const ok =
    row !== undefined &&
    response.statusCode === row.status &&
    typeof body.error_msg === 'string' &&
    (keys.join() === 'error_code,error_msg' || keys.join() === 'error_code,error_msg,request_id');
  if (!ok) expect({ context, status: response.statusCode, body }).toEqual({ context, status: row?.status ?? 'a catalogue code', body: 'a vendor envelope' });
  return code;
}

/** Same, and the status is a 4xx. */
export function expectVendor4xx(response: InjectResponse, context: unknown = undefined): string {
  if (response.statusCode < 400 || response.statusCode > 499) {
    expect({ context, status: response.statusCode, body: response.body.slice(0, 300) }).toEqual({ context, status: '4xx', body: '' });
  }
  return expectVendorError(response, context);
}

/** The admin API's shape: `{error, message}` with one of its codes, always 4xx for bad input. */
export function expectAdmin4xx(response: InjectResponse, context: unknown = undefined): string {
  const body = response.json() as Record<string, unknown>;
  const status = { 'bad-request': 400, unauthorized: 401, 'not-found': 404 }[String(body.error)];
  const ok = status === response.statusCode && Object.keys(body).sort().join() === 'error,message' && typeof body.message === 'string';
  if (!ok) expect({ context, status: response.statusCode, body }).toEqual({ context, status: '4xx', body: '{error, message}' });
  return String(body.error);
}

/** IAM's Keystone shape: `{error: {code, message, title}}`, its code the HTTP status. */
export function expectIam4xx(response: InjectResponse, context: unknown = undefined): void {
  const body = response.json() as { error?: { code?: unknown; message?: unknown; title?: unknown } };
  const ok =
    [400, 401, 413, 429].includes(response.statusCode) && typeof body.error?.message === 'string' && typeof body.error?.title === 'string' && typeof body.error?.code === 'number';
  if (!ok) expect({ context, status: response.statusCode, body }).toEqual({ context, status: '4xx', body: 'an IAM error' });
}

export function mb(bytes: number): number {
  return Math.round((bytes / (1024 * 1024)) * 10) / 10;
}

// A full collection on demand, without restarting the test worker with --expose-gc: garbage not yet collected
// (request and image buffers) would otherwise make RSS swing by tens of MB.
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;

/** RSS and heap after a full collection. */
export function memory(): { rss: number; heap: number } {
  collect();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heap: heapUsed };
}
