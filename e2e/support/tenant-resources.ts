import { createHmac, randomUUID } from 'node:crypto';
import { eventually } from '@tracking/testing';
import { validateTrackingNumber } from '@tracking/tracking-numbers';
import { SettingsRequest } from '../../services/notification/src/api/dto/settings.request';
import { SubmitOrderRequest } from '../../services/order-intake/src/api/dto/submit-order.request';
import { AGGREGATOR_SECRET, type RunningSystem } from './system';
import { validInputOf } from './valid-requests';

const HOUR = 3_600_000;
const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * HOUR).toISOString();

/** What one tenant owns across the system, made through the services' own APIs. */
export interface TenantResources {
  merchantId: string;
  centreId: string;
  orderId: string;
  externalOrderId: string;
  trackingToken: string;
  shipmentId: string;
  trackingNumber: string;
  /** The buyer, as the storefront named them: what an erasure must remove everywhere. */
  buyer: { surname: string; email: string; street: string };
  /** A period that holds the tenant's order, fixed so that two reads of the metrics can be compared. */
  metricsPeriod: { from: string; to: string };
  /** Strings only this tenant's data holds: an answer to anyone else that contains one leaked it. */
  markers: string[];
}

function upsTrackingNumber(): string {
  const serial = String(Math.floor(Math.random() * 1e9)).padStart(9, '0');
  for (let digit = 0; digit < 10; digit += 1) {
    const candidate = `1Z999AA1${serial}${digit}`;
    if (validateTrackingNumber('ups', candidate).valid) return candidate;
  }
  throw new Error('no UPS check digit fits');
}

/**
 * A merchant and its fulfillment centre with one order taken all the way: submitted to
 * order-intake, produced and packed at production-status, its parcel registered and scanned at
 * carrier-ingest, projected by tracking-api, and the merchant's notification settings saved.
 * Resolves once every service holds its part, so a read that finds nothing is a refusal.
 */
export async function createTenantResources(system: RunningSystem, name: string): Promise<TenantResources> {
  const unique = `${name}-${randomUUID().slice(0, 8)}`;
  const merchantId = `${unique}-shop`;
  const centreId = `${unique}-fc`;
  const merchant = await system.intake.tokenFor('merchant', merchantId);
  const centre = await system.production.tokenFor('fulfillment_center', centreId);
  const buyerSurname = `Surname${randomUUID().slice(0, 8)}`;
  const buyerEmail = `${unique}@buyers.example`;
  const street = `${randomUUID().slice(0, 8)} Private Lane`;
  const senderName = `${unique} Prints`;
  const scanCity = `Scanton${randomUUID().slice(0, 6)}`;
  const trackingNumber = upsTrackingNumber();

  const settings = await system.notification.request('PUT', '/v1/settings', {
    token: merchant,
    body: { ...(validInputOf(SettingsRequest) as object), senderName, replyTo: `help@${unique}.example` },
  });
  if (settings.status !== 200) throw new Error(`settings refused: ${JSON.stringify(settings.body)}`);

  const template = validInputOf(SubmitOrderRequest) as Record<string, object>;
  const submitted = await system.intake.request<{
    orderId: string;
    externalOrderId: string;
    trackingToken: string;
  }>('POST', '/v1/orders', {
    token: merchant,
    body: {
      ...template,
      placedAt: at(3),
      buyer: { ...template.buyer, name: `Ada ${buyerSurname}`, email: buyerEmail },
      shippingAddress: { ...template.shippingAddress, line1: street },
      fulfillmentCenterId: centreId,
    },
  });
  if (submitted.status !== 201) throw new Error(`order refused: ${JSON.stringify(submitted.body)}`);
  const { orderId, externalOrderId, trackingToken } = submitted.body;

  await eventually(
    async () =>
      (await system.production.request('GET', `/v1/orders/${orderId}/production`, { token: centre }))
        .status === 200,
    { what: 'production-status to have the order' },
  );
  const reported = await system.production.request<{
    results: Array<{ outcome: string; shipments?: Array<{ shipmentId: string }> }>;
  }>('POST', '/v1/production-events/batch', {
    token: centre,
    body: {
      events: [
        { orderId, eventId: `${unique}-1`, type: 'PRODUCTION_STARTED', occurredAt: at(2) },
        {
          orderId,
          eventId: `${unique}-2`,
          type: 'PACKED',
          occurredAt: at(1),
          shipments: [{ carrier: 'ups', trackingNumber, serviceLevel: 'Ground' }],
        },
      ],
    },
  });
  const shipmentId = reported.body.results?.[1]?.shipments?.[0]?.shipmentId;
  if (!shipmentId) throw new Error(`production refused: ${JSON.stringify(reported.body)}`);

  await eventually(
    async () =>
      (await system.carriers.request('GET', `/v1/shipments/${shipmentId}`, { token: merchant })).status ===
      200,
    { what: 'carrier-ingest to track the shipment' },
  );
  const webhook = JSON.stringify({
    event: 'tracking_update',
    msg: {
      tracking_number: trackingNumber,
      slug: 'ups',
      tag: 'InTransit',
      checkpoints: [
        {
          slug: 'ups',
          checkpoint_time: at(0.5),
          city: scanCity,
          zip: '',
          country_iso3: 'GBR',
          message: 'Accepted by the carrier',
          tag: 'InTransit',
          subtag: 'InTransit_002',
        },
      ],
    },
    ts: Math.floor(Date.now() / 1_000),
  });
  const pushed = await system.carriers.request('POST', '/v1/carriers/aggregator/webhooks', {
    rawBody: webhook,
    headers: {
      'aftership-hmac-sha256': createHmac('sha256', AGGREGATOR_SECRET).update(webhook).digest('base64'),
    },
  });
  if (pushed.status !== 202) throw new Error(`webhook refused: ${JSON.stringify(pushed.body)}`);

  await eventually(
    async () => {
      const order = await system.tracking.request('GET', `/v1/orders/${orderId}`, { token: merchant });
      return order.status === 200 && JSON.stringify(order.body).includes(scanCity);
    },
    { what: 'tracking-api to show the scan', timeoutMs: 40_000 },
  );
  await eventually(
    async () =>
      (await system.notification.request('GET', `/v1/notifications?orderId=${orderId}`, { token: merchant }))
        .status === 200,
    { what: 'notification to know the order' },
  );

  return {
    merchantId,
    centreId,
    orderId,
    externalOrderId,
    trackingToken,
    shipmentId,
    trackingNumber,
    buyer: { surname: buyerSurname, email: buyerEmail, street },
    metricsPeriod: { from: at(48), to: new Date().toISOString() },
    markers: [
      orderId,
      externalOrderId,
      trackingToken,
      shipmentId,
      trackingNumber,
      buyerSurname,
      buyerEmail,
      street,
      senderName,
      scanCity,
      merchantId,
      centreId,
    ],
  };
}

/**
 * What the tenant itself reads of its own data in each service: equal before and after others
 * tried its routes means none of their requests changed it.
 */
export async function ownViewsOf(
  system: RunningSystem,
  tenant: TenantResources,
): Promise<Record<string, unknown>> {
  const merchant = await system.intake.tokenFor('merchant', tenant.merchantId);
  const centre = await system.production.tokenFor('fulfillment_center', tenant.centreId);
  const read = async (
    service: keyof Pick<RunningSystem, 'intake' | 'production' | 'carriers' | 'notification' | 'tracking'>,
    path: string,
    token: string,
  ) => {
    const { status, body } = await system[service].request('GET', path, { token });
    return { status, body };
  };
  return {
    order: await read('intake', `/v1/orders/${tenant.orderId}`, merchant),
    production: await read('production', `/v1/orders/${tenant.orderId}/production`, centre),
    shipment: await read('carriers', `/v1/shipments/${tenant.shipmentId}`, merchant),
    settings: await read('notification', '/v1/settings', merchant),
    tracking: await read('tracking', `/v1/orders/${tenant.orderId}`, merchant),
  };
}
