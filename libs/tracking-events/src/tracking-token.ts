import { createHash } from 'node:crypto';

/**
 * What travels and is stored in place of a buyer's tracking token: lowercase hex SHA-256. The
 * token is a bearer credential to the buyer's page; its hash finds the order and opens nothing.
 * The token has at least 128 random bits, so an unsalted hash cannot be reversed by guessing.
 */
export function trackingTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
