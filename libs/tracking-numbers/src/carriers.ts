export type CarrierCode = 'ups' | 'usps' | 'fedex' | 'dhl';

export interface CarrierInfo {
  readonly code: CarrierCode;
  /** How the carrier is named to sellers and buyers. */
  readonly name: string;
  /** The carrier's public tracking page; `{number}` stands for the tracking number. */
  readonly trackingUrlTemplate: string;
}

export const CARRIERS: readonly CarrierInfo[] = Object.freeze([
  { code: 'ups', name: 'UPS', trackingUrlTemplate: 'https://www.ups.com/track?tracknum={number}' },
  {
    code: 'usps',
    name: 'USPS',
    trackingUrlTemplate: 'https://tools.usps.com/go/TrackConfirmAction?tLabels={number}',
  },
  { code: 'fedex', name: 'FedEx', trackingUrlTemplate: 'https://www.fedex.com/fedextrack/?trknbr={number}' },
  {
    code: 'dhl',
    name: 'DHL Express',
    trackingUrlTemplate: 'https://www.dhl.com/en/express/tracking.html?AWB={number}',
  },
]);

export const CARRIER_CODES: readonly CarrierCode[] = Object.freeze(CARRIERS.map((carrier) => carrier.code));

const BY_CODE = new Map<string, CarrierInfo>(CARRIERS.map((carrier) => [carrier.code, carrier]));

export function isCarrierCode(value: unknown): value is CarrierCode {
  return typeof value === 'string' && BY_CODE.has(value);
}

export function carrierInfo(carrier: CarrierCode): CarrierInfo {
  const info = BY_CODE.get(carrier);
  if (info === undefined) throw new RangeError(`unknown carrier "${String(carrier)}"`);
  return info;
}

/**
 * Trims, drops spaces and dashes (labels print numbers in groups: `9400 1112 ...`,
 * `1Z 999 AA1 ...`) and uppercases, so `1z999aa1-0123456784` and `1Z999AA10123456784` are one
 * number. Nothing else is changed: a stray character stays and makes the number invalid.
 */
export function normalizeTrackingNumber(raw: string): string {
  return raw.replace(/[\s\-\u2010-\u2015\u2212]/g, '').toUpperCase();
}

/** The carrier's public tracking page for a number (normalized first, then URL-encoded). */
export function carrierTrackingUrl(carrier: CarrierCode, trackingNumber: string): string {
  return carrierInfo(carrier).trackingUrlTemplate.replace(
    '{number}',
    encodeURIComponent(normalizeTrackingNumber(trackingNumber)),
  );
}
