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
import { mapUspsEvent, USPS_EVENT_CODES, USPS_EVENT_PHRASES } from './status-mapping';

const poll = (number: string, status: number, body: string) =>
  adapter.parsePollResponse!(number, status, body);
const webhook = (body: string): WebhookRequest => ({ rawBody: Buffer.from(body), headers: {} });

describe('usps adapter', () => {
  it('is the usps carrier and documents how its notifications are relayed', () => {
    expect(adapter.id).toBe('usps');
    expect(adapter.displayName).toBe('USPS');
    expect(adapter.webhookScheme).toMatch(/X-Tracking-Signature/);
  });

  describe('webhook verification (platform timestamped scheme)', () => {
    itVerifiesTimestampedWebhooks(adapter, fixture(__dirname, 'notification.json'));
  });

  describe('Tracking 3.0 polling', () => {
    it('builds the documented DETAIL request with a bearer token', () => {
      expect(adapter.pollRequest!('9400 1112 0255 5842 3326 69', { apiKey: 'tok' })).toEqual({
        method: 'GET',
        path: '/tracking/v3/tracking/9400111202555842332669?expand=DETAIL',
        headers: { Authorization: 'Bearer tok', Accept: 'application/json' },
      });
      expect(() => adapter.pollRequest!('9400111202555842332669', {})).toThrow(/access token/);
    });

    it('reads a delivered journey with where it was left and who signed', () => {
      const report = poll('9400111202555842332669', 200, fixture(__dirname, 'tracking-delivered.json'));
      expect(report).toMatchObject({ trackingNumber: '9400111202555842332669', notFound: false });
      expectWellFormedScans(report.scans);
      expect(stateRows(report)).toEqual([
        ['01', 'DELIVERED', undefined],
        ['OF', 'OUT_FOR_DELIVERY', undefined],
        ['07', 'IN_TRANSIT', undefined],
        ['10', 'IN_TRANSIT', undefined],
        ['03', 'PICKED_UP', undefined],
        ['GX', 'INFO_RECEIVED', undefined],
      ]);
      expect(report.scans.map((s) => [s.occurredAt, s.occurredAtResolution])).toEqual([
        ['2024-04-05T16:55:00Z', 'offset'],
        // No GMT fields: read on Massachusetts (Eastern daylight) time.
        ['2024-04-05T10:10:00Z', 'location-time-zone'],
        // GMTTimestamp without GMTOffset: the offset is the difference of the two.
        ['2024-04-05T09:02:00Z', 'offset'],
        ['2024-04-05T01:47:00Z', 'offset'],
        ['2024-04-03T19:20:00Z', 'offset'],
        ['2024-04-03T13:14:00Z', 'offset'],
      ]);
      const location = { city: 'FALMOUTH', region: 'MA', postalCode: '02540', countryCode: 'US' };
      expect(report.scans[0]).toEqual({
        trackingNumber: '9400111202555842332669',
        state: 'DELIVERED',
        rawCode: '01',
        rawDescription: 'Delivered, Front Door/Porch',
        occurredAt: '2024-04-05T16:55:00Z',
        occurredAtText: '2024-04-05T12:55:00',
        occurredAtResolution: 'offset',
        location,
        proofOfDelivery: { signedBy: 'J SMITH', leftAt: 'Front Door/Porch', location },
      });
    });

    it('reads a failed attempt, pickup at the post office, an address issue and a return to sender', () => {
      const report = poll('9405803699300124287899', 200, fixture(__dirname, 'tracking-exceptions.json'));
      expectWellFormedScans(report.scans);
      expect(stateRows(report)).toEqual([
        ['09', 'RETURNING', undefined],
        ['25', 'EXCEPTION', 'ADDRESS_ISSUE'],
        ['16', 'AVAILABLE_FOR_PICKUP', undefined],
        ['56', 'DELIVERY_ATTEMPTED', 'RECIPIENT_UNAVAILABLE'],
        ['OF', 'OUT_FOR_DELIVERY', undefined],
        ['OA', 'PICKED_UP', undefined],
      ]);
    });

    it('reads an international item held in customs, and scans abroad in their own zone', () => {
      const report = poll('LZ123456785CN', 200, fixture(__dirname, 'tracking-international.json'));
      expectWellFormedScans(report.scans);
      expect(stateRows(report)).toEqual([
        ['', 'EXCEPTION', 'CUSTOMS_HOLD'],
        ['10', 'IN_TRANSIT', undefined],
        ['10', 'IN_TRANSIT', undefined],
        ['03', 'PICKED_UP', undefined],
      ]);
      expect(
        report.scans.map((s) => [s.occurredAt, s.occurredAtResolution, s.location?.countryCode]),
      ).toEqual([
        ['2024-03-12T20:35:00Z', 'offset', 'US'],
        // "ISC CHICAGO IL (USPS)" with no state: the US spans zones, so UTC is assumed.
        ['2024-03-11T23:58:00Z', 'utc-assumed', 'US'],
        ['2024-03-09T00:30:00Z', 'location-time-zone', 'CN'],
        ['2024-03-08T08:05:00Z', 'location-time-zone', 'CN'],
      ]);
    });

    it('reports USPS error 150002 as notFound', () => {
      expect(poll('9400111899223344556677', 400, fixture(__dirname, 'tracking-not-found.json'))).toEqual({
        trackingNumber: '9400111899223344556677',
        notFound: true,
        scans: [],
      });
      const notFound = { error: { code: '404', message: 'Tracking number not found' } };
      expect(poll('9400111899223344556677', 404, JSON.stringify(notFound)).notFound).toBe(true);
    });

    it('throws CarrierUnavailableError for 5xx and 429, CarrierAuthenticationError for 401', () => {
      expect(() => poll('9400111202555842332669', 502, '<html>Bad gateway</html>')).toThrow(
        CarrierUnavailableError,
      );
      expect(() => poll('9400111202555842332669', 429, '{}')).toThrow(CarrierUnavailableError);
      expect(() => poll('9400111202555842332669', 401, '{}')).toThrow(CarrierAuthenticationError);
    });

    it('throws CarrierPayloadError for anything undocumented', () => {
      expect(() => poll('9400111202555842332669', 200, '<html>Access Denied</html>')).toThrow(/not JSON/);
      // A SUMMARY answer (no trackingEvents) is not what the DETAIL request documents.
      expect(() =>
        poll('9400111202555842332669', 200, '{"trackingNumber":"1","eventSummaries":["x"]}'),
      ).toThrow(/trackingEvents must be an array/);
      expect(() => poll('9400111202555842332669', 200, '[]')).toThrow(/body must be an object/);
      expect(() =>
        poll('9400111202555842332669', 400, '{"error":{"code":"400","message":"Bad Request"}}'),
      ).toThrow(CarrierPayloadError);
      expect(() =>
        poll(
          '9400111202555842332669',
          200,
          '{"trackingEvents":[{"eventType":"Delivered","eventCode":"01"}]}',
        ),
      ).toThrow(/eventTimestamp must be a non-empty string/);
      expect(() =>
        poll(
          '9400111202555842332669',
          200,
          '{"trackingEvents":[{"eventCode":"01","eventTimestamp":"April 5"}]}',
        ),
      ).toThrow(/is not an ISO 8601 date-time/);
    });
  });

  describe('Subscriptions - Tracking notifications', () => {
    it('reads the tracking object of a notification', () => {
      const reports = adapter.parseWebhook(webhook(fixture(__dirname, 'notification.json')));
      expect(reports).toEqual([
        {
          trackingNumber: '9400111202555842332669',
          notFound: false,
          scans: [
            expect.objectContaining({
              state: 'OUT_FOR_DELIVERY',
              rawCode: 'OF',
              occurredAt: '2024-04-05T10:10:00Z',
              occurredAtResolution: 'offset',
            }),
          ],
        },
      ]);
    });

    it('takes an array of tracking objects', () => {
      const one = JSON.parse(fixture(__dirname, 'notification.json')) as unknown;
      expect(adapter.parseWebhook(webhook(JSON.stringify([one, one])))).toHaveLength(2);
    });

    it('rejects a notification without a tracking number or events', () => {
      expect(() => adapter.parseWebhook(webhook('{"trackingEvents":[]}'))).toThrow(/trackingNumber/);
      expect(() => adapter.parseWebhook(webhook('{"trackingNumber":"9400111202555842332669"}'))).toThrow(
        /trackingEvents must be an array/,
      );
    });
  });

  describe('status mapping', () => {
    it('maps every documented event code to a canonical state and reason', () => {
      expectCanonicalTable(USPS_EVENT_CODES);
      expectCanonicalTable(
        Object.fromEntries(USPS_EVENT_PHRASES.map(([pattern, mapping]) => [pattern.source, mapping])),
      );
    });

    it('falls back to the event wording, then to in transit, keeping unknown codes readable', () => {
      expect(mapUspsEvent('of', 'Out for Delivery')).toEqual({ state: 'OUT_FOR_DELIVERY' });
      expect(mapUspsEvent('Q7', 'Delivered, In/At Mailbox')).toEqual({ state: 'DELIVERED' });
      expect(mapUspsEvent(undefined, 'Held in Customs')).toEqual({
        state: 'EXCEPTION',
        reason: 'CUSTOMS_HOLD',
      });
      expect(mapUspsEvent('Q7', 'Departed USPS Regional Facility')).toEqual({ state: 'IN_TRANSIT' });
      expect(mapUspsEvent(undefined, undefined)).toEqual({ state: 'IN_TRANSIT' });
    });
  });
});
