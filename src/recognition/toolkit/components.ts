/**
 * Ink blobs from pixels alone: a local threshold, then 8-connected components. Cheap enough to run on every page
 * (about 30–60 ms for a phone photo at working size), and free of any assumption about where the document lies or
 * which way up it is: the MRZ locator builds text lines from these blobs at any angle.
 */

export interface Component {
  /** Bounding box, pixel columns and rows, inclusive. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Ink pixels. */
  area: number;
  /** Centre of mass. */
  cx: number;
  cy: number;
}

export interface Bitmap {
  pixels: Uint8Array;
  width: number;
  height: number;
}

/**
 * Halves a bitmap until its larger side is at most `maxSide`, by averaging 2×2 blocks; returns the factor applied.
 * Locating needs far fewer pixels than reading.
 */
export function shrink(bitmap: Bitmap, maxSide: number): { bitmap: Bitmap; factor: number } {
  let current = bitmap;
  let factor = 1;
  while (Math.max(current.width, current.height) > maxSide) {
    const width = current.width >> 1;
    const height = current.height >> 1;
    const pixels = new Uint8Array(width * height);
    const src = current.pixels;
    const w = current.width;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = 2 * y * w + 2 * x;
        pixels[y * width + x] = ((src[i] ?? 0) + (src[i + 1] ?? 0) + (src[i + w] ?? 0) + (src[i + w + 1] ?? 0) + 2) >> 2;
      }
    }
    current = { pixels, width, height };
    factor /= 2;
  }
  return { bitmap: current, factor };
}

/** Dark print on a lighter ground, judged against the mean of a window around each pixel. */
export function inkMask(bitmap: Bitmap, window: number): Uint8Array {
  const { pixels, width, height } = bitmap;
  const stride = width + 1;
  const sum = new Float64Array(stride * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += pixels[y * width + x] ?? 0;
      sum[(y + 1) * stride + x + 1] = (sum[y * stride + x + 1] ?? 0) + row;
    }
  }
  const half = Math.max(4, Math.round(window / 2));
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - half);
    const y1 = Math.min(height, y + half + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - half);
      const x1 = Math.min(width, x + half + 1);
      const mean =
        ((sum[y1 * stride + x1] ?? 0) - (sum[y0 * stride + x1] ?? 0) - (sum[y1 * stride + x0] ?? 0) + (sum[y0 * stride + x0] ?? 0)) /
        ((x1 - x0) * (y1 - y0));
      const v = pixels[y * width + x] ?? 255;
      // Clearly darker than the surroundings, by a share of their level and by an absolute margin.
      if (v < mean * 0.82 && mean - v > 18) mask[y * width + x] = 1;
    }
  }
  return mask;
}

/** 8-connected components of a mask, by two-pass labelling with union–find. */
export function connectedComponents(mask: Uint8Array, width: number, height: number): Component[] {
  const labels = new Int32Array(width * height);
  const parent: number[] = [0];
  const find = (a: number): number => {
    let root = a;
    while (parent[root] !== root) root = parent[root] as number;
    while (parent[a] !== root) {
      const next = parent[a] as number;
      parent[a] = root;
      a = next;
    }
    return root;
  };
  const unite = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!mask[i]) continue;
      const neighbours: number[] = [];
      if (x > 0 && labels[i - 1]) neighbours.push(labels[i - 1] as number);
      if (y > 0) {
        const up = i - width;
        if (labels[up]) neighbours.push(labels[up] as number);
        if (x > 0 && labels[up - 1]) neighbours.push(labels[up - 1] as number);
        if (x < width - 1 && labels[up + 1]) neighbours.push(labels[up + 1] as number);
      }
      if (neighbours.length === 0) {
        const label = parent.length;
        parent.push(label);
        labels[i] = label;
      } else {
        const first = neighbours[0] as number;
        labels[i] = first;
        for (const other of neighbours) if (other !== first) unite(first, other);
      }
    }
  }
  const byRoot = new Map<number, Component & { sx: number; sy: number }>();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const label = labels[y * width + x] as number;
      if (!label) continue;
      const root = find(label);
      const c = byRoot.get(root);
      if (!c) byRoot.set(root, { x0: x, y0: y, x1: x, y1: y, area: 1, cx: 0, cy: 0, sx: x, sy: y });
      else {
        if (x < c.x0) c.x0 = x;
        if (x > c.x1) c.x1 = x;
        if (y > c.y1) c.y1 = y;
        c.area++;
        c.sx += x;
        c.sy += y;
      }
    }
  }
  return [...byRoot.values()].map(({ sx, sy, ...c }) => ({ ...c, cx: sx / c.area, cy: sy / c.area }));
}
