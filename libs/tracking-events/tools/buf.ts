/**
 * Runs the buf binary that ships inside the @bufbuild/buf package (works offline). Its
 * launcher is a Node script, so it runs on the Node running us rather than whatever `node`
 * is first on PATH; node_modules/.bin goes first on PATH so buf finds the local
 * protoc-gen-ts_proto plugin and the plugin's `#!/usr/bin/env node` finds the project's Node.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

export function runBuf(args: readonly string[], options: { cwd?: string } = {}): string {
  const cwd = options.cwd ?? REPO_ROOT;
  const launcher = require.resolve('@bufbuild/buf/bin/buf', { paths: [cwd] });
  const binDirs = [path.join(cwd, 'node_modules', '.bin'), path.dirname(process.execPath)];
  const result = spawnSync(process.execPath, [launcher, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, PATH: [...binDirs, process.env.PATH ?? ''].join(path.delimiter) },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `buf ${args.join(' ')} failed with exit code ${result.status}:\n${result.stderr}${result.stdout}`,
    );
  }
  return result.stdout;
}
