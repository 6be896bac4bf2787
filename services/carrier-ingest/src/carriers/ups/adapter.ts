import { randomUUID } from 'node:crypto';
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
  compactDate,
  groupReports,
  imageUrl,
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
import { offsetBetween, parseUtcOffset } from '../scan-time';
import { verifyTimestampedSignature } from '../webhook-signature';
import { mapUpsStatus } from './status-mapping';

/**
 * UPS: the Track API (GET /api/track/v1/details/{inquiryNumber}) for polling and Track Alert
 * (UPS pushes one TrackingEventRequest per event) for webhooks, as in UPS's published OpenAPI
 * specifications (Tracking.yaml, UPSTrackAlert.yaml).
 */

const CARRIER = 'ups';

/**
 * Track API error codes meaning UPS has nothing for the number: 151044 and 151062 "No tracking
 * information available", 151045 "No information found", 150022 and 151018 "Invalid tracking
 * number".
 */
const NOT_FOUND_ERROR_CODES = new Set(['151044', '151045', '151062', '150022', '151018']);

/** Shipment-level warning UPS answers with HTTP 200 when it has no information for the number. */
const NOT_FOUND_WARNING_CODES = new Set(['TW0001']);

interface ActivityStatus {
  type?: string;
  code?: string;
  statusCode?: string;
  description?: string;
}

/** Track API `status` and Track Alert `activityStatus` (whose three-digit code is descriptionCode). */
function activityStatusOf(value: unknown, path: string): ActivityStatus {
  const object = requireObject(CARRIER, value, path);
  return {
    type: text(object.type),
    code: verbatim(object.code),
    statusCode: text(object.statusCode) ?? text(object.descriptionCode),
    description: verbatim(object.description),
  };
}

function rawCodeOf(activityStatus: ActivityStatus, path: string): string {
  const raw = activityStatus.code ?? activityStatus.statusCode ?? activityStatus.type;
  if (raw === undefined) throw new CarrierPayloadError(CARRIER, `${path} has no type, code or statusCode`);
  return raw;
}

/** "20240423" + "095004" as the contract's "20240423 095004"; the date alone when there is no time. */
function localText(date: string, time: string | undefined): string {
  return time ? `${date} ${time}` : date;
}

// --- Track API (poll) ------------------------------------------------------------------------

function deliveryProof(pkg: JsonObject, path: string): ProofOfDelivery | undefined {
  if (pkg.deliveryInformation === undefined || pkg.deliveryInformation === null) return undefined;
  const info = requireObject(CARRIER, pkg.deliveryInformation, `${path}.deliveryInformation`);
  const signature = isObject(info.signature) ? info.signature : {};
  const photo = isObject(info.deliveryPhoto) ? info.deliveryPhoto : {};
  return buildProofOfDelivery({
    signedBy: text(info.receivedBy),
    leftAt: text(info.location),
    signatureUrl: imageUrl(signature.image),
    photoUrl: imageUrl(photo.photo),
  });
}

function activityScan(trackingNumber: string, value: unknown, path: string): NormalizedScan {
  const activity = requireObject(CARRIER, value, path);
  const activityStatus = activityStatusOf(activity.status, `${path}.status`);
  const location = isObject(activity.location) ? activity.location : {};
  const address = isObject(location.address) ? location.address : {};
  const scanLocation = buildLocation({
    city: text(address.city),
    region: text(address.stateProvince),
    postalCode: text(address.postalCode),
    country: text(address.countryCode) ?? text(address.country),
  });
  const date = requireText(CARRIER, activity.date, `${path}.date`);
  const time = text(activity.time);
  const gmtDate = text(activity.gmtDate);
  const gmtTime = text(activity.gmtTime);
  const givenOffset = text(activity.gmtOffset);
  const offset =
    parseUtcOffset(givenOffset) !== undefined
      ? givenOffset
      : gmtDate && time && gmtTime
        ? offsetBetween(localText(date, time), localText(gmtDate, gmtTime), 'compact')
        : undefined;
  return buildScan({
    trackingNumber,
    status: mapUpsStatus(activityStatus),
    rawCode: rawCodeOf(activityStatus, `${path}.status`),
    rawDescription: activityStatus.description ?? '',
    time: scanTime(
      CARRIER,
      localText(date, time),
      { format: 'compact', offset, location: scanLocation },
      `${path}.date/time`,
    ),
    location: scanLocation,
  });
}

function packageScans(value: unknown, inquiry: string, path: string): NormalizedScan[] {
  const pkg = requireObject(CARRIER, value, path);
  const trackingNumber = text(pkg.trackingNumber) ?? inquiry;
  const activities = requireArray(CARRIER, pkg.activity, `${path}.activity`);
  const proof = deliveryProof(pkg, path);
  return activities.map((activity, index) => {
    const scan = activityScan(trackingNumber, activity, `${path}.activity[${index}]`);
    return proof && scan.state === 'DELIVERED' ? { ...scan, proofOfDelivery: proof } : scan;
  });
}

function errorCodes(body: unknown): string[] {
  const response = isObject(body) && isObject(body.response) ? body.response : body;
  const errors = isObject(response) && Array.isArray(response.errors) ? response.errors : [];
  return errors.flatMap((error) => (isObject(error) && text(error.code) ? [text(error.code)!] : []));
}

function parseTrackResponse(trackingNumber: string, status: number, body: string): TrackingReport {
  assertCarrierAnswered(CARRIER, status);
  const normalized = normalizeTrackingNumber(trackingNumber);
  const json = parseJson(CARRIER, body, `Track API answer (HTTP ${status})`);
  if (status !== 200) {
    const codes = errorCodes(json);
    if ((status === 404 || status === 400) && codes.some((code) => NOT_FOUND_ERROR_CODES.has(code))) {
      return { trackingNumber: normalized, notFound: true, scans: [] };
    }
    throw new CarrierPayloadError(
      CARRIER,
      `Track API answered HTTP ${status} (${codes.join(', ') || 'no error code'})`,
    );
  }
  const root = requireObject(CARRIER, json, 'body');
  const trackResponse = requireObject(CARRIER, root.trackResponse, 'trackResponse');
  const shipments = requireArray(CARRIER, trackResponse.shipment, 'trackResponse.shipment');
  const scans: NormalizedScan[] = [];
  let anyPackage = false;
  let notFoundWarning = false;
  shipments.forEach((value, s) => {
    const shipment = requireObject(CARRIER, value, `trackResponse.shipment[${s}]`);
    const inquiry = text(shipment.inquiryNumber) ?? trackingNumber;
    const warnings = optionalArray(CARRIER, shipment.warnings, `trackResponse.shipment[${s}].warnings`);
    if (warnings.some((w) => isObject(w) && NOT_FOUND_WARNING_CODES.has(text(w.code) ?? '')))
      notFoundWarning = true;
    const packages = optionalArray(CARRIER, shipment.package, `trackResponse.shipment[${s}].package`);
    packages.forEach((pkg, p) => {
      anyPackage = true;
      scans.push(...packageScans(pkg, inquiry, `trackResponse.shipment[${s}].package[${p}]`));
    });
  });
  if (!anyPackage && !notFoundWarning) {
    throw new CarrierPayloadError(CARRIER, 'trackResponse has neither packages nor a not-found warning');
  }
  return { trackingNumber: normalized, notFound: !anyPackage, scans };
}

// --- Track Alert (webhook) -------------------------------------------------------------------

function trackAlertScan(value: unknown, path: string): NormalizedScan {
  const event = requireObject(CARRIER, value, path);
  const activityStatus = activityStatusOf(event.activityStatus, `${path}.activityStatus`);
  const where = isObject(event.activityLocation) ? event.activityLocation : {};
  const scanLocation = buildLocation({
    city: text(where.city),
    region: text(where.stateProvince),
    postalCode: text(where.postalCode),
    country: text(where.country),
  });
  const date = requireText(CARRIER, event.localActivityDate, `${path}.localActivityDate`);
  const time = text(event.localActivityTime);
  const gmtDate = text(event.gmtActivityDate);
  const gmtTime = text(event.gmtActivityTime);
  const offset =
    time && gmtDate && gmtTime
      ? offsetBetween(localText(date, time), localText(gmtDate, gmtTime), 'compact')
      : undefined;
  const mapping = mapUpsStatus(activityStatus);
  const proof =
    mapping.state === 'DELIVERED'
      ? buildProofOfDelivery({ photoUrl: imageUrl(event.deliveryPhoto) })
      : undefined;
  return buildScan({
    trackingNumber: requireText(CARRIER, event.trackingNumber, `${path}.trackingNumber`),
    status: mapping,
    rawCode: rawCodeOf(activityStatus, `${path}.activityStatus`),
    rawDescription: activityStatus.description ?? '',
    time: scanTime(
      CARRIER,
      localText(date, time),
      { format: 'compact', offset, location: scanLocation },
      `${path}.localActivityDate/Time`,
    ),
    location: scanLocation,
    proofOfDelivery: proof,
    carrierEstimatedDelivery: compactDate(event.scheduledDeliveryDate),
  });
}

function parseTrackAlert(request: WebhookRequest): TrackingReport[] {
  const json = parseJson(CARRIER, request.rawBody, 'Track Alert body');
  const events = Array.isArray(json) ? json : [json];
  return groupReports(
    events.map((event, index) => trackAlertScan(event, Array.isArray(json) ? `[${index}]` : 'body')),
  );
}

function pollRequest(trackingNumber: string, credentials: PollCredentials): PollRequest {
  if (!credentials.apiKey) throw new Error('ups: polling needs an OAuth access token (credentials.apiKey)');
  const number = encodeURIComponent(normalizeTrackingNumber(trackingNumber));
  return {
    method: 'GET',
    path: `/api/track/v1/details/${number}?locale=en_US&returnSignature=true`,
    headers: {
      Authorization: `Bearer ${credentials.apiKey}`,
      // transId: unique per request, at most 32 characters.
      transId: randomUUID().replace(/-/g, ''),
      transactionSrc: 'carrier-ingest',
      Accept: 'application/json',
    },
  };
}

export const adapter: CarrierAdapter = {
  id: CARRIER,
  displayName: 'UPS',
  webhookScheme:
    'UPS Track Alert authenticates its pushes only with the static `credential` header set at subscription, ' +
    'which does not cover the body and carries no timestamp, so a captured push could be replayed forever. ' +
    'The push must therefore be relayed and signed with the platform scheme: X-Tracking-Signature: ' +
    't=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>, accepted within 300 s.',
  verifyWebhook: (request, secret, now) => verifyTimestampedSignature(request, secret, now),
  parseWebhook: parseTrackAlert,
  pollRequest,
  parsePollResponse: parseTrackResponse,
};
