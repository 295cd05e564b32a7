/**
 * The native tesseract CLI (Debian's tesseract-ocr), one thread, on the same image files. It reads the very
 * traineddata tesseract.js uses (the gzipped eng model of @tesseract.js-data/eng, unpacked once to a temp folder),
 * with the same page segmentation, LSTM engine and DPI, so the comparison is wasm + tesseract.js against native
 * on one model.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { languageDataPath } from '../../src/ocr/tesseract-engine.js';

const NATIVE_TIMEOUT_MS = 60_000;

/** The CLI's first version line, or undefined when `tesseract` is not on PATH. */
export function nativeVersion(): string | undefined {
  const result = spawnSync('tesseract', ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (result.error || result.status !== 0) return undefined;
  return `${result.stdout}${result.stderr}`.split('\n')[0]?.trim();
}

/** A folder holding eng.traineddata as tesseract.js reads it. */
export function sameModelTessdata(): string {
  const dir = join(tmpdir(), 'ocr-mock-bench-tessdata');
  const target = join(dir, 'eng.traineddata');
  if (!existsSync(target)) {
    mkdirSync(dir, { recursive: true });
    const source = join(languageDataPath('eng'), 'eng.traineddata.gz');
    writeFileSync(target, gunzipSync(readFileSync(source)));
  }
  return dir;
}

/** Wall time of `tesseract <file> stdout --psm 3` on one thread: process start, model load and OCR. */
export function timeNative(file: string, tessdataDir: string): Promise<number> {
  const args = [file, 'stdout', '--tessdata-dir', tessdataDir, '-l', 'eng', '--oem', '1', '--psm', '3', '--dpi', '300'];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('tesseract', args, {
      env: { ...process.env, OMP_THREAD_LIMIT: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: NATIVE_TIMEOUT_MS,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const elapsed = performance.now() - started;
      if (code === 0) resolve(elapsed);
      else reject(new Error(`tesseract ${file}: exit ${code ?? signal}: ${stderr.trim().slice(0, 200)}`));
    });
  });
}
