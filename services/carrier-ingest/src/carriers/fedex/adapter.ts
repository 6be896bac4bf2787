import { normalizeTrackingNumber } from '@tracking/tracking-numbers';
import {
  CarrierPayloadError,
  type CarrierAdapter,
  type NormalizedScan,
  type PollCredentials,
  type PollRequest,
  type ProofOfDelivery,
  type TrackingReport,
  type WebhookRequest,
} from '../carrier-adapter';
import { assertCarrierAnswered } from '../carrier-errors';
import { buildLocation } from '../location';
import {
  buildProofOfDelivery,
  buildScan,
  isObject,
  optionalArray,
  parseJson,
  requireArray,
  requireObject,
  requireText,
  scanTime,
  text,
  verbatim,
  type JsonObject,
} from '../payload';
import { verifyTimestampedSignature } from '../webhook-signature';
import { mapFedexEvent } from './status-mapping';

/**
 * FedEx Track API (POST /track/v1/trackingnumbers) and the Advanced Integrated Visibility
 * webhook, which pushes the same `output.completeTrackResults[]` structure. Scan event dates
 * carry their offset ("2024-05-14T09:12:00-05:00").
 */

const CARRIER = 'fedex';

/** trackResults[].error codes (and 4xx error codes) meaning FedEx does not know the number. */
const NOT_FOUND_CODES = new Set(['TRACKING.TRACKINGNUMBER.NOTFOUND', 'TRACKING.TRACKINGNUMBER.INVALID']);

function addressLocation(value: unknown) {
  const address = isObject(value) ? value : {};
  return buildLocation({
    city: text(address.city),
    region: text(address.stateOrProvinceCode),
    postalCode: text(address.postalCode),
    country: text(address.countryCode) ?? text(address.countryName),
  });
}

function deliveryProof(result: JsonObject, path: string): ProofOfDelivery | undefined {
  if (result.deliveryDetails === undefined || result.deliveryDetails === null) return undefined;
  const details = requireObject(CARRIER, result.deliveryDetails, `${path}.deliveryDetails`);
  return buildProofOfDelivery({
    signedBy: text(details.receivedByName) ?? text(details.signedByName),
    leftAt: text(details.locationDescription),
    location: addressLocation(details.actualDeliveryAddress),
  });
}

function eventScan(trackingNumber: string, value: unknown, proof: ProofOfDelivery | undefined, path: string) {
  const event = requireObject(CARRIER, value, path);
  const eventType = verbatim(event.eventType) ?? verbatim(event.derivedStatusCode);
  if (eventType === undefined) throw new CarrierPayloadError(CARRIER, `${path} has no eventType`);
  const status = mapFedexEvent(eventType.trim(), text(event.exceptionCode));
  const scanLocation = addressLocation(event.scanLocation);
  return buildScan({
    trackingNumber,
    status,
    rawCode: eventType,
    rawDescription: verbatim(event.eventDescription) ?? verbatim(event.derivedStatus) ?? '',
    time: scanTime(
      CARRIER,
      requireText(CARRIER, event.date, `${path}.date`),
      { location: scanLocation },
      `${path}.date`,
    ),
    location: scanLocation,
    proofOfDelivery: status.state === 'DELIVERED' ? proof : undefined,
  });
}

interface ResultScans {
  scans: NormalizedScan[];
  notFound: boolean;
}

function trackResultScans(value: unknown, fallbackNumber: string, path: string): ResultScans {
  const result = requireObject(CARRIER, value, path);
  const info = isObject(result.trackingNumberInfo) ? result.trackingNumberInfo : {};
  const trackingNumber = text(info.trackingNumber) ?? fallbackNumber;
  if (isObject(result.error)) {
    const code = text(result.error.code) ?? '';
    if (NOT_FOUND_CODES.has(code)) return { scans: [], notFound: true };
    throw new CarrierPayloadError(
      CARRIER,
      `${path}.error: ${code} ${text(result.error.message) ?? ''}`.trim(),
    );
  }
  const proof = deliveryProof(result, path);
  const events = requireArray(CARRIER, result.scanEvents, `${path}.scanEvents`);
  return {
    scans: events.map((event, index) =>
      eventScan(trackingNumber, event, proof, `${path}.scanEvents[${index}]`),
    ),
    notFound: false,
  };
}

/** One report per completeTrackResults entry. */
function completeTrackResults(json: unknown): TrackingReport[] {
  const root = requireObject(CARRIER, json, 'body');
  const output = requireObject(CARRIER, root.output, 'output');
  const complete = requireArray(CARRIER, output.completeTrackResults, 'output.completeTrackResults');
  return complete.map((value, c) => {
    const path = `output.completeTrackResults[${c}]`;
    const entry = requireObject(CARRIER, value, path);
    const trackingNumber = requireText(CARRIER, entry.trackingNumber, `${path}.trackingNumber`);
    const results = requireArray(CARRIER, entry.trackResults, `${path}.trackResults`).map((result, r) =>
      trackResultScans(result, trackingNumber, `${path}.trackResults[${r}]`),
    );
    const scans = results.flatMap((result) => result.scans);
    return {
      trackingNumber: normalizeTrackingNumber(trackingNumber),
      notFound: scans.length === 0 && results.length > 0 && results.every((result) => result.notFound),
      scans,
    };
  });
}

function errorCodes(json: unknown): string[] {
  const errors = isObject(json) ? optionalArray(CARRIER, json.errors, 'errors') : [];
  return errors.flatMap((error) => (isObject(error) && text(error.code) ? [text(error.code)!] : []));
}

function parseTrackResponse(trackingNumber: string, status: number, body: string): TrackingReport {
  assertCarrierAnswered(CARRIER, status);
  const normalized = normalizeTrackingNumber(trackingNumber);
  const json = parseJson(CARRIER, body, `Track API answer (HTTP ${status})`);
  if (status !== 200) {
    const codes = errorCodes(json);
    if ((status === 400 || status === 404) && codes.some((code) => NOT_FOUND_CODES.has(code))) {
      return { trackingNumber: normalized, notFound: true, scans: [] };
    }
    throw new CarrierPayloadError(
      CARRIER,
      `Track API answered HTTP ${status} (${codes.join(', ') || 'no error code'})`,
    );
  }
  const reports = completeTrackResults(json);
  const scans = reports.flatMap((report) => report.scans);
  return {
    trackingNumber: normalized,
    notFound: reports.length > 0 && reports.every((report) => report.notFound),
    scans,
  };
}

function parseWebhook(request: WebhookRequest): TrackingReport[] {
  return completeTrackResults(parseJson(CARRIER, request.rawBody, 'webhook body'));
}

function pollRequest(trackingNumber: string, credentials: PollCredentials): PollRequest {
  if (!credentials.apiKey) throw new Error('fedex: polling needs an OAuth access token (credentials.apiKey)');
  return {
    method: 'POST',
    path: '/track/v1/trackingnumbers',
    headers: {
      Authorization: `Bearer ${credentials.apiKey}`,
      'Content-Type': 'application/json',
      'X-locale': 'en_US',
    },
    body: JSON.stringify({
      includeDetailedScans: true,
      trackingInfo: [{ trackingNumberInfo: { trackingNumber: normalizeTrackingNumber(trackingNumber) } }],
    }),
  };
}

export const adapter: CarrierAdapter = {
  id: CARRIER,
  displayName: 'FedEx',
  webhookScheme:
    'FedEx Advanced Integrated Visibility pushes are relayed and signed with the platform scheme: ' +
    'X-Tracking-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>, accepted within ' +
    "300 s; the relay checks FedEx's own signature first. The body is the Track API output " +
    '(output.completeTrackResults[]).',
  verifyWebhook: (request, secret, now) => verifyTimestampedSignature(request, secret, now),
  parseWebhook,
  pollRequest,
  parsePollResponse: parseTrackResponse,
};
