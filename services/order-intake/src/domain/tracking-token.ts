import { randomBytes } from 'node:crypto';

/** 192 random bits, base64url: unguessable, URL-safe, and never derived from the order number. */
export const TRACKING_TOKEN_BYTES = 24;

export function newTrackingToken(): string {
  return randomBytes(TRACKING_TOKEN_BYTES).toString('base64url');
}

export function trackingUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${token}`;
}
