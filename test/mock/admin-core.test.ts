/** The admin API's pure parts: scenario grammar, faults, stubs, the journal, namespaces and seeded randomness. */
import { describe, expect, it } from 'vitest';
import { Journal, type JournalEntry } from '../../src/mock/journal.js';
import { DEFAULT_NAMESPACE, projectOfPath, resolveNamespace } from '../../src/mock/namespace.js';
import { randomSource } from '../../src/random-source.js';
import { FaultBook, outcomeOf } from '../../src/mock/faults.js';
import { parseDuration, parseScenario, ScenarioSyntaxError } from '../../src/mock/scenario.js';
import { StubBook } from '../../src/mock/stubs.js';
import { journalEntry } from '../helpers/journal.js';

const HASH = 'ab'.repeat(32);

describe('parseScenario with delays and drops', () => {
  it('reads delay in ms or s, drop, and combinations', () => {
    expect(parseScenario('delay=500ms')).toEqual({ delayMs: 500 });
    expect(parseScenario('delay=1.5s; error=ModelArts.4402')).toEqual({ delayMs: 1500, error: 'ModelArts.4402' });
    expect(parseScenario('DROP')).toEqual({ drop: true });
    expect(parseScenario('delay=20ms;drop')).toEqual({ delayMs: 20, drop: true });
  });

  it('refuses delays without a unit, negative or beyond five minutes', () => {
    for (const text of ['delay=100', 'delay=-5ms', 'delay=301s', 'delay=fast', 'drop=yes']) {
      expect(() => parseScenario(text), text).toThrow(ScenarioSyntaxError);
    }
    expect(parseDuration('300s')).toBe(300_000);
    expect(parseDuration('0ms')).toBe(0);
  });
});

describe('FaultBook', () => {
  const facts = { api: 'passport', project: 'p1' };
  const never = () => 0.99;

  it('fires the next N requests, in the order faults were added, then forgets them', () => {
    const book = new FaultBook();
    book.add({ error: 'ModelArts.4302', times: 2 }, 'f1');
    book.add({ error: 'AIS.0105' }, 'f2');
    const codes = [1, 2, 3, 4].map(() => book.take(facts, 'request', never)?.error);
    expect(codes).toEqual(['ModelArts.4302', 'ModelArts.4302', 'AIS.0105', 'AIS.0105']);
    expect(book.list().map(({ id, hits }) => ({ id, hits }))).toEqual([{ id: 'f2', hits: 2 }]);
  });

  it('matches API, project and image hash; image faults only once the image is known', () => {
    const book = new FaultBook();
    book.add({ match: { api: 'bankcard' }, error: 'AIS.0101' }, 'api');
    book.add({ match: { project: 'p2' }, drop: true }, 'project');
    book.add({ match: { imageSha256: HASH.toUpperCase() }, delayMs: 10 }, 'image');
    expect(book.take(facts, 'request', never)).toBeUndefined();
    expect(book.take({ ...facts, api: 'bankcard' }, 'request', never)?.id).toBe('api');
    expect(book.take({ ...facts, project: 'p2' }, 'request', never)?.id).toBe('project');
    expect(book.take(facts, 'image', never)).toBeUndefined();
    expect(book.take({ ...facts, imageSha256: HASH }, 'image', never)?.id).toBe('image');
  });

  it('samples by probability; a spared request does not count', () => {
    const book = new FaultBook();
    book.add({ error: 'ModelArts.4503', probability: 0.5, times: 1 }, 'f');
    expect(book.take(facts, 'request', () => 0.7)).toBeUndefined();
    expect(book.list()[0]?.hits).toBe(0);
    expect(book.take(facts, 'request', () => 0.2)?.id).toBe('f');
    expect(book.list()).toEqual([]);
  });

  it('turns a fault into an outcome, with jitter drawn per request', () => {
    expect(outcomeOf({ error: 'AIS.0104', delayMs: 100, jitterMs: 50 }, 0.5)).toEqual({ error: 'AIS.0104', delayMs: 125 });
    expect(outcomeOf({ drop: true }, 0.9)).toEqual({ drop: true });
  });
});

describe('StubBook', () => {
  it('answers the newest stub for the API and hash, counting hits', () => {
    const book = new StubBook();
    book.add({ api: 'passport', imageSha256: HASH, result: { n: 1 } }, 's1');
    book.add({ api: 'passport', imageSha256: HASH.toUpperCase(), result: { n: 2 } }, 's2');
    expect(book.take('passport', HASH)?.result).toEqual({ n: 2 });
    expect(book.take('bankcard', HASH)).toBeUndefined();
    expect(book.remove('s2')).toBe(true);
    expect(book.take('passport', HASH)).toMatchObject({ id: 's1', hits: 1 });
  });
});

describe('Journal', () => {
  const entry = (n: number, namespace = 'a'): JournalEntry => journalEntry({ requestId: `r${n}`, namespace, status: n % 2 ? 200 : 400, errorCode: n % 2 ? null : 'AIS.0101' });

  it('keeps the newest entries up to its bound, oldest first', () => {
    const journal = new Journal(10);
    for (let n = 1; n <= 25; n++) journal.record(entry(n));
    expect(journal.list().map((e) => e.requestId)).toEqual(Array.from({ length: 10 }, (_, i) => `r${i + 16}`));
  });

  it('filters and clears by namespace', () => {
    const journal = new Journal(100);
    for (let n = 1; n <= 6; n++) journal.record(entry(n, n <= 3 ? 'a' : 'b'));
    expect(journal.list({ namespace: 'b', status: 400 }).map((e) => e.requestId)).toEqual(['r4', 'r6']);
    expect(journal.list({ errorCode: 'AIS.0101', limit: 1 }).map((e) => e.requestId)).toEqual(['r6']);
    expect(journal.list({ method: 'post', namespace: 'a' })).toHaveLength(3);
    expect(journal.clear('a')).toBe(3);
    expect(journal.list().map((e) => e.namespace)).toEqual(['b', 'b', 'b']);
  });
});

describe('namespaces', () => {
  it('takes the header, else the project id, else the default; refuses unreadable names', () => {
    expect(resolveNamespace('file-a', 'p1')).toEqual({ ok: true, namespace: 'file-a' });
    expect(resolveNamespace(undefined, 'p1')).toEqual({ ok: true, namespace: 'p1' });
    expect(resolveNamespace(undefined, undefined)).toEqual({ ok: true, namespace: DEFAULT_NAMESPACE });
    expect(resolveNamespace('has space', 'p1')).toEqual({ ok: false, given: 'has space' });
    expect(resolveNamespace('', 'p1')).toEqual({ ok: false, given: '' });
    expect(projectOfPath('/v2/abc/ocr/nothing')).toBe('abc');
    expect(projectOfPath('/v3/auth/tokens')).toBeUndefined();
  });
});

describe('randomSource', () => {
  it('gives the same streams for the same seed, independent per label', () => {
    const a = randomSource(7);
    const b = randomSource(7);
    expect([a.stream('ids').hex(16), a.stream('ids').uuid()]).toEqual([b.stream('ids').hex(16), b.stream('ids').uuid()]);
    // Drawing from one stream never shifts another.
    a.stream('faults').next();
    expect(a.stream('ids').hex(4)).toBe(b.stream('ids').hex(4));
    expect(randomSource(8).stream('ids').hex(16)).not.toBe(randomSource(7).stream('ids').hex(16));
    expect(a.stream('x').uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const draws = Array.from({ length: 1000 }, () => a.stream('u').next());
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
  });

  it('is random without a seed', () => {
    expect(randomSource().stream('ids').hex(16)).not.toBe(randomSource().stream('ids').hex(16));
  });
});
