/**
 * Namespaces keep parallel tests apart on one server. Everything the admin API holds (journal entries, faults,
 * stubs, runtime settings) and the gateway's counters (throttle windows, concurrency slots, AK lockouts) belong to
 * one namespace: the `X-Mock-Namespace` request header when present, otherwise the path's project id.
 */
export const NAMESPACE_HEADER = 'x-mock-namespace';

/** Where requests with neither a header nor a project id (an unknown path, IAM) are journaled. */
export const DEFAULT_NAMESPACE = 'default';

/** Names a test runner would use (file names, worker ids), and project ids; nothing that needs escaping. */
export const NAMESPACE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function isNamespace(value: string): boolean {
  return NAMESPACE_PATTERN.test(value);
}

export type ResolvedNamespace = { ok: true; namespace: string } | { ok: false; given: string };

/** The header wins; then the project id; then the default. A header that is not a valid name is reported. */
export function resolveNamespace(header: string | string[] | undefined, projectId: string | undefined): ResolvedNamespace {
  if (header !== undefined) {
    const given = Array.isArray(header) ? header.join(',') : header.trim();
    return isNamespace(given) ? { ok: true, namespace: given } : { ok: false, given };
  }
  return { ok: true, namespace: projectId && isNamespace(projectId) ? projectId : DEFAULT_NAMESPACE };
}

/** The project id in a vendor path (`/v2/{project_id}/…`), for requests no route matched. */
export function projectOfPath(path: string): string | undefined {
  return /^\/v2\/([^/?#]+)\//.exec(path)?.[1];
}
