/**
 * What lies around a document in a photo (a dark table, a hand) painted over in the document's own paper tone.
 * Tesseract binarises a page with one global (Otsu) threshold: with a dark surround in the picture the threshold
 * falls between the surround and the paper, and light print (small grey labels) goes white with the paper.
 */
import sharp from 'sharp';

/** A surround is print darker than this share of the paper's tone. */
const SURROUND_DARKNESS = 0.55;
/** Below this share of the border being dark there is no surround to paint (a scan, a crop inside the page). */
const MIN_DARK_BORDER = 0.15;

/**
 * The image (an encoded greyscale or colour picture) as a greyscale PNG with every dark region that touches its
 * border filled with the paper's tone; the image as it was when its border shows no dark surround.
 */
export async function withoutSurround(image: Buffer): Promise<Buffer> {
  const { data, info } = await sharp(image).greyscale().extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const pixels = new Uint8Array(data.buffer, data.byteOffset, width * height);
  const paper = percentile(pixels, 0.75);
  const dark = paper * SURROUND_DARKNESS;

  const border: number[] = [];
  for (let x = 0; x < width; x++) border.push(x, (height - 1) * width + x);
  for (let y = 1; y < height - 1; y++) border.push(y * width, y * width + width - 1);
  if (border.filter((i) => (pixels[i] as number) < dark).length < border.length * MIN_DARK_BORDER) return image;

  // Flood fill from the border through dark pixels; print inside the document never touches the border.
  const out = Uint8Array.from(pixels);
  const seen = new Uint8Array(width * height);
  const stack = border;
  while (stack.length > 0) {
    const i = stack.pop() as number;
    if (seen[i] || (pixels[i] as number) >= dark) continue;
    seen[i] = 1;
    out[i] = paper;
    const x = i % width;
    if (x > 0) stack.push(i - 1);
    if (x < width - 1) stack.push(i + 1);
    if (i >= width) stack.push(i - width);
    if (i < (height - 1) * width) stack.push(i + width);
  }
  return sharp(out, { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
}

/** The grey level below which `share` of the pixels lie. */
function percentile(pixels: Uint8Array, share: number): number {
  const histogram = new Uint32Array(256);
  for (const value of pixels) histogram[value] = (histogram[value] as number) + 1;
  let count = 0;
  for (let level = 0; level < 256; level++) {
    count += histogram[level] as number;
    if (count >= pixels.length * share) return level;
  }
  return 255;
}
