/**
 * Everything derived from proto/: the TypeScript types (buf + ts-proto) and the event
 * catalogue. Generation writes them; the check regenerates into a temporary directory and
 * compares, so CI fails on a proto change committed without its generated output.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, runBuf } from './buf';
import { CATALOGUE_PATH, renderCatalogue } from './event-catalogue';
import { loadProtoFiles } from './proto-descriptors';

export const GENERATED_TYPES_DIR = 'libs/tracking-events/src/generated';

/** Regenerates the TypeScript types and the catalogue under `outputRoot` (the repository by default). */
export function generateAll(outputRoot: string = REPO_ROOT): void {
  runBuf(['lint', 'proto']);
  if (path.resolve(outputRoot) === REPO_ROOT) runBuf(['generate']);
  else runBuf(['generate', '--output', outputRoot]);
  writeCatalogue(outputRoot);
}

export function writeCatalogue(outputRoot: string = REPO_ROOT): void {
  const target = path.join(outputRoot, CATALOGUE_PATH);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, renderCatalogue(loadProtoFiles()));
}

function listFiles(root: string, dir: string): string[] {
  const absolute = path.join(root, dir);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
}

export interface GeneratedDrift {
  /** Paths relative to the repository that are missing, extra or different. */
  readonly changed: readonly string[];
}

/** `buf format` differences in proto/, empty when the schema is formatted. */
export function protoFormatDiff(): string {
  return runBuf(['format', 'proto', '--diff']);
}

/** Compares the committed generated files with a fresh generation. */
export function findGeneratedDrift(): GeneratedDrift {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'tracking-proto-'));
  try {
    generateAll(scratch);
    const fresh = [...listFiles(scratch, GENERATED_TYPES_DIR), CATALOGUE_PATH];
    const committed = [...listFiles(REPO_ROOT, GENERATED_TYPES_DIR), CATALOGUE_PATH];
    const changed = [...new Set([...fresh, ...committed])].sort().filter((file) => {
      const a = path.join(scratch, file);
      const b = path.join(REPO_ROOT, file);
      return !existsSync(a) || !existsSync(b) || !readFileSync(a).equals(readFileSync(b));
    });
    return { changed };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
