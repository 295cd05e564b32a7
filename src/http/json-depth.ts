/**
 * How deeply a parsed JSON body nests. `JSON.parse` copes with any depth, but every recursive walk after it
 * (`JSON.stringify`, `structuredClone`, response serialisation) overflows the stack at a few thousand levels, and
 * a 14 MB body can nest millions deep. Real parsers cap nesting (Jackson's default is 1000); so does the gateway.
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
