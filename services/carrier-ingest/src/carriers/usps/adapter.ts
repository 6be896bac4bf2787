import { normalizeTrackingNumber } from '@tracking/tracking-numbers';
import {
  CarrierPayloadError,
  type CarrierAdapter,
  type NormalizedScan,
  type PollCredentials,
  type PollRequest,
  type TrackingReport,
  type WebhookRequest,
} from '../carrier-adapter';
import { assertCarrierAnswered } from '../carrier-errors';
import { buildLocation } from '../location';
import {
  buildProofOfDelivery,
  buildScan,
  isObject,
  parseJson,
  requireArray,
  requireObject,
  requireText,
  scanTime,
  text,
  verbatim,
  type JsonObject,
} from '../payload';
import { offsetBetween, parseUtcOffset } from '../scan-time';
import { verifyTimestampedSignature } from '../webhook-signature';
import { mapUspsEvent } from './status-mapping';

/**
 * USPS Tracking 3.0 (GET /tracking/v3/tracking/{trackingNumber}?expand=DETAIL): the DETAIL
 * answer lists `trackingEvents` newest first, each with a local `eventTimestamp` (no offset),
 * usually a `GMTTimestamp` and `GMTOffset`, and the place as eventCity / eventState /
 * eventZIPCode / eventCountry (blank for domestic scans). Pushes from the USPS
 * Subscriptions - Tracking API carry the same tracking object.
 */

const CARRIER = 'usps';

/** USPS error 150002: "The tracking number may be incorrect or the status update is not yet available." */
const NOT_FOUND_ERROR_CODES = new Set(['150002']);
const NOT_FOUND_PHRASES = /not found|no record|may be incorrect/i;

function eventScan(trackingNumber: string, value: unknown, path: string): NormalizedScan {
  const event = requireObject(CARRIER, value, path);
  const eventCode = verbatim(event.eventCode);
  const eventType = verbatim(event.eventType);
  const state = text(event.eventState);
  const scanLocation = buildLocation({
    city: text(event.eventCity),
    region: state,
    postalCode: text(event.eventZIPCode) ?? text(event.eventZIP),
    // eventCountry is blank for domestic scans, which carry a state.
    country: text(event.eventCountry) ?? (state ? 'US' : undefined),
  });
  const local = requireText(CARRIER, event.eventTimestamp, `${path}.eventTimestamp`);
  const givenOffset = text(event.GMTOffset);
  const gmt = text(event.GMTTimestamp);
  const offset =
    parseUtcOffset(givenOffset) !== undefined ? givenOffset : gmt ? offsetBetween(local, gmt) : undefined;
  const status = mapUspsEvent(eventCode?.trim(), eventType);
  const delivered = status.state === 'DELIVERED';
  return buildScan({
    trackingNumber,
    status,
    rawCode: eventCode ?? '',
    rawDescription: eventType ?? '',
    time: scanTime(CARRIER, local, { offset, location: scanLocation }, `${path}.eventTimestamp`),
    location: scanLocation,
    proofOfDelivery: delivered
      ? buildProofOfDelivery({
          signedBy: text(event.name),
          // "Delivered, Front Door/Porch": USPS names where the parcel was left after the comma.
          leftAt:
            eventType && /^delivered,/i.test(eventType) ? eventType.replace(/^delivered,/i, '') : undefined,
          location: scanLocation,
        })
      : undefined,
  });
}

function trackingScans(tracking: JsonObject, fallbackNumber: string, path: string): NormalizedScan[] {
  const trackingNumber = text(tracking.trackingNumber) ?? fallbackNumber;
  const events = requireArray(CARRIER, tracking.trackingEvents, `${path}.trackingEvents`);
  return events.map((event, index) => eventScan(trackingNumber, event, `${path}.trackingEvents[${index}]`));
}

/** Does a USPS error envelope say the number is unknown (rather than anything else failing)? */
function reportsUnknownNumber(error: unknown): boolean {
  if (!isObject(error)) return false;
  const details = Array.isArray(error.errors) ? error.errors.filter(isObject) : [];
  if (details.some((detail) => NOT_FOUND_ERROR_CODES.has(text(detail.code) ?? ''))) return true;
  const wording = [error.message, ...details.flatMap((detail) => [detail.title, detail.detail])]
    .map((value) => text(value) ?? '')
    .join(' ');
  return NOT_FOUND_PHRASES.test(wording);
}

function parseTrackingResponse(trackingNumber: string, status: number, body: string): TrackingReport {
  assertCarrierAnswered(CARRIER, status);
  const normalized = normalizeTrackingNumber(trackingNumber);
  const json = parseJson(CARRIER, body, `Tracking answer (HTTP ${status})`);
  const root = requireObject(CARRIER, json, 'body');
  if (root.error !== undefined) {
    if ((status === 200 || status === 400 || status === 404) && reportsUnknownNumber(root.error)) {
      return { trackingNumber: normalized, notFound: true, scans: [] };
    }
    const message = isObject(root.error) ? (text(root.error.message) ?? '') : '';
    throw new CarrierPayloadError(CARRIER, `Tracking answered HTTP ${status} with an error: ${message}`);
  }
  if (status !== 200)
    throw new CarrierPayloadError(CARRIER, `Tracking answered HTTP ${status} without an error`);
  return { trackingNumber: normalized, notFound: false, scans: trackingScans(root, trackingNumber, 'body') };
}

function parseSubscriptionPush(request: WebhookRequest): TrackingReport[] {
  const json = parseJson(CARRIER, request.rawBody, 'tracking notification');
  const trackings = Array.isArray(json) ? json : [json];
  return trackings.map((value, index) => {
    const path = Array.isArray(json) ? `[${index}]` : 'body';
    const tracking = requireObject(CARRIER, value, path);
    const trackingNumber = requireText(CARRIER, tracking.trackingNumber, `${path}.trackingNumber`);
    return {
      trackingNumber: normalizeTrackingNumber(trackingNumber),
      notFound: false,
      scans: trackingScans(tracking, trackingNumber, path),
    };
  });
}

function pollRequest(trackingNumber: string, credentials: PollCredentials): PollRequest {
  if (!credentials.apiKey) throw new Error('usps: polling needs an OAuth access token (credentials.apiKey)');
  const number = encodeURIComponent(normalizeTrackingNumber(trackingNumber));
  return {
    method: 'GET',
    path: `/tracking/v3/tracking/${number}?expand=DETAIL`,
    headers: { Authorization: `Bearer ${credentials.apiKey}`, Accept: 'application/json' },
  };
}

export const adapter: CarrierAdapter = {
  id: CARRIER,
  displayName: 'USPS',
  webhookScheme:
    'USPS Subscriptions - Tracking notifications are relayed and signed with the platform scheme: ' +
    'X-Tracking-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>, accepted within ' +
    "300 s. USPS's own X-HMAC header signs the body without a timestamp, so it gives no replay protection " +
    'on its own; the relay checks it before re-signing. The body is the USPS tracking object (or an array of them).',
  verifyWebhook: (request, secret, now) => verifyTimestampedSignature(request, secret, now),
  parseWebhook: parseSubscriptionPush,
  pollRequest,
  parsePollResponse: parseTrackingResponse,
};
