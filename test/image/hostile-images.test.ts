/**
 * Issue 7, bad input: over 1,000 malformed and hostile images, generated from a seed (nothing committed), each sent
 * through the real route (base64 decoding, intake, sharp's PreparedImage) with a scripted engine, and a sample of
 * them again through `url` from a loopback server. Each answer is the code docs/behaviour.md gives:
 *   AIS.0101  an empty image;
 *   AIS.0102  no accepted format's magic bytes (random bytes, GIF, PDF, ZIP, HTML, SVG, WebP, a cut magic);
 *   AIS.0103  a side over the API's maximum or under 15 px, read from the header: never decoded (a spy on
 *             PreparedImage.from and the engine prove it, as does a 100000×100000 PNG not costing 10 GB);
 *   AIS.0104  everything that has a known format but cannot be decoded, or decodes to nothing readable:
 *             truncated files, lying headers, TIFFs of over MAX_TIFF_PAGES pages, absurd BMPs, polyglots (which
 *             decode, and then hold no document), blank decompression bombs within the limits.
 * RSS is measured before and after; its growth is bounded.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import vm from 'node:vm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_TIFF_PAGES } from '../../src/image/intake.js';
import { PreparedImage } from '../../src/image/prepare.js';
import { getToken, PROJECT_ID } from '../helpers/index.js';
import { DOCUMENT_TYPES } from '../../src/recognition/registry.js';
import { buildQuietApp, FakeEngine, expectVendor4xx, mb, memory, OCR_APIS, type QuietApp } from '../helpers/index.js';
import * as make from '../helpers/image-makers.js';

type Code = 'AIS.0101' | 'AIS.0102' | 'AIS.0103' | 'AIS.0104';
type Api = string;
/** Each API's largest side, as its document type declares it. */
const MAX_SIDE: Record<Api, number> = Object.fromEntries(DOCUMENT_TYPES.map((document) => [document.api, document.limits.maxSide]));

interface Case {
  kind: string;
  api: Api;
  bytes: Buffer;
  expected: Code;
  /** Refused from the header: nothing may be decoded and the engine never asked. */
  headerOnly: boolean;
}

/** The code a header declaring `width`×`height` (as image-size reads it) gets on `api`. */
function bySize(api: Api, width: number, height: number): Code {
  if (!width || !height) return 'AIS.0104';
  return Math.min(width, height) < 15 || Math.max(width, height) > (MAX_SIDE[api] ?? 0) ? 'AIS.0103' : 'AIS.0104';
}

const SEED = 7_000_007;

async function corpus(): Promise<Case[]> {
  const random = make.seeded(SEED);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (min: number, max: number) => make.int(random, min, max);
  const api = () => pick(OCR_APIS);
  const cases: Case[] = [];
  const add = (kind: string, bytes: Buffer, expected: Code | ((api: Api) => Code), headerOnly = false) => {
    const chosen = api();
    const code = typeof expected === 'function' ? expected(chosen) : expected;
    cases.push({ kind, api: chosen, bytes, expected: code, headerOnly: headerOnly || code === 'AIS.0103' || code === 'AIS.0102' || code === 'AIS.0101' });
  };
  const noisePng = (w: number, h: number) => make.png(w, h, () => Math.floor(random() * 256));
  const noisePngs = Array.from({ length: 12 }, () => noisePng(int(15, 400), int(15, 300)));
  const noiseJpegs = await Promise.all(
    noisePngs.map((p) =>
      sharp(p)
        .jpeg({ quality: int(30, 95) })
        .toBuffer(),
    ),
  );
  const noiseTiffs = await Promise.all(noisePngs.slice(0, 4).map((p) => sharp(p).tiff().toBuffer()));

  // Empty, and magic bytes cut short.
  add('zero bytes', Buffer.alloc(0), 'AIS.0101');
  for (let n = 1; n < 8; n++) add('PNG magic cut short', make.PNG_MAGIC.subarray(0, n), 'AIS.0102');
  add('JPEG magic only', Buffer.from([0xff, 0xd8, 0xff]), 'AIS.0104', true);
  add('BMP magic only', Buffer.from('BM'), 'AIS.0104', true);
  add('TIFF magic only', Buffer.from('II*\0'), 'AIS.0104', true);
  add('TIFF magic only, big-endian', Buffer.from('MM\0*'), 'AIS.0104', true);
  for (let i = 0; i < 28; i++) add('a few random bytes', Buffer.concat([Buffer.from([int(0, 0x41)]), make.randomBytes(random, int(0, 15))]), 'AIS.0102');

  // Truncated PNGs and JPEGs, anywhere after the magic bytes.
  for (let i = 0; i < 150; i++) {
    const source = pick(noisePngs);
    add('truncated PNG', source.subarray(0, int(8, source.length - 2)), 'AIS.0104');
  }
  for (let i = 0; i < 150; i++) {
    const source = pick(noiseJpegs);
    add('truncated JPEG', source.subarray(0, int(3, source.length - 2)), 'AIS.0104');
  }

  // Lying headers: dimensions that are not the data's, magic bytes of another format, decoy frames, duplicate tags.
  for (let i = 0; i < 40; i++) {
    const source = pick(noisePngs);
    const w = int(15, 4000);
    const h = int(15, 4000);
    add('PNG header claiming other sides', Buffer.concat([make.PNG_MAGIC, make.ihdr(w, h), source.subarray(33)]), 'AIS.0104');
  }
  // Decoding these reads garbage for the claimed sides: kept under 1200 px so the case stays cheap.
  for (let i = 0; i < 30; i++) add('JPEG frame claiming other sides', make.jpegClaiming(pick(noiseJpegs), int(15, 1200), int(15, 1200)), 'AIS.0104');
  for (let i = 0; i < 15; i++) add('JPEG with a decoy frame header', make.jpegWithDecoyFrame(pick(noiseJpegs), int(15, 300), int(15, 300)), 'AIS.0104');
  for (let i = 0; i < 15; i++) add('PNG magic on JPEG data', Buffer.concat([make.PNG_MAGIC, pick(noiseJpegs)]), 'AIS.0104', true);
  for (let i = 0; i < 15; i++) add('JPEG magic on PNG data', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), pick(noisePngs)]), 'AIS.0104', true);
  for (let i = 0; i < 10; i++) add('PNG with an invalid bit depth', make.pngDeclaring(int(15, 2000), int(15, 2000), pick([3, 5, 7, 9, 255]), 0), 'AIS.0104');
  for (let i = 0; i < 15; i++) {
    const declared = int(20_000, 60_000);
    const pixels = make.randomBytes(random, 64 * 64);
    const entries = (strip: number) => [
      { tag: 256, type: 4 as const, value: declared },
      { tag: 256, type: 4 as const, value: 64 },
      { tag: 257, type: 4 as const, value: 64 },
      { tag: 258, type: 3 as const, value: 8 },
      { tag: 259, type: 3 as const, value: 1 },
      { tag: 262, type: 3 as const, value: 1 },
      { tag: 273, type: 4 as const, value: strip },
      { tag: 277, type: 3 as const, value: 1 },
      { tag: 278, type: 4 as const, value: 64 },
      { tag: 279, type: 4 as const, value: pixels.length },
    ];
    // image-size reads the last width, libtiff the first: whichever wins, nothing huge is decoded.
    add('TIFF with two different widths', make.tiff({ width: 64, height: 64, pixels, firstEntries: entries }), 'AIS.0104');
  }

  // Pixel bombs by header: sides far beyond the limit (or under 15 px), refused before any decoding.
  for (const each of OCR_APIS) {
    cases.push({ kind: 'PNG declaring 100000×100000', api: each, bytes: make.pngDeclaring(100_000, 100_000), expected: 'AIS.0103', headerOnly: true });
  }
  const hugeSide = () => pick([8193, 10_000, 65_535, 100_000, 1_000_000, 2 ** 31 - 1, int(8193, 2 ** 31 - 1)]);
  for (let i = 0; i < 90; i++) {
    const [w, h] = random() < 0.5 ? [hugeSide(), int(15, hugeSide())] : [int(15, 5000), hugeSide()];
    add('PNG declaring a huge side', make.pngDeclaring(w, h, pick([1, 8, 16]), pick([0, 2, 6])), (a) => bySize(a, w, h));
  }
  for (let i = 0; i < 25; i++) {
    const [w, h] = [int(1, 14), int(15, 4000)];
    add('PNG with a side under 15 px', make.pngDeclaring(w, h), (a) => bySize(a, w, h));
  }
  for (let i = 0; i < 40; i++) {
    const w = int(8193, 65_535);
    const h = int(15, 65_535);
    add('JPEG frame declaring a huge side', make.jpegClaiming(pick(noiseJpegs), w, h), (a) => bySize(a, w, h));
  }
  for (let i = 0; i < 30; i++) {
    const w = hugeSide();
    const h = int(15, 2 ** 31 - 1);
    add('TIFF declaring a huge side', make.tiff({ width: w, height: h, pixels: make.randomBytes(random, 256) }), (a) => bySize(a, w, h));
  }

  // Decompression bombs within the limits: a few KB that decode to the largest page allowed, all white.
  cases.push({ kind: 'white PNG bomb at the maximum side', api: 'passport', bytes: make.whitePngBomb(4096), expected: 'AIS.0104', headerOnly: false });
  cases.push({ kind: 'white PNG bomb at the maximum side', api: 'bankcard', bytes: make.whitePngBomb(8192), expected: 'AIS.0104', headerOnly: false });

  // TIFFs with many pages: up to MAX_TIFF_PAGES are read (page 1); more are refused before libvips walks them all.
  for (let i = 0; i < 10; i++)
    add('TIFF with a few pages', make.tiff({ width: 64, height: 48, pages: int(2, MAX_TIFF_PAGES), pixels: make.randomBytes(random, 64 * 48) }), 'AIS.0104');
  for (const pages of [MAX_TIFF_PAGES + 1, 1_000, 10_000, 85_000])
    add('TIFF with too many pages', make.tiff({ width: 16, height: 16, pages, pixels: make.randomBytes(random, 256) }), 'AIS.0104', true);
  for (let i = 0; i < 4; i++)
    add('TIFF whose pages loop', make.tiff({ width: 64, height: 48, pages: int(1, 5), loop: true, pixels: make.randomBytes(random, 64 * 48) }), 'AIS.0104');
  for (let i = 0; i < 5; i++) add('TIFF from sharp, truncated', pick(noiseTiffs).subarray(0, int(8, 200)), 'AIS.0104');

  // BMPs with absurd headers. image-size reads the width unsigned and the height's absolute value.
  const absurd = [0, -1, 1, 14, 15, 300, 4096, 8192, 8193, 100_000, 2 ** 31 - 1, -(2 ** 31)];
  for (let i = 0; i < 200; i++) {
    const width = random() < 0.8 ? pick(absurd) : int(-(2 ** 31), 2 ** 31 - 1);
    const height = random() < 0.8 ? pick(absurd) : int(-(2 ** 31), 2 ** 31 - 1);
    const bytes = make.bmp({
      width,
      height,
      bitsPerPixel: pick([0, 1, 4, 8, 16, 24, 32, 64, 65_535]),
      compression: pick([0, 1, 2, 3, 4, 5, 6, 11, 0xffffffff]),
      dataOffset: pick([0, 54, 1078, 0xffffffff, int(0, 2 ** 31)]),
      dibSize: pick([0, 12, 40, 108, 124, 0xffffffff]),
      coloursUsed: pick([0, 2, 256, 0xffffffff]),
      body: make.randomBytes(random, int(0, 4096)),
    });
    add('BMP with an absurd header', bytes, (a) => bySize(a, width >>> 0, Math.abs(height)));
  }

  // Polyglots: valid images carrying another file (they decode, then hold no document), and other files first.
  const zipped = make.zip('index.html', Buffer.from('<html><script>alert(document.cookie)</script></html>'));
  const trailers = [
    zipped,
    Buffer.from('<html><body><script>alert(1)</script></body></html>'),
    Buffer.from('<?php system($_GET["c"]); ?>'),
    Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF'),
  ];
  for (let i = 0; i < 20; i++) add('PNG with another file appended', Buffer.concat([pick(noisePngs), pick(trailers)]), 'AIS.0104');
  for (let i = 0; i < 10; i++) add('JPEG with another file appended', Buffer.concat([pick(noiseJpegs), pick(trailers)]), 'AIS.0104');
  for (let i = 0; i < 5; i++) {
    const js = make.jpegJavaScriptPolyglot(pick(noiseJpegs));
    new vm.Script(js.toString('latin1')); // it really is JavaScript
    add('JPEG that is also JavaScript', js, 'AIS.0104');
  }
  for (let i = 0; i < 3; i++) add('TIFF with HTML appended', Buffer.concat([pick(noiseTiffs), trailers[1] as Buffer]), 'AIS.0104');
  const others = [
    Buffer.concat([Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), zipped]),
    Buffer.concat([zipped, pick(noisePngs)]),
    Buffer.concat([Buffer.from('%PDF-1.7\n'), pick(noiseJpegs)]),
    Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000"><script>alert(1)</script></svg>'),
    Buffer.from('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'),
    Buffer.concat([Buffer.from('RIFF\x00\x00\x00\x00WEBPVP8 ', 'latin1'), make.randomBytes(random, 64)]),
    Buffer.from('<html><img src=x onerror=alert(1)></html>'),
    Buffer.concat([Buffer.from('\xef\xbb\xbf', 'latin1'), pick(noisePngs)]),
  ];
  for (let i = 0; i < 25; i++) add('another format first', pick(others), 'AIS.0102');
  for (let i = 0; i < 5; i++) add('JPEG magic, then HTML', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), trailers[1] as Buffer]), 'AIS.0104', true);

  // Random bytes with no magic.
  for (let i = 0; i < 200; i++) add('random bytes', Buffer.concat([Buffer.from([int(0, 0x41)]), make.randomBytes(random, int(16, 5000))]), 'AIS.0102');
  return cases;
}

describe('over 1,000 malformed and hostile images (issue 7)', () => {
  let t: QuietApp;
  let engine: FakeEngine;
  let token: string;
  let cases: Case[];
  let site: Server;
  let siteUrl: string;
  const served = new Map<string, Buffer>();

  beforeAll(async () => {
    cases = await corpus();
    engine = new FakeEngine(undefined, { record: false });
    // Images up to 10 MB reach intake: their base64 is over the 10 MB token body limit, so the limits are raised.
    t = await buildQuietApp({
      engine,
      config: { urlAllowLoopback: true, urlTimeoutMs: 5_000, bodyLimitBytes: 14 * 1024 * 1024, tokenBodyLimitBytes: 14 * 1024 * 1024 },
    });
    token = await getToken(t.app);
    site = createServer((request, response) => response.end(served.get(request.url ?? '') ?? Buffer.alloc(0)));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    site.closeAllConnections();
    await new Promise((resolve) => site.close(resolve));
    await t.app.close();
  });

  const post = (api: Api, payload: object) => t.app.inject({ method: 'POST', url: `/v2/${PROJECT_ID}/ocr/${api}`, headers: { 'x-auth-token': token }, payload });
  let afterFirstPass: { rss: number; heap: number };

  it('answers each with its documented code, decodes nothing it refuses from the header, and bounds memory', async () => {
    expect(cases.length).toBeGreaterThanOrEqual(1_000);
    const prepared = vi.spyOn(PreparedImage, 'from');
    // Warm up sharp and the route first, so the baseline is not the cost of loading them.
    for (const c of cases.slice(0, 20)) await post(c.api, { image: c.bytes.toString('base64') });
    const before = memory();
    let peakRss = before.rss;
    const tally: Record<string, Record<string, number>> = {};
    let headerOnlyMs = 0;
    let headerOnlyCount = 0;
    let viaUrl = 0;

    for (const [index, c] of cases.entries()) {
      // The spy keeps every call's arguments and results (whole images): cleared each time, or it is the leak.
      prepared.mockClear();
      const asked = engine.calls;
      const started = performance.now();
      const code = expectVendor4xx(await post(c.api, { image: c.bytes.toString('base64') }), c.kind);
      const elapsed = performance.now() - started;
      expect({ kind: c.kind, index, code }).toEqual({ kind: c.kind, index, code: c.expected });
      if (c.headerOnly) {
        expect({ kind: c.kind, index, decoded: prepared.mock.calls.length, engine: engine.calls - asked }).toEqual({ kind: c.kind, index, decoded: 0, engine: 0 });
        headerOnlyMs += elapsed;
        headerOnlyCount += 1;
      }
      // Every 20th image again through `url`: fetched bytes are judged exactly like base64 ones.
      if (index % 20 === 0 && c.bytes.length > 0) {
        served.set(`/${index}`, c.bytes);
        const fetched = expectVendor4xx(await post(c.api, { url: `${siteUrl}/${index}` }), c.kind);
        expect({ kind: c.kind, index, viaUrl: fetched }).toEqual({ kind: c.kind, index, viaUrl: c.expected });
        served.delete(`/${index}`);
        viaUrl += 1;
      }
      const byKind = tally[c.kind] ?? {};
      tally[c.kind] = byKind;
      byKind[code] = (byKind[code] ?? 0) + 1;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    prepared.mockRestore();
    afterFirstPass = memory();

    console.log(`hostile images: ${cases.length} (+${viaUrl} again via url), seed ${SEED}`);
    for (const [kind, codes] of Object.entries(tally)) console.log(`  ${kind}: ${JSON.stringify(codes)}`);
    console.log(
      `  header-only refusals: ${headerOnlyCount}, ${(headerOnlyMs / headerOnlyCount).toFixed(2)} ms each; ` +
        `RSS ${mb(before.rss)} → ${mb(afterFirstPass.rss)} MB (peak ${mb(peakRss)}), heap ${mb(before.heap)} → ${mb(afterFirstPass.heap)} MB`,
    );
    // One 100000×100000 greyscale decode alone would need 10 GB. The largest pages allowed (8192², twice) are
    // decoded here (and searched for an MRZ and levelled, each with page-sized buffers), and everything together
    // stays within a few hundred MB of native memory.
    expect(mb(peakRss - before.rss)).toBeLessThan(500);
    expect(mb(afterFirstPass.heap - before.heap)).toBeLessThan(50);
    // Header checks cost next to nothing: well under 20 ms each on average, even on a slow CI machine.
    expect(headerOnlyMs / headerOnlyCount).toBeLessThan(20);
    expect((await t.app.inject({ url: '/health' })).statusCode).toBe(200);
  }, 240_000);

  it('holds memory steady when the same hostile images come again', async () => {
    // Half the corpus again (the decoding half and the bombs included): a leak of even 100 KB a request would
    // show as 50 MB here; the allocator's own retention is what the first pass already paid.
    const again = cases.filter((c, i) => i % 2 === 0 || c.kind.includes('bomb'));
    for (const c of again) expect(expectVendor4xx(await post(c.api, { image: c.bytes.toString('base64') }), c.kind)).toBe(c.expected);
    const after = memory();
    console.log(`  again: ${again.length} images; RSS ${mb(afterFirstPass.rss)} → ${mb(after.rss)} MB, heap ${mb(afterFirstPass.heap)} → ${mb(after.heap)} MB`);
    expect(mb(after.rss - afterFirstPass.rss)).toBeLessThan(64);
    expect(mb(after.heap - afterFirstPass.heap)).toBeLessThan(16);
  }, 240_000);
});
