import type { CanonicalReasonCode, CanonicalState } from '@tracking/events';

/** What one carrier status code means in the canonical vocabulary. */
export interface StatusMapping {
  readonly state: CanonicalState;
  readonly reason?: CanonicalReasonCode;
}

/** A carrier's documented codes; keys as the carrier writes them (normalized by the adapter). */
export type StatusTable = Readonly<Record<string, StatusMapping>>;

/**
 * For a code the table does not know: the parcel is still somewhere in the network, which is
 * the least alarming reading that moves nothing backwards. The raw code stays on the scan.
 */
export const UNKNOWN_PROGRESS: StatusMapping = { state: 'IN_TRANSIT' };

/** For an unknown code the carrier itself flags as a problem (an exception type or category). */
export const UNKNOWN_PROBLEM: StatusMapping = { state: 'EXCEPTION', reason: 'OTHER' };

/** The table's entry for a code, own properties only (so "constructor" is not a status). */
export function lookupStatus(table: StatusTable, code: string | undefined): StatusMapping | undefined {
  return code !== undefined && Object.hasOwn(table, code) ? table[code] : undefined;
}
