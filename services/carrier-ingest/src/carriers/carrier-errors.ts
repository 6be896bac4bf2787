/**
 * Poll outcomes that are not "the carrier said something we cannot read" (that is
 * CarrierPayloadError in carrier-adapter.ts). The service retries an unavailable carrier later
 * and refreshes its credentials on an authentication failure; neither says anything about the
 * tracking number.
 */

/** The carrier is overloaded or down (HTTP 429 or 5xx): ask again later. */
export class CarrierUnavailableError extends Error {
  constructor(
    readonly carrier: string,
    readonly status: number,
    message = `answered HTTP ${status}`,
  ) {
    super(`${carrier}: ${message}`);
    this.name = 'CarrierUnavailableError';
  }
}

/** The carrier refused our credentials (HTTP 401 or 403): refresh the token or fix the key. */
export class CarrierAuthenticationError extends Error {
  constructor(
    readonly carrier: string,
    readonly status: number,
  ) {
    super(`${carrier}: refused the credentials (HTTP ${status})`);
    this.name = 'CarrierAuthenticationError';
  }
}

/**
 * Throws for the statuses that are about the carrier or our credentials rather than the number:
 * 429 and 5xx (unavailable), 401 and 403 (authentication). Everything else is for the adapter to
 * read, documented not-found answers included.
 */
export function assertCarrierAnswered(carrier: string, status: number): void {
  if (status === 429 || status >= 500) throw new CarrierUnavailableError(carrier, status);
  if (status === 401 || status === 403) throw new CarrierAuthenticationError(carrier, status);
}
