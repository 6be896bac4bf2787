import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookRequest, WebhookVerification } from './carrier-adapter';

/**
 * The scheme for carriers whose push has no signing scheme of its own (or only a static
 * credential): `X-Tracking-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`,
 * as Stripe and Standard Webhooks do. The timestamp inside the signed text makes a captured
 * request useless after the tolerance; the signature is the replay key within it.
 */
export const TRACKING_SIGNATURE_HEADER = 'x-tracking-signature';
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signTimestampedBody(
  secret: string,
  rawBody: Buffer | string,
  timestampSeconds: number,
): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.`).update(rawBody).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function verifyTimestampedSignature(
  request: WebhookRequest,
  secret: string,
  now: Date,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): WebhookVerification {
  const header = request.headers[TRACKING_SIGNATURE_HEADER];
  if (!header) return { valid: false, reason: `missing ${TRACKING_SIGNATURE_HEADER} header` };
  const parts = new Map(
    header.split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const timestamp = Number(parts.get('t'));
  const given = parts.get('v1');
  if (!Number.isInteger(timestamp) || !given) {
    return { valid: false, reason: `${TRACKING_SIGNATURE_HEADER} must be t=<unix seconds>,v1=<hex>` };
  }
  const skew = Math.abs(now.getTime() / 1_000 - timestamp);
  if (skew > toleranceSeconds) {
    return {
      valid: false,
      reason: `signature timestamp is ${Math.round(skew)} s from now (tolerance ${toleranceSeconds} s)`,
    };
  }
  const expected = signTimestampedBody(secret, request.rawBody, timestamp).split('v1=')[1]!;
  if (!safeEqual(expected, given.toLowerCase()))
    return { valid: false, reason: 'signature does not match the body' };
  return { valid: true, replayKey: `v1:${given.toLowerCase()}` };
}

/** HMAC-SHA256 of the raw body alone, as aggregators sign (no timestamp: replay is judged by body). */
export function verifyBodySignature(
  request: WebhookRequest,
  header: string,
  secret: string,
  encoding: 'base64' | 'hex',
): WebhookVerification {
  const given = request.headers[header];
  if (!given) return { valid: false, reason: `missing ${header} header` };
  const expected = createHmac('sha256', secret).update(request.rawBody).digest(encoding);
  if (!safeEqual(expected, given.trim()))
    return { valid: false, reason: 'signature does not match the body' };
  return { valid: true, replayKey: `body:${bodyDigest(request.rawBody)}` };
}

export function bodyDigest(rawBody: Buffer | string): string {
  return createHash('sha256').update(rawBody).digest('hex');
}
