/** A journal entry for the journal's own tests: a successful passport call unless `fields` say otherwise. */
import type { JournalEntry } from '../../src/mock/journal.js';

export function journalEntry(fields: Partial<JournalEntry> = {}): JournalEntry {
  return {
    requestId: 'r1',
    time: '2026-01-01T00:00:00.000Z',
    method: 'POST',
    path: '/v2/p/ocr/passport',
    namespace: 'a',
    project: 'p',
    api: 'passport',
    authMethod: 'token',
    status: 200,
    errorCode: null,
    latencyMs: 0,
    imageSha256: null,
    forcedBy: null,
    dropped: false,
    ...fields,
  };
}
