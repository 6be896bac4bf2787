import {
  dhlExpressCheckDigit,
  fedexExpressCheckDigit,
  mod10Weighted31,
  s10CheckDigit,
  upsCheckDigit,
} from './check-digits';
import type { CarrierCode } from './carriers';

/** Every tracking number layout the validator knows, named in a valid result's `format`. */
export type TrackingNumberFormat =
  | 'ups-1z'
  | 'usps-impb'
  | 'usps-impb-routed'
  | 'usps-20'
  | 'usps-s10'
  | 'fedex-express-12'
  | 'fedex-ground-15'
  | 'fedex-ground-96'
  | 'fedex-smartpost-20'
  | 'fedex-smartpost-22'
  | 'fedex-smartpost-routed'
  | 'dhl-express-10';

/** What one format makes of a normalized number. */
export type FormatInspection =
  /** The number does not have this format's shape at all. */
  | { outcome: 'no-match' }
  /** It has the shape but breaks a rule of the format other than the check digit. */
  | { outcome: 'bad-format'; reason: string }
  | { outcome: 'bad-check-digit' }
  /** `trackingNumber` is what to store: the input, minus a routing prefix where there is one. */
  | { outcome: 'valid'; trackingNumber: string };

export interface FormatSpec {
  readonly format: TrackingNumberFormat;
  readonly carrier: CarrierCode;
  /** Completes "fails the check-digit test for a ...". */
  readonly description: string;
  inspect(normalized: string): FormatInspection;
}

const NO_MATCH: FormatInspection = { outcome: 'no-match' };
const BAD_CHECK_DIGIT: FormatInspection = { outcome: 'bad-check-digit' };

function verdict(ok: boolean, trackingNumber: string): FormatInspection {
  return ok ? { outcome: 'valid', trackingNumber } : BAD_CHECK_DIGIT;
}

/** True when the last digit of `number` is the check digit `algorithm` computes over the rest. */
function lastDigitChecks(number: string, algorithm: (payload: string) => number, implied = ''): boolean {
  return algorithm(implied + number.slice(0, -1)) === Number(number.slice(-1));
}

/**
 * USPS Publication 199 (IMpb): a 2-digit channel application identifier (91 to 95), a 3-digit
 * service type code, a 6- or 9-digit mailer ID and a serial number, 22 or 26 digits in all, the
 * last a mod 10 (3-1) check digit over everything before it.
 */
const IMPB = /^9[1-5](?:\d{20}|\d{24})$/;

/**
 * A scanned IMpb barcode may carry the routing code in front: application identifier 420 and
 * the destination ZIP (5 digits) or ZIP+4 (9 digits). The check digit covers only the tracking
 * number after it, and that is the number the carrier tracks.
 */
function withoutRouting(normalized: string, trackingNumber: RegExp): string[] {
  if (!/^420\d+$/.test(normalized)) return [];
  return [normalized.slice(8), normalized.slice(12)].filter((rest) => trackingNumber.test(rest));
}

function routedImpb(normalized: string, trackingNumber: RegExp): FormatInspection {
  const candidates = withoutRouting(normalized, trackingNumber);
  if (candidates.length === 0) return NO_MATCH;
  const valid = candidates.find((candidate) => lastDigitChecks(candidate, mod10Weighted31));
  return valid === undefined ? BAD_CHECK_DIGIT : { outcome: 'valid', trackingNumber: valid };
}

/**
 * FedEx SmartPost (now FedEx Ground Economy) hands parcels to USPS for delivery and labels them
 * with an IMpb using application identifier 92 (FedEx's IMpb FAQ: "IMpb has a
 * channel-specific application identifier of 92"; data construct C03, 9-digit mailer ID).
 */
const SMARTPOST_IMPB = /^92\d{20}$/;

const formats: FormatSpec[] = [
  {
    format: 'ups-1z',
    carrier: 'ups',
    description: 'UPS 1Z number',
    // 1Z, 6-character shipper number, 2-character service code, 7-digit package number, check
    // digit. The package number is digits on published labels; letters are tolerated there, as
    // other validators do, and left to the check digit, which is always a digit.
    inspect: (n) =>
      /^1Z[0-9A-Z]{16}$/.test(n)
        ? verdict(/\d$/.test(n) && upsCheckDigit(n.slice(2, 17)) === Number(n.slice(17)), n)
        : NO_MATCH,
  },
  {
    format: 'usps-impb',
    carrier: 'usps',
    description: 'USPS IMpb number',
    inspect: (n) => (IMPB.test(n) ? verdict(lastDigitChecks(n, mod10Weighted31), n) : NO_MATCH),
  },
  {
    format: 'usps-impb-routed',
    carrier: 'usps',
    description: 'USPS IMpb barcode with its 420 + ZIP routing prefix',
    inspect: (n) => routedImpb(n, IMPB),
  },
  {
    format: 'usps-20',
    carrier: 'usps',
    description: 'USPS 20-digit number',
    // The pre-IMpb numbers of USPS Publications 91 and 109 (2-digit service code, 9-digit
    // customer ID, 8-digit serial, check digit) carry a mod 10 (3-1) check over the 19 digits.
    // Labels of the old UCC/EAN-128 Delivery Confirmation barcode print the number without
    // its application identifier 91, but the check digit was computed with it in front.
    inspect: (n) =>
      /^\d{20}$/.test(n)
        ? verdict(lastDigitChecks(n, mod10Weighted31) || lastDigitChecks(n, mod10Weighted31, '91'), n)
        : NO_MATCH,
  },
  {
    format: 'usps-s10',
    carrier: 'usps',
    description: 'USPS international (UPU S10) number',
    // UPU S10: 2-letter service indicator, 8-digit serial, check digit, ISO country code of the
    // issuing post. USPS issues the ones ending in US; others belong to another country's post.
    inspect: (n) => {
      const match = /^[A-Z]{2}(\d{8})(\d)([A-Z]{2})$/.exec(n);
      if (match === null) return NO_MATCH;
      const [, serial, check, country] = match as unknown as [string, string, string, string];
      if (country !== 'US') {
        return {
          outcome: 'bad-format',
          reason: `${n} is an international postal number issued in ${country}, not by USPS (USPS numbers of this kind end in US)`,
        };
      }
      return verdict(s10CheckDigit(serial) === Number(check), n);
    },
  },
  {
    format: 'fedex-express-12',
    carrier: 'fedex',
    description: 'FedEx Express 12-digit number',
    inspect: (n) => (/^\d{12}$/.test(n) ? verdict(lastDigitChecks(n, fedexExpressCheckDigit), n) : NO_MATCH),
  },
  {
    format: 'fedex-ground-15',
    carrier: 'fedex',
    description: 'FedEx Ground 15-digit number',
    // FedEx Ground Label Layout Specification: 14 digits and a mod 10 (3-1) check digit.
    inspect: (n) => (/^\d{15}$/.test(n) ? verdict(lastDigitChecks(n, mod10Weighted31), n) : NO_MATCH),
  },
  {
    format: 'fedex-ground-96',
    carrier: 'fedex',
    description: 'FedEx Ground 22-digit barcode number starting with 96',
    // The "96" Ground barcode: 96, 2-digit SCNC, 3-digit service code, then the 15-digit Ground
    // tracking number, whose own check digit is the only one (the first 7 digits are unchecked).
    inspect: (n) =>
      /^96\d{20}$/.test(n) ? verdict(lastDigitChecks(n.slice(7), mod10Weighted31), n) : NO_MATCH,
  },
  {
    format: 'fedex-smartpost-20',
    carrier: 'fedex',
    description: 'FedEx Ground Economy (SmartPost) 20-digit number',
    // The 22-digit SmartPost IMpb printed without its application identifier 92, which the
    // check digit still covers (FedEx SmartPost job aid; IMpb mod 10 with 92 in front).
    inspect: (n) => (/^\d{20}$/.test(n) ? verdict(lastDigitChecks(n, mod10Weighted31, '92'), n) : NO_MATCH),
  },
  {
    format: 'fedex-smartpost-22',
    carrier: 'fedex',
    description: 'FedEx Ground Economy (SmartPost) 22-digit number starting with 92',
    inspect: (n) => (SMARTPOST_IMPB.test(n) ? verdict(lastDigitChecks(n, mod10Weighted31), n) : NO_MATCH),
  },
  {
    format: 'fedex-smartpost-routed',
    carrier: 'fedex',
    description: 'FedEx Ground Economy (SmartPost) barcode with its 420 + ZIP routing prefix',
    inspect: (n) => routedImpb(n, SMARTPOST_IMPB),
  },
  {
    format: 'dhl-express-10',
    carrier: 'dhl',
    description: 'DHL Express 10-digit waybill number',
    inspect: (n) => (/^\d{10}$/.test(n) ? verdict(lastDigitChecks(n, dhlExpressCheckDigit), n) : NO_MATCH),
  },
];

/** All formats, grouped by carrier in the order of `CARRIERS`. */
export const FORMATS: readonly FormatSpec[] = Object.freeze(formats);

/** What each carrier's numbers look like, for a seller whose number matches none of them. */
export const EXPECTED_SHAPE: Readonly<Record<CarrierCode, string>> = Object.freeze({
  ups: 'UPS numbers have 18 characters: 1Z followed by 16 letters and digits',
  usps:
    'USPS numbers have 20, 22 or 26 digits (22 and 26 starting with 91 to 95), or 13 characters ' +
    'ending in US for international mail, like EC123456785US',
  fedex: 'FedEx numbers have 12, 15, 20 or 22 digits (22 starting with 96 or 92)',
  dhl: 'DHL Express waybill numbers have 10 digits',
});
