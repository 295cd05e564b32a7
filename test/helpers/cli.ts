/** Starting the built CLI as a user would and waiting for its ready line: shared by the black-box tests. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface RunningCli {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

export interface SpawnCliOptions {
  /** The script to run, relative to `cwd` or absolute. */
  script: string;
  cwd?: string;
  /** The whole environment of the process; defaults to this process's. */
  baseEnv?: NodeJS.ProcessEnv;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export function spawnCli({ script, cwd, baseEnv = process.env, env = {}, timeoutMs = 30_000 }: SpawnCliOptions): Promise<RunningCli> {
  const child = spawn(process.execPath, [script], {
    ...(cwd ? { cwd } : {}),
    env: { ...baseEnv, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', OCR_MOCK_OCR_WORKERS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ocr-mock did not get ready:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /ocr-mock ready on (http:\/\/[^\s"]+)/.exec(output);
      if (ready?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: ready[1], output: () => output, exited });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`ocr-mock exited with ${code}:\n${output}`));
    });
  });
}
