/**
 * How deeply a parsed JSON body nests. `JSON.parse` copes with any depth, but every recursive walk after it
 * (`JSON.stringify`, `structuredClone`, response serialisation) overflows the stack at a few thousand levels, and
 * a 12 MB body can nest millions deep. Real parsers cap nesting (Jackson's default is 1000); so does the gateway.
 */

/**
 * Deepest nesting of arrays and objects a body may have: far above any real request (the SDK's OCR bodies are 1
 * level deep, IAM's 6) and far below where recursion runs out (~3,000 levels for structuredClone on Node 20).
 */
export const MAX_JSON_DEPTH = 512;

/** Whether `value` nests arrays and objects more than `limit` levels deep. Iterative: safe at any depth. */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 0 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { node, depth } = item;
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push({ node: child, depth: depth + 1 });
    }
  }
  return false;
}

/**
 * Values a body may hold in all (array elements and object members, every level). The SDK's OCR bodies hold 1–3,
 * IAM's about 12, an admin config patch a few hundred; a 12 MB body of `0,0,0,…` would be six million.
 */
export const MAX_JSON_MEMBERS = 10_000;

export interface JsonLimits {
  maxDepth: number;
  maxMembers: number;
}

export const JSON_LIMITS: JsonLimits = { maxDepth: MAX_JSON_DEPTH, maxMembers: MAX_JSON_MEMBERS };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;
const COMMA = 0x2c;

/**
 * Whether the JSON text in `bytes` nests deeper or holds more values than `limits` allow, judged from the bytes
 * before `JSON.parse` builds anything: a 12 MB body of `[[[[…` parses into millions of arrays (gigabytes) before a
 * check on the parsed value could run. One pass, no allocation. Text that is not JSON at all is left for
 * `JSON.parse` to refuse; this only needs to be right for text that is.
 */
export function exceedsJsonLimits(bytes: Uint8Array, limits: JsonLimits = JSON_LIMITS): boolean {
  let depth = 0;
  let members = 0;
  const length = bytes.length;
  for (let i = 0; i < length; i++) {
    const byte = bytes[i];
    if (byte === QUOTE) {
      // Skip the string: the next quote not escaped by an odd run of backslashes. indexOf is native and fast
      // through a multi-megabyte base64 image.
      for (;;) {
        const end = bytes.indexOf(QUOTE, i + 1);
        if (end === -1) return false;
        let slashes = 0;
        for (let j = end - 1; j > i && bytes[j] === BACKSLASH; j--) slashes++;
        i = end;
        if (slashes % 2 === 0) break;
      }
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > limits.maxDepth || ++members > limits.maxMembers) return true;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      depth--;
    } else if (byte === COMMA) {
      if (++members > limits.maxMembers) return true;
    }
  }
  return false;
}
