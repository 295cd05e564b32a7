/**
 * Closing what a test opened, without the test saying so: made inside a test, it is closed when that test ends
 * (vitest's `onTestFinished`); made elsewhere (a `beforeAll`, a `describe` body), when the file ends (the `afterAll`
 * in test/setup.ts). Closing twice is harmless, so a test that closes early may.
 */
import { onTestFinished } from 'vitest';

type Close = () => Promise<unknown> | unknown;

const fileScoped: Close[] = [];

export function closeWhenDone(close: Close): void {
  try {
    onTestFinished(async () => {
      await close();
    });
  } catch {
    // Not inside a test: closed with the file.
    fileScoped.push(close);
  }
}

/** For test/setup.ts: everything made outside a test, most recent first. */
export async function closeFileScoped(): Promise<void> {
  for (const close of fileScoped.splice(0).reverse()) await close();
}
