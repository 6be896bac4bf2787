import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { sleep } from './stats';

export const ROOT = path.resolve(__dirname, '..', '..');

const TAIL_LINES = 60;
const KEPT_WARNINGS = 10;
// pino's numeric levels (warn 40 and up) and Nest's console logger.
const WARNING_LINE = /"level":\s*(40|50|60)\b|\b(WARN|ERROR|FATAL)\b|Error:/;
// Nest's console logger colours its lines; the report wants plain text.
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/**
 * A pino line reduced to what a reader needs (level, message, error): a request's error line
 * carries the whole request first, and the cause would be cut off.
 */
function readableWarning(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    const entry = JSON.parse(line) as {
      level?: string | number;
      msg?: string;
      err?: { type?: string; message?: string; code?: string };
      req?: { method?: string; url?: string };
    };
    const request = entry.req ? ` (${entry.req.method} ${entry.req.url})` : '';
    const error = entry.err
      ? ` — ${entry.err.type ?? 'Error'}${entry.err.code ? ` ${entry.err.code}` : ''}: ${entry.err.message ?? ''}`
      : '';
    return `${entry.level ?? ''}: ${entry.msg ?? ''}${request}${error}`;
  } catch {
    return line;
  }
}

export interface ProcessOutput {
  /** The last lines the process wrote, for the error message when it dies. */
  tail: string[];
  warningCount: number;
  /** The first few distinct warnings, shortened: what a reader of the report should know about. */
  warnings: string[];
}

export interface BenchProcess {
  name: string;
  child: ChildProcess;
  output: ProcessOutput;
  exited(): boolean;
  stop(): Promise<void>;
}

/**
 * Starts a TypeScript entry point the way scripts/start.ts starts a service: the same Node
 * binary with the swc loader. Output is kept rather than shown: a service's warnings are
 * reported at the end instead of interleaving with the benchmark's progress.
 */
export function startProcess(
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  options: { ipc?: boolean } = {},
): BenchProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', entry], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? (['ipc'] as const) : [])],
    // Structured clone keeps Buffers and large arrays cheap to pass.
    serialization: 'advanced',
  });
  const output: ProcessOutput = { tail: [], warningCount: 0, warnings: [] };
  const collect = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').replace(ANSI_COLOUR, '').split('\n')) {
      if (!line.trim()) continue;
      output.tail.push(line);
      if (output.tail.length > TAIL_LINES) output.tail.shift();
      if (WARNING_LINE.test(line)) {
        output.warningCount += 1;
        const text = readableWarning(line);
        const short = text.length > 400 ? `${text.slice(0, 400)}…` : text;
        if (output.warnings.length < KEPT_WARNINGS && !output.warnings.includes(short))
          output.warnings.push(short);
      }
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  return {
    name,
    child,
    output,
    exited,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited()) return resolve();
        // A service finishes its batch in hand for up to SHUTDOWN_TIMEOUT_MS (15 s) before exiting.
        const kill = setTimeout(() => child.kill('SIGKILL'), 25_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

export function describeExit(proc: BenchProcess): string {
  const { exitCode, signalCode } = proc.child;
  return `${proc.name} exited (${signalCode ?? `code ${exitCode}`}); its last output:\n  ${proc.output.tail.join('\n  ')}`;
}

/** Polls /health/ready as scripts/start.ts does, failing early if the process dies. */
export async function waitForHttpReady(
  proc: BenchProcess,
  baseUrl: string,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (proc.exited()) throw new Error(describeExit(proc));
    try {
      const response = await fetch(`${baseUrl}/health/ready`);
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(250);
  }
  throw new Error(`${proc.name} was not ready within ${timeoutMs / 1000} s (last answer: ${last})`);
}

/** A port nothing listens on right now; the child binds it a moment later. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
