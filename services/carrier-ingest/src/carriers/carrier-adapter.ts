/**
 * The contract every carrier adapter fulfils. An adapter knows one carrier's (or one
 * aggregator's) documented payloads: how its webhooks are signed, how to ask it about a tracking
 * number, and how to turn what it says into canonical scans. It does no I/O of its own; the
 * service does the HTTP, storage and publishing around it.
 */
import type { CanonicalReasonCode, CanonicalState } from '@tracking/events';

export interface ScanLocation {
  city?: string;
  region?: string;
  postalCode?: string;
  /** ISO 3166-1 alpha-2. */
  countryCode?: string;
  latitude?: number;
  longitude?: number;
}

export interface ProofOfDelivery {
  signedBy?: string;
  signatureUrl?: string;
  photoUrl?: string;
  /** Where the parcel was left, e.g. "front door". */
  leftAt?: string;
  location?: ScanLocation;
}

/** One carrier scan in the canonical vocabulary, with the carrier's own words kept as evidence. */
export interface NormalizedScan {
  /** Normalized (see @tracking/tracking-numbers). */
  trackingNumber: string;
  state: CanonicalState;
  reason?: CanonicalReasonCode;
  /** The carrier's status code and description exactly as given. */
  rawCode: string;
  rawDescription: string;
  /** The absolute instant (RFC 3339 with offset, normally Z). */
  occurredAt: string;
  /** The time exactly as the carrier wrote it, e.g. "20261201 143000" or "2026-12-01T14:30:00". */
  occurredAtText: string;
  /** How occurredAt was resolved: from an offset in the payload, or from the location's zone. */
  occurredAtResolution: 'offset' | 'location-time-zone' | 'utc-assumed';
  location?: ScanLocation;
  proofOfDelivery?: ProofOfDelivery;
  /** The carrier's id for this scan, when it gives one. */
  carrierEventId?: string;
  /** The carrier's own delivery estimate at the time of the scan. */
  carrierEstimatedDelivery?: string;
}

/** What a carrier said about one tracking number, in one webhook or one poll. */
export interface TrackingReport {
  trackingNumber: string;
  /** The carrier does not know the number (yet). */
  notFound: boolean;
  scans: NormalizedScan[];
}

export interface WebhookRequest {
  rawBody: Buffer;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | undefined>>;
}

export type WebhookVerification =
  | {
      valid: true;
      /**
       * Identifies this delivery for replay protection: the same key twice is a replay. Signature
       * schemes with a timestamp use the signature; others a digest of the body.
       */
      replayKey: string;
    }
  | { valid: false; reason: string };

export interface PollRequest {
  method: 'GET' | 'POST';
  /** Path and query, appended to the carrier's configured base URL. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface PollCredentials {
  /** An API key or an OAuth access token, as the carrier's API wants it. */
  apiKey?: string;
}

export interface CarrierAdapter {
  /** The adapter id used in URLs and configuration: ups, usps, fedex, dhl, aggregator. */
  readonly id: string;
  readonly displayName: string;
  /** How it authenticates webhooks, for README and operators. */
  readonly webhookScheme: string;

  /** Verifies a webhook over its raw bytes before anything else is parsed. */
  verifyWebhook(request: WebhookRequest, secret: string, now: Date): WebhookVerification;
  /** Parses a verified webhook; throws CarrierPayloadError when the body is not what the carrier documents. */
  parseWebhook(request: WebhookRequest): TrackingReport[];

  /** Polling; absent for adapters that only push (an aggregator). */
  pollRequest?(trackingNumber: string, credentials: PollCredentials): PollRequest;
  /** Parses a poll answer; throws CarrierPayloadError when it is not what the carrier documents. */
  parsePollResponse?(trackingNumber: string, status: number, body: string): TrackingReport;
}

/** A payload that verified but is not in the shape the carrier documents. */
export class CarrierPayloadError extends Error {
  constructor(
    readonly carrier: string,
    message: string,
  ) {
    super(`${carrier}: ${message}`);
    this.name = 'CarrierPayloadError';
  }
}
