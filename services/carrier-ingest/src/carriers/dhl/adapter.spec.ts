import { CarrierPayloadError, type WebhookRequest } from '../carrier-adapter';
import { CarrierAuthenticationError, CarrierUnavailableError } from '../carrier-errors';
import {
  expectCanonicalTable,
  expectWellFormedScans,
  fixture,
  itVerifiesTimestampedWebhooks,
  stateRows,
} from '../carrier-test-kit';
import { adapter } from './adapter';
import { DHL_EVENT_PHRASES, DHL_EXPRESS_CHECKPOINTS, DHL_STATUS_CODES, mapDhlEvent } from './status-mapping';

const poll = (number: string, status: number, body: string) =>
  adapter.parsePollResponse!(number, status, body);
const webhook = (body: string): WebhookRequest => ({ rawBody: Buffer.from(body), headers: {} });

describe('dhl adapter', () => {
  it('is the dhl carrier', () => {
    expect(adapter.id).toBe('dhl');
    expect(adapter.displayName).toBe('DHL');
    expect(adapter.webhookScheme).toMatch(/X-Tracking-Signature/);
  });

  describe('webhook verification (platform timestamped scheme)', () => {
    itVerifiesTimestampedWebhooks(adapter, fixture(__dirname, 'push-notification.json'));
  });

  describe('Shipment Tracking - Unified polling', () => {
    it('builds the documented GET with the DHL-API-Key header', () => {
      expect(adapter.pollRequest!('3318 8100 25', { apiKey: 'key-1' })).toEqual({
        method: 'GET',
        path: '/track/shipments?trackingNumber=3318810025',
        headers: { 'DHL-API-Key': 'key-1', Accept: 'application/json' },
      });
      expect(() => adapter.pollRequest!('3318810025', {})).toThrow(/API key/);
    });

    it('reads an Express journey with local times placed by their locality, and the proof of delivery', () => {
      const report = poll('3318810025', 200, fixture(__dirname, 'shipments-express-delivered.json'));
      expect(report).toMatchObject({ trackingNumber: '3318810025', notFound: false });
      expectWellFormedScans(report.scans);
      expect(stateRows(report)).toEqual([
        ['delivered', 'DELIVERED', undefined],
        ['transit', 'OUT_FOR_DELIVERY', undefined],
        ['transit', 'IN_TRANSIT', undefined],
        ['transit', 'IN_TRANSIT', undefined],
        ['transit', 'IN_TRANSIT', undefined],
        ['transit', 'PICKED_UP', undefined],
        ['pre-transit', 'INFO_RECEIVED', undefined],
      ]);
      expect(report.scans.map((s) => [s.occurredAt, s.occurredAtResolution])).toEqual([
        ['2024-10-15T17:42:00Z', 'location-time-zone'],
        ['2024-10-15T12:14:00Z', 'location-time-zone'],
        ['2024-10-15T09:31:00Z', 'location-time-zone'],
        ['2024-10-14T23:02:00Z', 'location-time-zone'],
        ['2024-10-13T21:48:00Z', 'location-time-zone'],
        ['2024-10-13T15:20:00Z', 'location-time-zone'],
        ['2024-10-13T07:05:00Z', 'location-time-zone'],
      ]);
      expect(report.scans[0]).toEqual({
        trackingNumber: '3318810025',
        state: 'DELIVERED',
        rawCode: 'delivered',
        rawDescription: 'Delivered - Signed for by: J SMITH',
        occurredAt: '2024-10-15T17:42:00Z',
        occurredAtText: '2024-10-15T13:42:00',
        occurredAtResolution: 'location-time-zone',
        location: { city: 'NEW YORK', region: 'NY', countryCode: 'US' },
        proofOfDelivery: {
          signedBy: 'J SMITH',
          signatureUrl: expect.stringMatching(/^https:\/\/webpod\.dhl\.com\//),
          photoUrl: expect.stringMatching(/type=photo$/),
        },
      });
      expect(report.scans[2]!.location).toEqual({
        city: 'NEW YORK CITY GATEWAY',
        region: 'NEW YORK',
        countryCode: 'US',
      });
      expect(report.scans[4]!.location).toEqual({ city: 'LEIPZIG', countryCode: 'DE' });
    });

    it('reads a customs hold, a failed attempt, an address issue and a return to sender', () => {
      const report = poll(
        '00340434161094042557',
        200,
        fixture(__dirname, 'shipments-parcel-exceptions.json'),
      );
      expectWellFormedScans(report.scans);
      expect(stateRows(report)).toEqual([
        ['delivered', 'RETURNED', undefined],
        ['failure', 'RETURNING', undefined],
        ['failure', 'EXCEPTION', 'ADDRESS_ISSUE'],
        ['failure', 'DELIVERY_ATTEMPTED', 'RECIPIENT_UNAVAILABLE'],
        ['transit', 'OUT_FOR_DELIVERY', undefined],
        ['transit', 'EXCEPTION', 'CUSTOMS_HOLD'],
        ['transit', 'PICKED_UP', undefined],
        ['pre-transit', 'INFO_RECEIVED', undefined],
      ]);
      expect(report.scans[0]).toMatchObject({
        occurredAt: '2024-02-21T09:12:00Z',
        occurredAtResolution: 'offset',
        location: { city: 'Zürich', postalCode: '8005', countryCode: 'CH' },
      });
      expect(report.scans[7]!.location).toBeUndefined();
      expect(report.scans.some((s) => s.proofOfDelivery)).toBe(false);
    });

    it('reads a parcel waiting at a Packstation and its collection, with coordinates when given', () => {
      const report = poll('00340434161094042564', 200, fixture(__dirname, 'shipments-packstation.json'));
      expect(stateRows(report)).toEqual([
        ['transit', 'AVAILABLE_FOR_PICKUP', undefined],
        ['delivered', 'DELIVERED', undefined],
      ]);
      expect(report.scans[0]!.location).toEqual({
        city: 'Berlin',
        postalCode: '10117',
        countryCode: 'DE',
        latitude: 52.5163,
        longitude: 13.3777,
      });
      expect(report.scans[1]).toMatchObject({
        occurredAt: '2024-05-06T15:20:00Z',
        occurredAtResolution: 'location-time-zone',
      });
    });

    it('reports the documented 404 problem as notFound', () => {
      expect(poll('3318810036', 404, fixture(__dirname, 'not-found.json'))).toEqual({
        trackingNumber: '3318810036',
        notFound: true,
        scans: [],
      });
    });

    it('throws CarrierUnavailableError for 5xx and 429, CarrierAuthenticationError for 401', () => {
      expect(() => poll('3318810025', 429, '{"status":429,"title":"Too many requests"}')).toThrow(
        CarrierUnavailableError,
      );
      expect(() => poll('3318810025', 504, '<html>Gateway Timeout</html>')).toThrow(CarrierUnavailableError);
      expect(() => poll('3318810025', 401, '{"status":401,"title":"Unauthorized"}')).toThrow(
        CarrierAuthenticationError,
      );
    });

    it('throws CarrierPayloadError for anything undocumented', () => {
      expect(() => poll('3318810025', 200, '<html><body>maintenance</body></html>')).toThrow(/not JSON/);
      expect(() => poll('3318810025', 200, '{"shipment":[]}')).toThrow(/shipments must be an array/);
      expect(() => poll('3318810025', 200, '{"shipments":[{"id":"3318810025"}]}')).toThrow(
        /events must be an array/,
      );
      expect(() =>
        poll('3318810025', 200, '{"shipments":[{"id":"1","events":[{"timestamp":"2024-10-15T13:42:00"}]}]}'),
      ).toThrow(/no statusCode, status or description/);
      expect(() =>
        poll('3318810025', 200, '{"shipments":[{"id":"1","events":[{"statusCode":"transit"}]}]}'),
      ).toThrow(/timestamp must be a non-empty string/);
      expect(() => poll('3318810025', 400, '{"status":400,"detail":"Invalid parameter"}')).toThrow(
        CarrierPayloadError,
      );
    });
  });

  describe('Unified Push notifications', () => {
    it('reads the pushed shipments, including Express checkpoint codes', () => {
      expect(adapter.parseWebhook(webhook(fixture(__dirname, 'push-notification.json')))).toEqual([
        {
          trackingNumber: '3318810025',
          notFound: false,
          scans: [
            expect.objectContaining({
              state: 'OUT_FOR_DELIVERY',
              rawCode: 'WC',
              rawDescription: 'Shipment is out with courier for delivery',
              occurredAt: '2024-10-15T12:14:00Z',
            }),
          ],
        },
      ]);
    });

    it('rejects a push without shipments', () => {
      expect(() => adapter.parseWebhook(webhook('{"events":[]}'))).toThrow(/shipments must be an array/);
    });
  });

  describe('status mapping', () => {
    it('maps every documented status code and checkpoint to a canonical state and reason', () => {
      expectCanonicalTable(DHL_STATUS_CODES);
      expectCanonicalTable(DHL_EXPRESS_CHECKPOINTS);
      expectCanonicalTable(
        Object.fromEntries(DHL_EVENT_PHRASES.map(([pattern, mapping]) => [pattern.source, mapping])),
      );
    });

    it('prefers a checkpoint code, then the wording, then the status code', () => {
      expect(mapDhlEvent({ statusCode: 'failure', status: 'NH' })).toEqual({
        state: 'DELIVERY_ATTEMPTED',
        reason: 'RECIPIENT_UNAVAILABLE',
      });
      expect(mapDhlEvent({ statusCode: 'transit', status: 'cd', description: 'Clearance event' })).toEqual({
        state: 'EXCEPTION',
        reason: 'CUSTOMS_HOLD',
      });
      expect(mapDhlEvent({ statusCode: 'failure', description: 'Unexpected event' })).toEqual({
        state: 'EXCEPTION',
        reason: 'OTHER',
      });
      expect(mapDhlEvent({ statusCode: 'delivered', status: 'DELIVERED', description: 'JESSICA' })).toEqual({
        state: 'DELIVERED',
      });
      expect(mapDhlEvent({ statusCode: 'unknown' })).toEqual({ state: 'IN_TRANSIT' });
      expect(mapDhlEvent({ statusCode: 'something-new' })).toEqual({ state: 'IN_TRANSIT' });
    });
  });
});
