/**
 * Per-request mock bookkeeping: the namespace a request belongs to (resolved before anything else, since the
 * gateway's counters are kept by namespace) and its journal entry, written when the answer has gone out.
 * Emulator-only paths (/health, /docs, /openapi.json, /_mock/…) are neither namespaced nor journaled.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DEFAULT_NAMESPACE, NAMESPACE_HEADER, projectOfPath, resolveNamespace } from './namespace.js';
import type { JournalStore } from './journal.js';
import type { Clock } from '../clock.js';

export interface MockRequest {
  namespace: string;
  /** An `X-Mock-Namespace` value that is not a valid name; OCR routes refuse it (AIS.0101). */
  invalidNamespace?: string;
  project: string | null;
  api: string | null;
  started: number;
  imageSha256: string | null;
  forcedBy: string | null;
  errorCode: string | null;
  dropped: boolean;
  /** Its entry has been written (a dropped request may still see onSend or onResponse when its socket closes). */
  journaled: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    mock?: MockRequest;
  }
  interface FastifyContextConfig {
    /** The API a route serves, for the journal: an OCR path segment, or `iam`. */
    api?: string;
  }
}

const UNJOURNALED = /^\/(?:health|openapi\.json|docs|_mock)(?:[/?#]|$)/;

export function isJournaled(url: string): boolean {
  return !UNJOURNALED.test(url);
}

/** The namespace of a vendor request; the default for anything the hooks did not see. */
export function namespaceOf(request: FastifyRequest): string {
  return request.mock?.namespace ?? DEFAULT_NAMESPACE;
}

function pathOf(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

export interface Journaling {
  /** Journals a request whose connection is being dropped: it will never have an answer. */
  dropped(request: FastifyRequest): void;
}

export function registerJournal(app: FastifyInstance, { journal, clock }: { journal: JournalStore; clock: Clock }): Journaling {
  app.addHook('onRequest', async (request) => {
    if (!isJournaled(request.url)) return;
    const params = request.params as { project_id?: string } | undefined;
    const project = params?.project_id ?? projectOfPath(pathOf(request.url)) ?? null;
    const resolved = resolveNamespace(request.headers[NAMESPACE_HEADER], project ?? undefined);
    request.mock = {
      namespace: resolved.ok ? resolved.namespace : (project ?? DEFAULT_NAMESPACE),
      ...(resolved.ok ? {} : { invalidNamespace: resolved.given }),
      project,
      api: request.routeOptions.config?.api ?? null,
      started: clock.now(),
      imageSha256: null,
      forcedBy: null,
      errorCode: null,
      dropped: false,
      journaled: false,
    };
  });

  const record = (request: FastifyRequest, status: number | null) => {
    const mock = request.mock;
    if (!mock || mock.journaled) return;
    mock.journaled = true;
    const written = journal.record({
      requestId: String(request.id),
      time: new Date(mock.started).toISOString(),
      method: request.method,
      path: pathOf(request.url),
      namespace: mock.namespace,
      project: mock.project,
      api: mock.api,
      authMethod: request.caller?.method ?? null,
      status,
      errorCode: status === null ? null : mock.errorCode,
      latencyMs: Math.max(0, clock.now() - mock.started),
      imageSha256: mock.imageSha256,
      forcedBy: mock.forcedBy,
      dropped: mock.dropped,
    });
    // A shared journal is written before the answer leaves, so a client that reads it next (from any replica) finds
    // the entry, in the order the answers went out. An unreachable store loses the entry, not the answer.
    return written instanceof Promise ? written.catch((error: unknown) => request.log.warn({ err: error }, 'journal entry not written')) : undefined;
  };

  app.addHook('onSend', async (request, reply, payload) => {
    const written = record(request, reply.statusCode);
    if (written) await written;
    return payload;
  });
  return {
    dropped(request) {
      if (request.mock) request.mock.dropped = true;
      void record(request, null);
    },
  };
}
