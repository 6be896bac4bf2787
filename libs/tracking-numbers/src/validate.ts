import {
  CARRIER_CODES,
  carrierInfo,
  isCarrierCode,
  normalizeTrackingNumber,
  type CarrierCode,
} from './carriers';
import { EXPECTED_SHAPE, FORMATS, type TrackingNumberFormat } from './formats';

export type TrackingNumberRejectionCode =
  'UNKNOWN_CARRIER' | 'BAD_FORMAT' | 'BAD_CHECK_DIGIT' | 'CARRIER_MISMATCH';

export interface ValidTrackingNumber {
  valid: true;
  carrier: CarrierCode;
  /**
   * The number to store, show and track: spaces and dashes removed, uppercased, and for an IMpb
   * barcode scanned with its 420 + ZIP routing prefix, the prefix dropped.
   */
  normalized: string;
  format: TrackingNumberFormat;
}

export interface InvalidTrackingNumber {
  valid: false;
  code: TrackingNumberRejectionCode;
  /** One sentence a seller can act on. */
  reason: string;
  /** The input after `normalizeTrackingNumber`. */
  normalized: string;
  /** With CARRIER_MISMATCH: the carriers the number is valid for. */
  detectedCarriers?: CarrierCode[];
}

export type TrackingNumberValidation = ValidTrackingNumber | InvalidTrackingNumber;

type CarrierVerdict =
  | { valid: true; format: TrackingNumberFormat; trackingNumber: string }
  | { valid: false; code: 'BAD_FORMAT' | 'BAD_CHECK_DIGIT'; reason: string };

/** The number against every format of one carrier: valid beats a bad check digit beats a bad format. */
function judge(carrier: CarrierCode, normalized: string): CarrierVerdict {
  let badCheckDigit: string | undefined;
  let badFormat: string | undefined;
  for (const spec of FORMATS) {
    if (spec.carrier !== carrier) continue;
    const inspection = spec.inspect(normalized);
    if (inspection.outcome === 'valid') {
      return { valid: true, format: spec.format, trackingNumber: inspection.trackingNumber };
    }
    if (inspection.outcome === 'bad-check-digit') badCheckDigit ??= spec.description;
    if (inspection.outcome === 'bad-format') badFormat ??= inspection.reason;
  }
  if (badCheckDigit !== undefined) {
    return {
      valid: false,
      code: 'BAD_CHECK_DIGIT',
      reason: `${normalized} fails the check-digit test for a ${badCheckDigit}: a character is probably mistyped, compare it with the label`,
    };
  }
  return {
    valid: false,
    code: 'BAD_FORMAT',
    reason:
      badFormat ??
      `${normalized} is not a ${carrierInfo(carrier).name} tracking number: ${EXPECTED_SHAPE[carrier]}`,
  };
}

/** Why a normalized number cannot be any carrier's, before looking at formats; undefined if it may be. */
function unusable(normalized: string, raw: string): string | undefined {
  if (normalized === '') return 'No tracking number was given';
  const stray = /[^0-9A-Z]/.exec(normalized);
  if (stray !== null) {
    return `"${raw.trim()}" contains "${stray[0]}": tracking numbers have only letters and digits`;
  }
  return undefined;
}

/**
 * Every carrier whose format and check digit the number satisfies, in the order of `CARRIERS`.
 *
 * Formats of different carriers barely overlap: UPS starts with 1Z, DHL Express has 10 digits,
 * FedEx 12 and 15, a USPS international number ends in US, 22-digit IMpb numbers start with 91
 * to 95 and FedEx Ground barcodes with 96. A 20-digit number is USPS when its check digit holds
 * alone or with 91 in front and FedEx SmartPost when it holds with 92 in front; these are three
 * different check digits, so at most one applies. The one real ambiguity is an IMpb number
 * with application identifier 92 (22 digits, or with a 420 + ZIP prefix): USPS issues them to
 * commercial mailers and FedEx SmartPost uses them too, and nothing in the digits tells them
 * apart, so such a number is detected as both `usps` and `fedex`, and validates for either.
 */
export function detectCarriers(raw: string): CarrierCode[] {
  const normalized = normalizeTrackingNumber(raw);
  if (unusable(normalized, raw) !== undefined) return [];
  return CARRIER_CODES.filter((carrier) => judge(carrier, normalized).valid);
}

/**
 * Checks a tracking number against the carrier it was declared with: shape, check digit, and
 * that it is that carrier's at all. A number valid for the declared carrier is accepted even
 * when it is also valid for another (see `detectCarriers`). An invalid one that another carrier
 * would accept is a CARRIER_MISMATCH (a UPS 1Z number declared as USPS); otherwise the declared
 * carrier's BAD_FORMAT or BAD_CHECK_DIGIT. `carrier` is matched case-insensitively.
 */
export function validateTrackingNumber(carrier: string, raw: string): TrackingNumberValidation {
  const normalized = normalizeTrackingNumber(raw);
  const code = carrier.trim().toLowerCase();
  if (!isCarrierCode(code)) {
    return {
      valid: false,
      code: 'UNKNOWN_CARRIER',
      reason: `"${carrier}" is not a supported carrier: use one of ${CARRIER_CODES.join(', ')}`,
      normalized,
    };
  }
  const problem = unusable(normalized, raw);
  if (problem !== undefined) return { valid: false, code: 'BAD_FORMAT', reason: problem, normalized };

  const verdict = judge(code, normalized);
  if (verdict.valid) {
    return { valid: true, carrier: code, normalized: verdict.trackingNumber, format: verdict.format };
  }
  const detectedCarriers = CARRIER_CODES.filter((other) => other !== code && judge(other, normalized).valid);
  if (detectedCarriers.length > 0) {
    const names = detectedCarriers.map((other) => carrierInfo(other).name).join(' or ');
    return {
      valid: false,
      code: 'CARRIER_MISMATCH',
      reason: `${normalized} is a ${names} tracking number, not ${carrierInfo(code).name}: change the carrier or check the number against the label`,
      normalized,
      detectedCarriers,
    };
  }
  return { valid: false, code: verdict.code, reason: verdict.reason, normalized };
}
