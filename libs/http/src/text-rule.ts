import type { FieldViolation } from '@tracking/errors';

// U+0000 cannot be stored in PostgreSQL text or jsonb ("invalid byte sequence for encoding UTF8:
// 0x00"), and a lone UTF-16 surrogate has no UTF-8 form at all: either one, accepted, fails later
// inside a transaction, far from the client who sent it. Other control characters are legal text.
const FORBIDDEN_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const EVERY_FORBIDDEN = new RegExp(FORBIDDEN_TEXT.source, 'g');

function reasonFor(text: string): string | undefined {
  const found = FORBIDDEN_TEXT.exec(text);
  if (!found) return undefined;
  return found[0] === '\u0000'
    ? 'must not contain the NUL character (U+0000)'
    : 'must be valid Unicode text (it contains a lone surrogate)';
}

/**
 * The one rule for text that comes in from outside, applied to every string (and every object key)
 * of a parsed body, query or carrier payload: one violation per bad field, by its dotted path.
 */
export function textViolations(value: unknown, path = ''): FieldViolation[] {
  if (typeof value === 'string') {
    const reason = reasonFor(value);
    return reason ? [{ field: path || '$', reason }] : [];
  }
  if (typeof value !== 'object' || value === null) return [];
  const entries: Array<[string, unknown]> = Array.isArray(value)
    ? value.map((item, index) => [String(index), item])
    : Object.entries(value);
  return entries.flatMap(([key, item]) => {
    const field = path ? `${path}.${key}` : key;
    const keyReason = reasonFor(key);
    const own = keyReason ? [{ field: path || '$', reason: `a field name ${keyReason}` }] : [];
    return [...own, ...textViolations(item, field)];
  });
}

/**
 * Text about a bad input (a parser's complaint quoting it, a database error) made safe to store:
 * each character the rule above forbids is written out as its escape, so the record of why
 * something failed can never fail to be written for the same reason.
 */
export function storableText(text: string, maxLength = 1_000): string {
  const escaped = text.replace(
    EVERY_FORBIDDEN,
    (found) => `\\u${found.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return escaped.length > maxLength ? `${escaped.slice(0, maxLength - 1)}…` : escaped;
}
