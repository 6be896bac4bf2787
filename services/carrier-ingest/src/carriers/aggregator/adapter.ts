import { normalizeTrackingNumber } from '@tracking/tracking-numbers';
import type { CarrierAdapter, NormalizedScan, TrackingReport, WebhookRequest } from '../carrier-adapter';
import { buildLocation } from '../location';
import {
  buildProofOfDelivery,
  buildScan,
  isObject,
  numberOf,
  optionalArray,
  parseJson,
  requireObject,
  requireText,
  scanTime,
  text,
  verbatim,
  type JsonObject,
} from '../payload';
import { verifyBodySignature } from '../webhook-signature';
import { mapAfterShipStatus } from './status-mapping';

/**
 * A multi-carrier tracking aggregator, in AfterShip's webhook format:
 * `{ event, event_id, msg: <tracking>, ts }`, the tracking with `tracking_number`, `slug`,
 * `tag`, `subtag`, `signed_by` and `checkpoints[]` (checkpoint_time in the checkpoint's local
 * time, city, state, zip, country_iso3, message, tag, subtag, coordinates). Aggregators push
 * only, so there is no polling.
 */

const CARRIER = 'aggregator';
const SIGNATURE_HEADER = 'aftership-hmac-sha256';

function coordinates(checkpoint: JsonObject): { latitude?: number; longitude?: number } {
  if (isObject(checkpoint.coordinate)) {
    return {
      latitude: numberOf(checkpoint.coordinate.latitude),
      longitude: numberOf(checkpoint.coordinate.longitude),
    };
  }
  if (Array.isArray(checkpoint.coordinates) && checkpoint.coordinates.length === 2) {
    return { latitude: numberOf(checkpoint.coordinates[0]), longitude: numberOf(checkpoint.coordinates[1]) };
  }
  return {};
}

function checkpointScan(
  tracking: JsonObject,
  trackingNumber: string,
  value: unknown,
  path: string,
): NormalizedScan {
  const checkpoint = requireObject(CARRIER, value, path);
  const tag = text(checkpoint.tag);
  const subtag = text(checkpoint.subtag);
  const status = mapAfterShipStatus(tag, subtag);
  const scanLocation = buildLocation({
    city: text(checkpoint.city),
    region: text(checkpoint.state),
    postalCode: text(checkpoint.zip) ?? text(checkpoint.postal_code),
    country:
      text(checkpoint.country_iso3) ?? text(checkpoint.country_region) ?? text(checkpoint.country_name),
    ...coordinates(checkpoint),
  });
  return buildScan({
    trackingNumber,
    status,
    rawCode: verbatim(checkpoint.subtag) ?? verbatim(checkpoint.tag) ?? '',
    rawDescription: verbatim(checkpoint.message) ?? verbatim(checkpoint.subtag_message) ?? '',
    time: scanTime(
      CARRIER,
      requireText(CARRIER, checkpoint.checkpoint_time, `${path}.checkpoint_time`),
      { location: scanLocation },
      `${path}.checkpoint_time`,
    ),
    location: scanLocation,
    proofOfDelivery:
      status.state === 'DELIVERED' ? buildProofOfDelivery({ signedBy: text(tracking.signed_by) }) : undefined,
    carrierEventId: text(checkpoint.hash),
  });
}

/**
 * A tracking update without checkpoints still says where the shipment stands (an Expired tag,
 * say): one scan from the tracking's own tag, at its update time.
 */
function trackingLevelScan(
  tracking: JsonObject,
  trackingNumber: string,
  ts: unknown,
): NormalizedScan | undefined {
  const tag = text(tracking.tag);
  const subtag = text(tracking.subtag);
  const updated =
    text(tracking.updated_at) ??
    (numberOf(ts) !== undefined ? new Date(numberOf(ts)! * 1_000).toISOString() : undefined);
  if (updated === undefined || (tag === undefined && subtag === undefined)) return undefined;
  return buildScan({
    trackingNumber,
    status: mapAfterShipStatus(tag, subtag),
    rawCode: verbatim(tracking.subtag) ?? verbatim(tracking.tag) ?? '',
    rawDescription: verbatim(tracking.subtag_message) ?? '',
    time: scanTime(CARRIER, updated, {}, 'msg.updated_at'),
  });
}

function parseWebhook(request: WebhookRequest): TrackingReport[] {
  const body = requireObject(CARRIER, parseJson(CARRIER, request.rawBody, 'webhook body'), 'body');
  const tracking = requireObject(CARRIER, body.msg, 'msg');
  const trackingNumber = requireText(CARRIER, tracking.tracking_number, 'msg.tracking_number');
  const checkpoints = optionalArray(CARRIER, tracking.checkpoints, 'msg.checkpoints');
  const normalized = normalizeTrackingNumber(trackingNumber);
  if (checkpoints.length === 0) {
    // Pending with nothing from the carrier: the carrier does not know the number (yet).
    const tag = text(tracking.tag);
    if (tag === undefined || tag === 'Pending')
      return [{ trackingNumber: normalized, notFound: true, scans: [] }];
    const scan = trackingLevelScan(tracking, trackingNumber, body.ts);
    return [{ trackingNumber: normalized, notFound: false, scans: scan ? [scan] : [] }];
  }
  const scans = checkpoints.map((checkpoint, index) =>
    checkpointScan(tracking, trackingNumber, checkpoint, `msg.checkpoints[${index}]`),
  );
  return [{ trackingNumber: normalized, notFound: false, scans }];
}

export const adapter: CarrierAdapter = {
  id: CARRIER,
  displayName: 'Tracking aggregator (AfterShip format)',
  webhookScheme:
    `AfterShip's scheme: the ${SIGNATURE_HEADER} header carries the base64 HMAC-SHA256 of the raw body, ` +
    'keyed with the webhook secret. It has no timestamp, so a replay is recognized by the body digest.',
  verifyWebhook: (request, secret) => verifyBodySignature(request, SIGNATURE_HEADER, secret, 'base64'),
  parseWebhook,
};
