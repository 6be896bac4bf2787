import { createHash } from 'node:crypto';
import type { OrderSubmission } from './order';

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Identifies a submission's content regardless of key order or absent optional fields, so a
 * storefront's retry of the same order is recognised and a changed payload is not.
 */
export function submissionFingerprint(submission: OrderSubmission): string {
  return createHash('sha256').update(canonicalJson(submission)).digest('hex');
}
