// PostgreSQL text and jsonb cannot hold U+0000, and a lone UTF-16 surrogate has no UTF-8 form.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text about a bad input (a parser's complaint quoting it, a database error) made safe to store:
 * each unstorable character is written out as its escape, so the record of why a delivery failed
 * can never fail to be written for the same reason.
 */
export function storableText(text: string, maxLength = 1_000): string {
  const escaped = text.replace(
    UNSTORABLE,
    (found) => `\\u${found.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return escaped.length > maxLength ? `${escaped.slice(0, maxLength - 1)}…` : escaped;
}
