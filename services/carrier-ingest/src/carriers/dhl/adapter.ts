import { normalizeTrackingNumber } from '@tracking/tracking-numbers';
import {
  CarrierPayloadError,
  type CarrierAdapter,
  type NormalizedScan,
  type PollCredentials,
  type PollRequest,
  type ProofOfDelivery,
  type ScanLocation,
  type TrackingReport,
  type WebhookRequest,
} from '../carrier-adapter';
import { assertCarrierAnswered } from '../carrier-errors';
import { buildLocation, toCountryCode } from '../location';
import {
  buildProofOfDelivery,
  buildScan,
  isObject,
  numberOf,
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
import { DHL_EXPRESS_CHECKPOINTS, mapDhlEvent } from './status-mapping';

/**
 * DHL Shipment Tracking - Unified API (GET /track/shipments?trackingNumber=…, header
 * DHL-API-Key): `shipments[]`, each with `events[]` (timestamp, location.address, statusCode,
 * status, description) and `details.proofOfDelivery`. DHL Express writes local times without
 * an offset and often only a locality such as "LEIPZIG - GERMANY"; Parcel writes offsets.
 * Pushes from the Unified Push API carry the same `shipments[]`.
 */

const CARRIER = 'dhl';

/**
 * "NEW YORK - NY - USA", "LEIPZIG - GERMANY": DHL Express puts the whole place in
 * addressLocality. When its last part is a country, it is split into city, region and country.
 */
function splitLocality(locality: string | undefined): { city?: string; region?: string; country?: string } {
  if (!locality) return {};
  const parts = locality.split(/\s+-\s+/).map((part) => part.trim());
  if (parts.length < 2 || toCountryCode(parts.at(-1)) === undefined) return { city: locality };
  return {
    city: parts[0],
    region: parts.length > 2 ? parts.slice(1, -1).join(' - ') : undefined,
    country: parts.at(-1),
  };
}

function placeLocation(value: unknown): ScanLocation | undefined {
  const place = isObject(value) ? value : {};
  const address = isObject(place.address) ? place.address : {};
  const countryCode = text(address.countryCode);
  const locality = text(address.addressLocality);
  const split = countryCode ? { city: locality } : splitLocality(locality);
  const geo = isObject(place.geo) ? place.geo : {};
  return buildLocation({
    city: split.city,
    region: split.region,
    postalCode: text(address.postalCode),
    country: countryCode ?? split.country,
    latitude: numberOf(geo.latitude),
    longitude: numberOf(geo.longitude),
  });
}

function deliveryProof(shipment: JsonObject, path: string): ProofOfDelivery | undefined {
  const details = isObject(shipment.details) ? shipment.details : {};
  if (details.proofOfDelivery === undefined || details.proofOfDelivery === null) return undefined;
  const proof = requireObject(CARRIER, details.proofOfDelivery, `${path}.details.proofOfDelivery`);
  const signed = isObject(proof.signed) ? proof.signed : {};
  const fullName = [text(signed.givenName), text(signed.familyName)].filter(Boolean).join(' ');
  return buildProofOfDelivery({
    signedBy: text(signed.name) ?? (fullName || undefined),
    signatureUrl: text(proof.signatureUrl),
    photoUrl: text(proof.documentUrl),
  });
}

function eventScan(
  trackingNumber: string,
  value: unknown,
  proof: ProofOfDelivery | undefined,
  path: string,
): NormalizedScan {
  const event = requireObject(CARRIER, value, path);
  const statusCode = verbatim(event.statusCode);
  const status = verbatim(event.status);
  const description = verbatim(event.description);
  if (statusCode === undefined && status === undefined && description === undefined) {
    throw new CarrierPayloadError(CARRIER, `${path} has no statusCode, status or description`);
  }
  const mapping = mapDhlEvent({ statusCode, status, description });
  const checkpoint =
    status !== undefined && Object.hasOwn(DHL_EXPRESS_CHECKPOINTS, status.trim().toUpperCase());
  const scanLocation = placeLocation(event.location);
  return buildScan({
    trackingNumber,
    status: mapping,
    rawCode: (checkpoint ? status : statusCode) ?? status ?? '',
    rawDescription: description ?? status ?? '',
    time: scanTime(
      CARRIER,
      requireText(CARRIER, event.timestamp, `${path}.timestamp`),
      { location: scanLocation },
      `${path}.timestamp`,
    ),
    location: scanLocation,
    proofOfDelivery: mapping.state === 'DELIVERED' ? proof : undefined,
  });
}

function shipmentScans(value: unknown, fallbackNumber: string, path: string): NormalizedScan[] {
  const shipment = requireObject(CARRIER, value, path);
  const trackingNumber = text(shipment.id) ?? fallbackNumber;
  const proof = deliveryProof(shipment, path);
  const events =
    shipment.events === undefined && isObject(shipment.status)
      ? [shipment.status] // some answers give only the latest event, as `status`
      : requireArray(CARRIER, shipment.events, `${path}.events`);
  return events.map((event, index) => eventScan(trackingNumber, event, proof, `${path}.events[${index}]`));
}

function shipmentsOf(json: unknown): unknown[] {
  const root = requireObject(CARRIER, json, 'body');
  return requireArray(CARRIER, root.shipments, 'shipments');
}

function isNotFoundProblem(json: unknown): boolean {
  if (!isObject(json)) return false;
  const wording = `${text(json.title) ?? ''} ${text(json.detail) ?? ''}`;
  return numberOf(json.status) === 404 || /no (result|shipment)/i.test(wording);
}

function parseTrackResponse(trackingNumber: string, status: number, body: string): TrackingReport {
  assertCarrierAnswered(CARRIER, status);
  const normalized = normalizeTrackingNumber(trackingNumber);
  const json = parseJson(CARRIER, body, `tracking answer (HTTP ${status})`);
  if (status === 404 && isNotFoundProblem(json))
    return { trackingNumber: normalized, notFound: true, scans: [] };
  if (status !== 200) {
    const detail = isObject(json) ? (text(json.detail) ?? text(json.title) ?? '') : '';
    throw new CarrierPayloadError(CARRIER, `tracking answered HTTP ${status}: ${detail}`);
  }
  const scans = shipmentsOf(json).flatMap((shipment, index) =>
    shipmentScans(shipment, trackingNumber, `shipments[${index}]`),
  );
  return { trackingNumber: normalized, notFound: false, scans };
}

function parsePush(request: WebhookRequest): TrackingReport[] {
  const json = parseJson(CARRIER, request.rawBody, 'push body');
  return shipmentsOf(json).map((value, index) => {
    const path = `shipments[${index}]`;
    const shipment = requireObject(CARRIER, value, path);
    const trackingNumber = requireText(CARRIER, shipment.id, `${path}.id`);
    return {
      trackingNumber: normalizeTrackingNumber(trackingNumber),
      notFound: false,
      scans: shipmentScans(shipment, trackingNumber, path),
    };
  });
}

function pollRequest(trackingNumber: string, credentials: PollCredentials): PollRequest {
  if (!credentials.apiKey) throw new Error('dhl: polling needs an API key (credentials.apiKey)');
  return {
    method: 'GET',
    path: `/track/shipments?trackingNumber=${encodeURIComponent(normalizeTrackingNumber(trackingNumber))}`,
    headers: { 'DHL-API-Key': credentials.apiKey, Accept: 'application/json' },
  };
}

export const adapter: CarrierAdapter = {
  id: CARRIER,
  displayName: 'DHL',
  webhookScheme:
    'DHL Shipment Tracking - Unified Push notifications are relayed and signed with the platform scheme: ' +
    'X-Tracking-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>, accepted within ' +
    '300 s. The body is the Unified tracking answer ({"shipments": [...]}).',
  verifyWebhook: (request, secret, now) => verifyTimestampedSignature(request, secret, now),
  parseWebhook: parsePush,
  pollRequest,
  parsePollResponse: parseTrackResponse,
};
