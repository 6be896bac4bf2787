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
import { mapUpsStatus, UPS_PACKAGE_STATUSES, UPS_STATUS_TYPES } from './status-mapping';

const poll = (number: string, status: number, body: string) =>
  adapter.parsePollResponse!(number, status, body);
const webhook = (body: unknown): WebhookRequest => ({
  rawBody: Buffer.from(JSON.stringify(body)),
  headers: {},
});
const alertEvents = JSON.parse(fixture(__dirname, 'alert-events.json')) as Array<Record<string, unknown>>;

describe('ups adapter', () => {
  it('is the ups carrier and explains why its pushes are relayed and signed', () => {
    expect(adapter.id).toBe('ups');
    expect(adapter.displayName).toBe('UPS');
    expect(adapter.webhookScheme).toMatch(/credential/);
    expect(adapter.webhookScheme).toMatch(/X-Tracking-Signature/);
  });

  describe('webhook verification (platform timestamped scheme)', () => {
    itVerifiesTimestampedWebhooks(adapter, JSON.stringify(alertEvents[4]));
  });

  describe('Track Alert webhooks', () => {
    const parseOne = (event: unknown) => {
      const reports = adapter.parseWebhook(webhook(event));
      expect(reports).toHaveLength(1);
      expect(reports[0]!.notFound).toBe(false);
      expect(reports[0]!.scans).toHaveLength(1);
      return reports[0]!.scans[0]!;
    };

    it('maps each documented message of a journey to its milestone', () => {
      const scans = alertEvents.map(parseOne);
      expectWellFormedScans(scans);
      expect(stateRows(scans)).toEqual([
        ['MP', 'INFO_RECEIVED', undefined],
        ['OR', 'IN_TRANSIT', undefined],
        ['YP', 'IN_TRANSIT', undefined],
        ['OT', 'OUT_FOR_DELIVERY', undefined],
        ['FS', 'DELIVERED', undefined],
        ['UA', 'EXCEPTION', 'ADDRESS_ISSUE'],
      ]);
    });

    it('normalizes the tracking number (UPS sends one with a leading space)', () => {
      expect(parseOne(alertEvents[0]).trackingNumber).toBe('1ZABCXYZ0112346789');
    });

    it('resolves the local time with the offset implied by the GMT time, keeping the original text', () => {
      expect(parseOne(alertEvents[1])).toMatchObject({
        occurredAt: '2024-04-23T01:29:01Z',
        occurredAtText: '20240422 212901',
        occurredAtResolution: 'offset',
        location: { city: 'Hickory', region: 'NC', countryCode: 'US' },
        rawDescription: 'On the Way',
        carrierEstimatedDelivery: '2024-04-23',
      });
    });

    it('falls back to the state time zone when the GMT time is missing', () => {
      const { gmtActivityDate: _date, gmtActivityTime: _time, ...local } = alertEvents[3]!;
      expect(parseOne(local)).toMatchObject({
        occurredAt: '2024-04-23T13:15:19Z',
        occurredAtText: '20240423 091519',
        occurredAtResolution: 'location-time-zone',
      });
    });

    it('keeps the delivery photo and place of a delivery', () => {
      expect(parseOne(alertEvents[4])).toMatchObject({
        state: 'DELIVERED',
        occurredAt: '2024-04-23T13:50:04Z',
        location: { city: 'CHARLOTTE', region: 'NC', postalCode: '28209', countryCode: 'US' },
        proofOfDelivery: { photoUrl: expect.stringMatching(/^data:image\/png;base64,iVBOR/) },
      });
    });

    it('takes an array of events as one report per tracking number', () => {
      const reports = adapter.parseWebhook(webhook(alertEvents));
      expect(reports.map((r) => [r.trackingNumber, r.scans.length])).toEqual([
        ['1ZABCXYZ0112346789', 5],
        ['1ZCIETST0422222228', 1],
      ]);
    });

    it('rejects bodies that are not Track Alert events', () => {
      expect(() => adapter.parseWebhook({ rawBody: Buffer.from('<html></html>'), headers: {} })).toThrow(
        CarrierPayloadError,
      );
      expect(() => adapter.parseWebhook(webhook({ trackingNumber: '1Z12345E6605272234' }))).toThrow(
        /activityStatus must be an object/,
      );
      const { localActivityDate: _date, ...undated } = alertEvents[1]!;
      expect(() => adapter.parseWebhook(webhook(undated))).toThrow(/localActivityDate/);
    });
  });

  describe('Track API polling', () => {
    it('builds the documented GET with a bearer token and per-request transaction headers', () => {
      const request = adapter.pollRequest!('1z 12345e 6605272234', { apiKey: 'token-123' });
      expect(request).toEqual({
        method: 'GET',
        path: '/api/track/v1/details/1Z12345E6605272234?locale=en_US&returnSignature=true',
        headers: {
          Authorization: 'Bearer token-123',
          transId: expect.stringMatching(/^[0-9a-f]{32}$/),
          transactionSrc: 'carrier-ingest',
          Accept: 'application/json',
        },
      });
      expect(adapter.pollRequest!('1Z12345E6605272234', { apiKey: 't' }).headers.transId).not.toBe(
        request.headers.transId,
      );
      expect(() => adapter.pollRequest!('1Z12345E6605272234', {})).toThrow(/access token/);
    });

    it('reads a delivered journey from label to delivery with proof of delivery', () => {
      const report = poll('1Z12345E6605272234', 200, fixture(__dirname, 'track-delivered.json'));
      expect(report.trackingNumber).toBe('1Z12345E6605272234');
      expect(report.notFound).toBe(false);
      expectWellFormedScans(report.scans);
      expect(stateRows(report)).toEqual([
        ['FS', 'DELIVERED', undefined],
        ['OT', 'OUT_FOR_DELIVERY', undefined],
        ['AR', 'IN_TRANSIT', undefined],
        ['DP', 'IN_TRANSIT', undefined],
        ['PU', 'PICKED_UP', undefined],
        ['MP', 'INFO_RECEIVED', undefined],
      ]);
      expect(report.scans.map((s) => [s.occurredAt, s.occurredAtResolution])).toEqual([
        ['2024-04-23T13:50:04Z', 'offset'],
        ['2024-04-23T11:13:56Z', 'offset'],
        ['2024-04-23T07:12:00Z', 'location-time-zone'],
        ['2024-04-23T02:54:00Z', 'offset'],
        ['2024-04-22T21:45:00Z', 'offset'],
        ['2024-04-22T13:12:30Z', 'offset'],
      ]);
      const delivered = report.scans[0]!;
      expect(delivered).toMatchObject({
        rawDescription: 'DELIVERED ',
        occurredAtText: '20240423 095004',
        location: { city: 'ATLANTA', region: 'GA', postalCode: '30309', countryCode: 'US' },
        proofOfDelivery: {
          signedBy: 'J SMITH',
          leftAt: 'Front Door',
          signatureUrl: expect.stringMatching(/^data:image\/gif;base64,R0lGOD/),
          photoUrl: expect.stringMatching(/^data:image\/jpeg;base64,\/9j\//),
        },
      });
      expect(delivered.carrierEventId).toBeUndefined();
      expect(report.scans.filter((s) => s.proofOfDelivery)).toHaveLength(1);
    });

    it('reads a failed attempt, an address issue, a customs hold and a return to sender', () => {
      const report = poll('1Z5R89390357567127', 200, fixture(__dirname, 'track-exceptions.json'));
      expectWellFormedScans(report.scans);
      expect(stateRows(report)).toEqual([
        ['RS', 'RETURNED', undefined],
        ['RT', 'RETURNING', undefined],
        ['UA', 'EXCEPTION', 'ADDRESS_ISSUE'],
        ['48', 'DELIVERY_ATTEMPTED', undefined],
        ['CZ', 'EXCEPTION', 'CUSTOMS_HOLD'],
        ['OR', 'IN_TRANSIT', undefined],
        ['MP', 'INFO_RECEIVED', undefined],
      ]);
      // An origin scan in Ontario without GMT fields is read on Toronto time (EST in November).
      expect(report.scans[5]).toMatchObject({
        occurredAt: '2024-11-07T01:11:00Z',
        occurredAtResolution: 'location-time-zone',
        location: { city: 'Mississauga', region: 'ON', countryCode: 'CA' },
      });
    });

    it('reads a parcel waiting at an Access Point, whose status code overrides its delivered type', () => {
      const report = poll('1ZWX0692YP40636269', 200, fixture(__dirname, 'track-access-point.json'));
      expect(stateRows(report)).toEqual([
        ['2Q', 'AVAILABLE_FOR_PICKUP', undefined],
        ['OT', 'OUT_FOR_DELIVERY', undefined],
      ]);
      expect(report.scans[1]).toMatchObject({
        occurredAt: '2024-07-08T15:10:00Z',
        occurredAtResolution: 'location-time-zone',
      });
    });

    it('reports the documented not-found answers as notFound', () => {
      expect(poll('1Z999AA10123456784', 404, fixture(__dirname, 'track-not-found.json'))).toEqual({
        trackingNumber: '1Z999AA10123456784',
        notFound: true,
        scans: [],
      });
      const warning = {
        trackResponse: {
          shipment: [
            {
              inquiryNumber: '1Z999AA10123456784',
              warnings: [{ code: 'TW0001', message: 'Tracking Information Not Found' }],
            },
          ],
        },
      };
      expect(poll('1Z999AA10123456784', 200, JSON.stringify(warning))).toMatchObject({
        notFound: true,
        scans: [],
      });
    });

    it('throws CarrierUnavailableError for 5xx and 429 so the service retries', () => {
      expect(() => poll('1Z999AA10123456784', 503, '{"response":{"errors":[]}}')).toThrow(
        CarrierUnavailableError,
      );
      expect(() => poll('1Z999AA10123456784', 500, '<html>oops</html>')).toThrow(CarrierUnavailableError);
      expect(() => poll('1Z999AA10123456784', 429, '')).toThrow(CarrierUnavailableError);
    });

    it('throws CarrierAuthenticationError for refused credentials', () => {
      expect(() => poll('1Z999AA10123456784', 401, '{}')).toThrow(CarrierAuthenticationError);
    });

    it('throws CarrierPayloadError for anything undocumented', () => {
      expect(() => poll('1Z999AA10123456784', 200, '<html><body>Service page</body></html>')).toThrow(
        /ups: Track API answer \(HTTP 200\) is not JSON/,
      );
      expect(() => poll('1Z999AA10123456784', 200, '{}')).toThrow(/trackResponse must be an object/);
      expect(() => poll('1Z999AA10123456784', 200, '{"trackResponse":{"shipment":{}}}')).toThrow(
        /trackResponse.shipment must be an array/,
      );
      expect(() =>
        poll(
          '1Z999AA10123456784',
          200,
          '{"trackResponse":{"shipment":[{"package":[{"trackingNumber":"1Z"}]}]}}',
        ),
      ).toThrow(/activity must be an array/);
      expect(() => poll('1Z999AA10123456784', 200, '{"trackResponse":{"shipment":[{}]}}')).toThrow(
        /neither packages nor a not-found warning/,
      );
      expect(() => poll('1Z999AA10123456784', 400, '{"response":{"errors":[{"code":"150028"}]}}')).toThrow(
        CarrierPayloadError,
      );
    });
  });

  describe('status mapping', () => {
    it('maps every documented type and package status to a canonical state and reason', () => {
      expectCanonicalTable(UPS_STATUS_TYPES);
      expectCanonicalTable(UPS_PACKAGE_STATUSES);
    });

    it('prefers the package status, pads short ones and falls back to the type', () => {
      expect(mapUpsStatus({ type: 'X', statusCode: '022' })).toEqual({ state: 'DELIVERY_ATTEMPTED' });
      expect(mapUpsStatus({ type: 'D', statusCode: '11' })).toEqual({ state: 'DELIVERED' });
      expect(mapUpsStatus({ type: 'X', code: 'ZZ', statusCode: '999' })).toEqual({
        state: 'EXCEPTION',
        reason: 'OTHER',
      });
      expect(mapUpsStatus({ type: 'm' })).toEqual({ state: 'INFO_RECEIVED' });
      expect(mapUpsStatus({ type: 'QQ', statusCode: 'constructor' })).toEqual({ state: 'IN_TRANSIT' });
      expect(mapUpsStatus({})).toEqual({ state: 'IN_TRANSIT' });
    });
  });
});
