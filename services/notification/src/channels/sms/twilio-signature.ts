import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Twilio's request signature (https://www.twilio.com/docs/usage/security#validating-requests):
 * `X-Twilio-Signature` = base64 HMAC-SHA1 keyed by the auth token over the full URL the provider
 * called followed by every POST parameter's name and value, sorted by name.
 */
export const PROVIDER_SIGNATURE_HEADER = 'x-twilio-signature';

export function providerSignature(
  authToken: string,
  url: string,
  params: ReadonlyArray<[string, string]>,
): string {
  const sorted = [...params].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const payload = sorted.reduce((text, [name, value]) => `${text}${name}${value}`, url);
  return createHmac('sha1', authToken).update(payload, 'utf8').digest('base64');
}

export function isValidProviderSignature(
  authToken: string,
  url: string,
  params: ReadonlyArray<[string, string]>,
  given: string | undefined,
): boolean {
  if (!given) return false;
  const expected = Buffer.from(providerSignature(authToken, url, params));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
