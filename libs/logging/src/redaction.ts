import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import { stdSerializers } from 'pino';

export const REDACTED = '[redacted]';

/**
 * Words that mark a field as personal data or a credential wherever it sits. Matching is on
 * the words of a key (`shippingAddress` -> shipping, address) rather than on fixed paths,
 * because pino's path-based `redact` cannot say "at any depth" and a new DTO nesting the
 * buyer one level deeper must not start leaking.
 */
const SENSITIVE_WORDS = new Set([
  'email',
  'emails',
  'phone',
  'phones',
  'mobile',
  'msisdn',
  'address',
  'addresses',
  'street',
  'postal',
  'postcode',
  'zip',
  'zipcode',
  'line1',
  'line2',
  'line3',
  'authorization',
  'cookie',
  'cookies',
  'password',
  'secret',
]);

/** Network addresses are operational data, not where a buyer lives. */
const NETWORK_WORDS = new Set([
  'ip',
  'remote',
  'local',
  'socket',
  'server',
  'client',
  'mac',
  'bind',
  'listen',
  'host',
]);

const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
/** E.164-looking numbers: a plus sign and at least eight digits, spaces or dashes allowed. */
const PHONE_IN_TEXT = /\+\d(?:[\s-]?\d){7,14}/g;

const MAX_DEPTH = 10;

function wordsOf(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const sensitiveKeyCache = new Map<string, boolean>();

export function isSensitiveKey(key: string): boolean {
  let sensitive = sensitiveKeyCache.get(key);
  if (sensitive === undefined) {
    const words = wordsOf(key);
    sensitive =
      words.some((word) => SENSITIVE_WORDS.has(word)) &&
      !(
        words.some((word) => word === 'address' || word === 'addresses') &&
        words.some((word) => NETWORK_WORDS.has(word))
      );
    // Keys come from a bounded set of field names; the cap only guards against keys built from data.
    if (sensitiveKeyCache.size < 10_000) sensitiveKeyCache.set(key, sensitive);
  }
  return sensitive;
}

/**
 * Whether a field's value must not be logged. An `address` holding an IP literal (a socket
 * error's peer) is network data, and the one clue to which dependency is unreachable.
 */
export function shouldRedact(key: string, value: unknown): boolean {
  if (value === undefined || value === null || !isSensitiveKey(key)) return false;
  return !(typeof value === 'string' && isIP(value) !== 0);
}

/** Free text can carry what a field name would have flagged ("could not reach jane@example.com"). */
export function scrubText(text: string): string {
  if (!text.includes('@') && !text.includes('+')) return text;
  return text.replace(EMAIL_IN_TEXT, REDACTED).replace(PHONE_IN_TEXT, REDACTED);
}

function isOpaque(value: object): boolean {
  // Live objects (requests, sockets, streams) have serializers of their own and must never be walked.
  return (
    value instanceof EventEmitter ||
    Buffer.isBuffer(value) ||
    ArrayBuffer.isView(value) ||
    value instanceof Date ||
    value instanceof RegExp ||
    value instanceof Promise
  );
}

/**
 * Returns a copy of `value` with personal data and credentials replaced by "[redacted]", at any
 * depth. Only what JSON serialization would print is visited, so the copy logs the same shape.
 */
export function redactPersonalData(
  value: unknown,
  depth = 0,
  seen: WeakSet<object> = new WeakSet(),
): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (isOpaque(value)) return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  try {
    if (value instanceof Error) return redactPersonalData(stdSerializers.err(value), depth, seen);
    if (Array.isArray(value)) return value.map((item) => redactPersonalData(item, depth + 1, seen));
    if (value instanceof Map) return redactPersonalData(Object.fromEntries(value), depth, seen);
    if (value instanceof Set) return redactPersonalData([...value], depth, seen);
    const withToJson = value as { toJSON?: () => unknown };
    if (typeof withToJson.toJSON === 'function') {
      const json = withToJson.toJSON();
      if (json !== value) return redactPersonalData(json, depth, seen);
    }
    const copy: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      copy[key] = shouldRedact(key, field) ? REDACTED : redactPersonalData(field, depth + 1, seen);
    }
    return copy;
  } finally {
    seen.delete(value);
  }
}

function looksLikeRawRequest(value: unknown): boolean {
  return value instanceof EventEmitter;
}

/**
 * Serializers that redact after the standard ones have run. pino-http hands them the already
 * serialized request/response/error; a plain pino logger hands them the raw object, so both
 * shapes are accepted.
 */
export const redactingSerializers = {
  req: (value: unknown): unknown =>
    redactPersonalData(
      looksLikeRawRequest(value)
        ? stdSerializers.req(value as Parameters<typeof stdSerializers.req>[0])
        : value,
    ),
  res: (value: unknown): unknown =>
    redactPersonalData(
      looksLikeRawRequest(value)
        ? stdSerializers.res(value as Parameters<typeof stdSerializers.res>[0])
        : value,
    ),
  err: (value: unknown): unknown => redactPersonalData(value),
};
