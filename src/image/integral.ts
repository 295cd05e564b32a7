/**
 * Summed-area tables: the sum (and sum of squares) of any axis-aligned window of a grey image in four look-ups, so
 * that local thresholds cost the same whatever their window. Shared by the image layer's binarisation and the
 * recognisers' ink finders.
 */
export class IntegralImage {
  private readonly stride: number;
  private readonly sums: Float64Array;
  private readonly squares: Float64Array | undefined;

  constructor(
    pixels: ArrayLike<number>,
    readonly width: number,
    readonly height: number,
    options: { squares?: boolean } = {},
  ) {
    this.stride = width + 1;
    this.sums = new Float64Array(this.stride * (height + 1));
    this.squares = options.squares ? new Float64Array(this.stride * (height + 1)) : undefined;
    for (let y = 0; y < height; y++) {
      let row = 0;
      let rowSquares = 0;
      for (let x = 0; x < width; x++) {
        const v = pixels[y * width + x] ?? 0;
        row += v;
        const at = (y + 1) * this.stride + x + 1;
        this.sums[at] = (this.sums[at - this.stride] ?? 0) + row;
        if (this.squares) {
          rowSquares += v * v;
          this.squares[at] = (this.squares[at - this.stride] ?? 0) + rowSquares;
        }
      }
    }
  }

  /** The window of half-size `half` around (x, y), clipped to the image: [x0, y0, x1, y1), and its pixel count. */
  window(x: number, y: number, half: number): { x0: number; y0: number; x1: number; y1: number; count: number } {
    const x0 = Math.max(0, x - half);
    const y0 = Math.max(0, y - half);
    const x1 = Math.min(this.width, x + half + 1);
    const y1 = Math.min(this.height, y + half + 1);
    return { x0, y0, x1, y1, count: (x1 - x0) * (y1 - y0) };
  }

  private area(table: Float64Array, x0: number, y0: number, x1: number, y1: number): number {
    const s = this.stride;
    return (table[y1 * s + x1] ?? 0) - (table[y0 * s + x1] ?? 0) - (table[y1 * s + x0] ?? 0) + (table[y0 * s + x0] ?? 0);
  }

  /** Mean level of the window around (x, y). */
  mean(x: number, y: number, half: number): number {
    const w = this.window(x, y, half);
    return this.area(this.sums, w.x0, w.y0, w.x1, w.y1) / w.count;
  }

  /** Mean and standard deviation of the window around (x, y); needs `squares`. */
  meanAndDeviation(x: number, y: number, half: number): { mean: number; deviation: number } {
    const w = this.window(x, y, half);
    const mean = this.area(this.sums, w.x0, w.y0, w.x1, w.y1) / w.count;
    const squares = this.squares ? this.area(this.squares, w.x0, w.y0, w.x1, w.y1) / w.count : mean * mean;
    return { mean, deviation: Math.sqrt(Math.max(0, squares - mean * mean)) };
  }
}
