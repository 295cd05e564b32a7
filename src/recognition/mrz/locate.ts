/**
 * Finds a machine-readable zone on a page from its ink blobs, at any angle: a scan, a skewed phone photo, a page
 * turned 90°. MRZ lines are unmistakable from geometry alone: `lines` parallel rows of 30 or 44 evenly pitched
 * glyphs of one height, equally long, left-aligned, about two glyph heights apart. The result is the zone's
 * corners on the page, so the reader can cut it out upright, and its angle, so the rest of the page can be too.
 */
import { connectedComponents, inkMask, inkShare, shrink, type Component } from '../toolkit/components.js';
import type { Point } from '../../image/prepare.js';
import { lineFit, median } from '../geometry.js';

/** Four corners in page pixels, in reading order of the upright zone: top-left, top-right, bottom-right, bottom-left. */
export type Quad = readonly [Point, Point, Point, Point];

export interface LocatedMrz {
  /** The band around the MRZ lines, with a margin of about one glyph. */
  band: Quad;
  /** Text direction, degrees clockwise from the page's x axis (0 = upright, up to a half turn either way). */
  angle: number;
  /** Distance between glyph centres, page pixels. */
  pitch: number;
  /** Height of the capitals, page pixels. */
  capHeight: number;
  /** Width of the MRZ lines, page pixels. */
  lineWidth: number;
}

/** A document page at locating size shows a few thousand blobs; far more is noise, and costs time for nothing. */
const MAX_BLOBS = 20_000;

const MAX_INK_SHARE = 0.3;

/** Locating needs no more than this many pixels on the longer side. */
const LOCATE_SIDE = 1400;

interface Blob extends Component {
  /** Extent across and along the text direction, once that is known. */
  size: number;
}

/** The dominant direction of text: the angle, modulo a half turn, from each blob to its nearest like-sized blob. */
function textDirection(blobs: readonly Blob[]): number {
  const cell = Math.max(4, median(blobs.map((b) => b.size)) * 3);
  const grid = new Map<string, Blob[]>();
  const key = (x: number, y: number) => `${Math.floor(x / cell)},${Math.floor(y / cell)}`;
  for (const b of blobs) {
    const k = key(b.cx, b.cy);
    const list = grid.get(k);
    if (list) list.push(b);
    else grid.set(k, [b]);
  }
  const histogram = new Float64Array(180);
  for (const b of blobs) {
    let best: Blob | undefined;
    let bestDistance = Infinity;
    const gx = Math.floor(b.cx / cell);
    const gy = Math.floor(b.cy / cell);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const o of grid.get(`${gx + dx},${gy + dy}`) ?? []) {
          if (o === b) continue;
          const ratio = o.size / b.size;
          if (ratio < 0.5 || ratio > 2) continue;
          const distance = Math.hypot(o.cx - b.cx, o.cy - b.cy);
          if (distance < bestDistance && distance < 2.2 * Math.max(o.size, b.size)) {
            bestDistance = distance;
            best = o;
          }
        }
      }
    }
    if (!best) continue;
    const degrees = ((Math.atan2(best.cy - b.cy, best.cx - b.cx) * 180) / Math.PI + 360) % 180;
    histogram[Math.floor(degrees) % 180] = (histogram[Math.floor(degrees) % 180] ?? 0) + 1;
  }
  // Smooth over ±3°, circularly, and take the peak.
  let peak = 0;
  let peakValue = -1;
  for (let d = 0; d < 180; d++) {
    let value = 0;
    for (let k = -3; k <= 3; k++) value += (histogram[(d + k + 180) % 180] ?? 0) * (4 - Math.abs(k));
    if (value > peakValue) {
      peakValue = value;
      peak = d;
    }
  }
  // Refine to the weighted mean around the peak.
  let sum = 0;
  let weight = 0;
  for (let k = -3; k <= 3; k++) {
    const w = histogram[(peak + k + 180) % 180] ?? 0;
    sum += (peak + k + 0.5) * w;
    weight += w;
  }
  const angle = weight > 0 ? sum / weight : peak;
  return angle > 90 ? angle - 180 : angle;
}

interface Chain {
  members: { u: number; v: number; height: number }[];
  /** v = intercept + slope · u */
  intercept: number;
  slope: number;
  first: number;
  last: number;
  capHeight: number;
  pitch: number;
}

function fitChain(members: Chain['members']): Chain {
  const sorted = [...members].sort((a, b) => a.u - b.u);
  const { slope, intercept } = lineFit(sorted.map((m) => ({ x: m.u, y: m.v })));
  const heights = sorted.map((m) => m.height).sort((a, b) => a - b);
  const capHeight = heights[Math.floor(heights.length * 0.8)] ?? 0;
  return { members: sorted, intercept, slope, first: sorted[0]?.u ?? 0, last: sorted.at(-1)?.u ?? 0, capHeight, pitch: 0 };
}

/** Rows of blobs along the text direction: neighbours close along it and level across it are one row. */
function chains(blobs: readonly { u: number; v: number; height: number }[]): Chain[] {
  const order = blobs.map((_, i) => i).sort((a, b) => (blobs[a]?.u ?? 0) - (blobs[b]?.u ?? 0));
  const parent = blobs.map((_, i) => i);
  // Union–find with path compression: each lookup points the blob straight at its root.
  const find = (a: number): number => {
    if (parent[a] === a) return a;
    const root = find(parent[a] as number);
    parent[a] = root;
    return root;
  };
  for (let oi = 0; oi < order.length; oi++) {
    const i = order[oi] as number;
    const a = blobs[i]!;
    for (let oj = oi + 1; oj < order.length; oj++) {
      const j = order[oj] as number;
      const b = blobs[j]!;
      const h = Math.max(a.height, b.height);
      if (b.u - a.u > 1.9 * h) break;
      const ratio = b.height / a.height;
      if (ratio < 0.35 || ratio > 2.9) continue;
      if (Math.abs(b.v - a.v) > 0.3 * h) continue;
      parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, Chain['members']>();
  blobs.forEach((b, i) => {
    const root = find(i);
    const list = groups.get(root);
    if (list) list.push(b);
    else groups.set(root, [b]);
  });
  return [...groups.values()].filter((g) => g.length >= 8).map(fitChain);
}

/** Whether a row has the shape of an MRZ line of `length` glyphs. */
function mrzLike(chain: Chain, length: number): boolean {
  const n = chain.members.length;
  if (n < 0.55 * length || n > 1.3 * length) return false;
  const span = chain.last - chain.first;
  const perGlyph = span / (length - 1);
  // OCR-B capitals are about 0.8–0.95 of the pitch high; allow for blur and glyphs that touch.
  const ratio = perGlyph / chain.capHeight;
  if (ratio < 0.65 || ratio > 1.8) return false;
  // No hole longer than a few cells: MRZ lines are filled to the end with fillers.
  for (let k = 1; k < n; k++) if ((chain.members[k]?.u ?? 0) - (chain.members[k - 1]?.u ?? 0) > 3.2 * perGlyph) return false;
  chain.pitch = perGlyph;
  return true;
}

/** Blobs the size and shape of printed glyphs. */
function printBlobs(components: readonly Component[], maxSide: number): Blob[] {
  return components
    .filter((c) => {
      const w = c.x1 - c.x0 + 1;
      const h = c.y1 - c.y0 + 1;
      const size = Math.max(w, h);
      return size >= 4 && size <= maxSide / 14 && c.area >= 0.1 * w * h && Math.max(w, h) / Math.min(w, h) <= 8;
    })
    .map((c) => ({ ...c, size: Math.max(c.x1 - c.x0 + 1, c.y1 - c.y0 + 1) }));
}

/** Pages already searched, so that side detection and reading can both ask without paying twice. */
const searched = new WeakMap<Uint8Array, Map<string, LocatedMrz | undefined>>();

/**
 * The MRZ with `lines` lines of `length` characters on a greyscale page, or undefined when no such zone shows.
 */
export function locateMrz(pixels: Uint8Array, width: number, height: number, lines: number, length: number): LocatedMrz | undefined {
  const key = `${width}x${height}:${lines}x${length}`;
  const known = searched.get(pixels);
  if (known?.has(key)) return known.get(key);
  const located = searchMrz(pixels, width, height, lines, length);
  searched.set(pixels, (known ?? new Map()).set(key, located));
  return located;
}

function searchMrz(pixels: Uint8Array, width: number, height: number, lines: number, length: number): LocatedMrz | undefined {
  const { bitmap, factor } = shrink({ pixels, width, height }, LOCATE_SIDE);
  const maxSide = Math.max(bitmap.width, bitmap.height);
  const mask = inkMask(bitmap, maxSide / 25);
  // Print covers a small share of a page; a mask of ink everywhere is noise or texture.
  if (inkShare(mask) > MAX_INK_SHARE) return undefined;
  const blobs = printBlobs(connectedComponents(mask, bitmap.width, bitmap.height), maxSide);
  // Too few blobs for an MRZ, or so many that the page is noise or texture rather than print: no zone to find.
  if (blobs.length < lines * length * 0.5 || blobs.length > MAX_BLOBS) return undefined;

  const angle = textDirection(blobs);
  const radians = (angle * Math.PI) / 180;
  const cos = Math.cos(radians);
  const sin = Math.sin(radians);
  const projected = blobs.map((b) => {
    const w = b.x1 - b.x0 + 1;
    const h = b.y1 - b.y0 + 1;
    return {
      u: b.cx * cos + b.cy * sin,
      v: -b.cx * sin + b.cy * cos,
      // The blob's extent across the text direction (exact for an upright box, fair for a small skew).
      height: Math.abs(cos) * h + Math.abs(sin) * w - Math.min(w, h) * Math.abs(sin * cos),
    };
  });
  const rows = chains(projected)
    .filter((c) => mrzLike(c, length))
    .sort((a, b) => a.intercept + a.slope * a.first - (b.intercept + b.slope * b.first));

  let best: { group: Chain[]; score: number } | undefined;
  for (let i = 0; i + lines <= rows.length; i++) {
    const group = rows.slice(i, i + lines);
    const cap = median(group.map((c) => c.capHeight));
    const pitch = median(group.map((c) => c.pitch));
    const mid = (c: Chain) => c.intercept + c.slope * ((c.first + c.last) / 2);
    const fits = group.every((c, k) => {
      const spans = (c.last - c.first) / ((group[0]?.last ?? 0) - (group[0]?.first ?? 1));
      const aligned = Math.abs(c.first - (group[0]?.first ?? 0)) < 2.5 * pitch;
      const parallel = Math.abs(Math.atan(c.slope) - Math.atan(group[0]?.slope ?? 0)) < 0.06;
      const gap = k === 0 ? 2 * cap : mid(c) - mid(group[k - 1] as Chain);
      return spans > 0.85 && spans < 1.18 && aligned && parallel && gap > 1.1 * cap && gap < 3.4 * cap;
    });
    if (!fits) continue;
    const score = -group.reduce((s, c) => s + Math.abs(c.members.length - length), 0);
    if (!best || score > best.score) best = { group, score };
  }
  if (!best) return undefined;

  const group = best.group;
  const top = group[0] as Chain;
  const bottom = group.at(-1) as Chain;
  const pitch = median(group.map((c) => c.pitch));
  const capHeight = median(group.map((c) => c.capHeight));
  const left = Math.min(...group.map((c) => c.first)) - 1.1 * pitch;
  const right = Math.max(...group.map((c) => c.last)) + 1.3 * pitch;
  const margin = 1.0 * capHeight;
  const topAt = (u: number) => top.intercept + top.slope * u - 0.5 * capHeight - margin;
  const bottomAt = (u: number) => bottom.intercept + bottom.slope * u + 0.5 * capHeight + margin;
  // Back from the rotated frame to page pixels, undoing the shrink.
  const toPage = (u: number, v: number): Point => ({ x: (u * cos - v * sin) / factor, y: (u * sin + v * cos) / factor });
  const band: Quad = [toPage(left, topAt(left)), toPage(right, topAt(right)), toPage(right, bottomAt(right)), toPage(left, bottomAt(left))];
  const scale = 1 / factor;
  return {
    band,
    angle: angle + (Math.atan(median(group.map((c) => c.slope))) * 180) / Math.PI,
    pitch: pitch * scale,
    capHeight: capHeight * scale,
    lineWidth: (right - left) * scale,
  };
}

/** The same quad turned a half turn: for a page that lies upside down. */
export function turnedHalf(quad: Quad): Quad {
  return [quad[2], quad[3], quad[0], quad[1]];
}

/**
 * The region of the document above the MRZ band (the printed zone), as a quad in the same orientation: `above`
 * is its height as a share of the MRZ line width, `widen` the extra width on each side.
 */
export function quadAbove(located: LocatedMrz, above: number, widen = 0.04): Quad {
  const [tl, tr] = located.band;
  const dx = tr.x - tl.x;
  const dy = tr.y - tl.y;
  const length = Math.hypot(dx, dy);
  const ux = dx / length;
  const uy = dy / length;
  // Up the page is the normal pointing away from the MRZ.
  const nx = uy;
  const ny = -ux;
  const h = above * length;
  const w = widen * length;
  const bl = { x: tl.x - ux * w, y: tl.y - uy * w };
  const br = { x: tr.x + ux * w, y: tr.y + uy * w };
  return [{ x: bl.x + nx * h, y: bl.y + ny * h }, { x: br.x + nx * h, y: br.y + ny * h }, br, bl];
}

/** The cut-out of a quad at `pitch` pixels per MRZ cell: its width and height. */
export function cutSize(quad: Quad, scale: number): { width: number; height: number } {
  const [tl, tr, , bl] = quad;
  return { width: Math.hypot(tr.x - tl.x, tr.y - tl.y) * scale, height: Math.hypot(bl.x - tl.x, bl.y - tl.y) * scale };
}

/** The quad's bounding box on whole pixels: a page lying square is cut out without resampling. */
export function squared(quad: Quad): Quad {
  const left = Math.floor(Math.min(...quad.map((p) => p.x)));
  const right = Math.ceil(Math.max(...quad.map((p) => p.x)));
  const top = Math.floor(Math.min(...quad.map((p) => p.y)));
  const bottom = Math.ceil(Math.max(...quad.map((p) => p.y)));
  return [
    { x: left, y: top },
    { x: right, y: top },
    { x: right, y: bottom },
    { x: left, y: bottom },
  ];
}
