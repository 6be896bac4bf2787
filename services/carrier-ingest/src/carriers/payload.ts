import { normalizeTrackingNumber } from '@tracking/tracking-numbers';
import {
  CarrierPayloadError,
  type NormalizedScan,
  type ProofOfDelivery,
  type ScanLocation,
  type TrackingReport,
} from './carrier-adapter';
import type { StatusMapping } from './carrier-status';
import { resolveScanTime, ScanTimeError, type ResolvedScanTime, type ScanTimeHints } from './scan-time';

/**
 * Reading carrier JSON defensively: everything arrives as `unknown` and is narrowed field by
 * field, so a payload that is not what the carrier documents fails with a CarrierPayloadError
 * naming the carrier and the path, never with a TypeError deep in a mapper.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseJson(carrier: string, raw: Buffer | string, what: string): unknown {
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : raw;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const start = text.trimStart().slice(0, 40).replace(/\s+/g, ' ');
    throw new CarrierPayloadError(carrier, `${what} is not JSON (starts with "${start}")`);
  }
}

export function requireObject(carrier: string, value: unknown, path: string): JsonObject {
  if (!isObject(value)) throw new CarrierPayloadError(carrier, `${path} must be an object`);
  return value;
}

export function requireArray(carrier: string, value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new CarrierPayloadError(carrier, `${path} must be an array`);
  return value;
}

/** An array that may be absent (or null); anything else in its place is an error. */
export function optionalArray(carrier: string, value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  return requireArray(carrier, value, path);
}

/** A non-blank string (numbers are accepted as their text: carriers mix the two). */
export function text(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed ? trimmed : undefined;
}

/** A string exactly as given (for the raw code and description kept as evidence), if not blank. */
export function verbatim(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

export function requireText(carrier: string, value: unknown, path: string): string {
  const result = text(value);
  if (result === undefined) throw new CarrierPayloadError(carrier, `${path} must be a non-empty string`);
  return result;
}

export function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** resolveScanTime, with an unreadable time reported as the carrier's payload error. */
export function scanTime(
  carrier: string,
  value: string,
  hints: ScanTimeHints,
  path: string,
): ResolvedScanTime {
  try {
    return resolveScanTime(value, hints);
  } catch (error) {
    if (error instanceof ScanTimeError) throw new CarrierPayloadError(carrier, `${path}: ${error.message}`);
    throw error;
  }
}

/**
 * An image the carrier inlines as base64 (UPS signature and delivery photo) as a data: URL, so
 * it can travel where the contract expects a link; a value that already is a link is kept.
 */
export function imageUrl(value: unknown): string | undefined {
  const data = text(value);
  if (data === undefined) return undefined;
  if (/^(https?:|data:)/i.test(data)) return data;
  if (!/^[A-Za-z0-9+/=\s]+$/.test(data)) return undefined;
  const compact = data.replace(/\s+/g, '');
  const type = compact.startsWith('/9j/')
    ? 'image/jpeg'
    : compact.startsWith('iVBOR')
      ? 'image/png'
      : compact.startsWith('R0lGOD')
        ? 'image/gif'
        : compact.startsWith('SUkq') || compact.startsWith('TU0A')
          ? 'image/tiff'
          : 'application/octet-stream';
  return `data:${type};base64,${compact}`;
}

export function buildProofOfDelivery(fields: ProofOfDelivery): ProofOfDelivery | undefined {
  const proof: ProofOfDelivery = {};
  const signedBy = text(fields.signedBy);
  const leftAt = text(fields.leftAt);
  if (signedBy) proof.signedBy = signedBy;
  if (fields.signatureUrl) proof.signatureUrl = fields.signatureUrl;
  if (fields.photoUrl) proof.photoUrl = fields.photoUrl;
  if (leftAt) proof.leftAt = leftAt;
  if (fields.location) proof.location = fields.location;
  return Object.keys(proof).length > 0 ? proof : undefined;
}

export interface ScanFields {
  trackingNumber: string;
  status: StatusMapping;
  rawCode: string;
  rawDescription: string;
  time: ResolvedScanTime;
  location?: ScanLocation;
  proofOfDelivery?: ProofOfDelivery;
  carrierEventId?: string;
  carrierEstimatedDelivery?: string;
}

/** A NormalizedScan with the number normalized and no keys for what the carrier did not give. */
export function buildScan(fields: ScanFields): NormalizedScan {
  const scan: NormalizedScan = {
    trackingNumber: normalizeTrackingNumber(fields.trackingNumber),
    state: fields.status.state,
    rawCode: fields.rawCode,
    rawDescription: fields.rawDescription,
    occurredAt: fields.time.occurredAt,
    occurredAtText: fields.time.occurredAtText,
    occurredAtResolution: fields.time.occurredAtResolution,
  };
  if (fields.status.reason) scan.reason = fields.status.reason;
  if (fields.location) scan.location = fields.location;
  if (fields.proofOfDelivery) scan.proofOfDelivery = fields.proofOfDelivery;
  if (fields.carrierEventId) scan.carrierEventId = fields.carrierEventId;
  if (fields.carrierEstimatedDelivery) scan.carrierEstimatedDelivery = fields.carrierEstimatedDelivery;
  return scan;
}

/** One report per tracking number, in first-seen order; scans keep the order they came in. */
export function groupReports(scans: readonly NormalizedScan[]): TrackingReport[] {
  const reports = new Map<string, TrackingReport>();
  for (const scan of scans) {
    let report = reports.get(scan.trackingNumber);
    if (!report) {
      report = { trackingNumber: scan.trackingNumber, notFound: false, scans: [] };
      reports.set(scan.trackingNumber, report);
    }
    report.scans.push(scan);
  }
  return [...reports.values()];
}

/** "20240423" as "2024-04-23"; undefined for anything that is not a YYYYMMDD date. */
export function compactDate(value: unknown): string | undefined {
  const date = text(value);
  const match = date ? /^(\d{4})(\d{2})(\d{2})$/.exec(date) : null;
  return match ? `${match[1]}-${match[2]}-${match[3]}` : undefined;
}
