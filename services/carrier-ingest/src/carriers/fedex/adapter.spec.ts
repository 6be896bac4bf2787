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
import { FEDEX_EVENT_TYPES, FEDEX_EXCEPTION_REASONS, mapFedexEvent } from './status-mapping';

const poll = (number: string, status: number, body: string) =>
  adapter.parsePollResponse!(number, status, body);
const webhook = (body: string): WebhookRequest => ({ rawBody: Buffer.from(body), headers: {} });

describe('fedex adapter', () => {
  it('is the fedex carrier', () => {
    expect(adapter.id).toBe('fedex');
    expect(adapter.displayName).toBe('FedEx');
    expect(adapter.webhookScheme).toMatch(/X-Tracking-Signature/);
  });

  describe('webhook verification (platform timestamped scheme)', () => {
    itVerifiesTimestampedWebhooks(adapter, fixture(__dirname, 'webhook-event.json'));
  });

  describe('Track API polling', () => {
    it('builds the documented POST with detailed scans and a bearer token', () => {
      const request = adapter.pollRequest!('7978 0667 7146', { apiKey: 'tok' });
      expect(request).toMatchObject({
        method: 'POST',
        path: '/track/v1/trackingnumbers',
        headers: { Authorization: 'Bearer tok', 'Content-Type': 'application/json' },
      });
      expect(JSON.parse(request.body!)).toEqual({
        includeDetailedScans: true,
        trackingInfo: [{ trackingNumberInfo: { trackingNumber: '797806677146' } }],
      });
      expect(() => adapter.pollRequest!('797806677146', {})).toThrow(/access token/);
    });

    it('reads a delivered journey with its offsets and proof of delivery', () => {
      const report = poll('797806677146', 200, fixture(__dirname, 'track-delivered.json'));
      expect(report).toMatchObject({ trackingNumber: '797806677146', notFound: false });
      expectWellFormedScans(report.scans);
      expect(stateRows(report)).toEqual([
        ['DL', 'DELIVERED', undefined],
        ['OD', 'OUT_FOR_DELIVERY', undefined],
        ['AR', 'IN_TRANSIT', undefined],
        ['IT', 'IN_TRANSIT', undefined],
        ['DP', 'IN_TRANSIT', undefined],
        ['PU', 'PICKED_UP', undefined],
        ['OC', 'INFO_RECEIVED', undefined],
      ]);
      expect(report.scans.every((s) => s.occurredAtResolution === 'offset')).toBe(true);
      expect(report.scans[0]).toEqual({
        trackingNumber: '797806677146',
        state: 'DELIVERED',
        rawCode: 'DL',
        rawDescription: 'Delivered',
        occurredAt: '2024-05-14T19:32:00Z',
        occurredAtText: '2024-05-14T14:32:00-05:00',
        occurredAtResolution: 'offset',
        location: { city: 'AUSTIN', region: 'TX', postalCode: '78701', countryCode: 'US' },
        proofOfDelivery: {
          signedBy: 'M.GARCIA',
          leftAt: 'Front Door',
          location: { city: 'Austin', region: 'TX', countryCode: 'US' },
        },
      });
      expect(report.scans[6]!.location).toBeUndefined();
    });

    it('reads a customs hold, a failed attempt, an address issue and a return to shipper', () => {
      const report = poll('568838414941', 200, fixture(__dirname, 'track-exceptions.json'));
      expectWellFormedScans(report.scans);
      expect(stateRows(report)).toEqual([
        ['RS', 'RETURNING', undefined],
        ['SE', 'EXCEPTION', 'ADDRESS_ISSUE'],
        ['DE', 'DELIVERY_ATTEMPTED', 'RECIPIENT_UNAVAILABLE'],
        ['OD', 'OUT_FOR_DELIVERY', undefined],
        ['CC', 'IN_TRANSIT', undefined],
        ['CD', 'EXCEPTION', 'CUSTOMS_HOLD'],
        ['DP', 'IN_TRANSIT', undefined],
        ['PU', 'PICKED_UP', undefined],
      ]);
      expect(report.scans[7]).toMatchObject({
        occurredAt: '2024-06-14T14:02:00Z',
        location: { city: 'PARIS', postalCode: '75008', countryCode: 'FR' },
      });
      expect(report.scans[7]!.location).not.toHaveProperty('region');
    });

    it('reads a parcel ready for pickup at a FedEx location', () => {
      const report = poll('986578788855', 200, fixture(__dirname, 'track-held-at-location.json'));
      expect(stateRows(report)).toEqual([['HP', 'AVAILABLE_FOR_PICKUP', undefined]]);
    });

    it('reports TRACKING.TRACKINGNUMBER.NOTFOUND as notFound', () => {
      expect(poll('123456789012', 200, fixture(__dirname, 'track-not-found.json'))).toEqual({
        trackingNumber: '123456789012',
        notFound: true,
        scans: [],
      });
      const rejected = {
        transactionId: 'x',
        errors: [{ code: 'TRACKING.TRACKINGNUMBER.INVALID', message: 'Invalid' }],
      };
      expect(poll('123456789012', 400, JSON.stringify(rejected)).notFound).toBe(true);
    });

    it('throws CarrierUnavailableError for 5xx and 429, CarrierAuthenticationError for 401', () => {
      const busy = '{"transactionId":"x","errors":[{"code":"SERVICE.UNAVAILABLE.ERROR"}]}';
      expect(() => poll('797806677146', 503, busy)).toThrow(CarrierUnavailableError);
      expect(() => poll('797806677146', 429, '')).toThrow(CarrierUnavailableError);
      expect(() => poll('797806677146', 401, '{"errors":[{"code":"NOT.AUTHORIZED.ERROR"}]}')).toThrow(
        CarrierAuthenticationError,
      );
    });

    it('throws CarrierPayloadError for anything undocumented', () => {
      expect(() => poll('797806677146', 200, '<!DOCTYPE html><html></html>')).toThrow(/not JSON/);
      expect(() => poll('797806677146', 200, '{"output":{}}')).toThrow(
        /completeTrackResults must be an array/,
      );
      expect(() =>
        poll('797806677146', 200, '{"output":{"completeTrackResults":[{"trackingNumber":"797806677146"}]}}'),
      ).toThrow(/trackResults must be an array/);
      expect(() =>
        poll(
          '797806677146',
          200,
          '{"output":{"completeTrackResults":[{"trackingNumber":"797806677146","trackResults":[{}]}]}}',
        ),
      ).toThrow(/scanEvents must be an array/);
      const otherError = {
        output: {
          completeTrackResults: [
            {
              trackingNumber: '797806677146',
              trackResults: [{ error: { code: 'SYSTEM.UNAVAILABLE.EXCEPTION' } }],
            },
          ],
        },
      };
      expect(() => poll('797806677146', 200, JSON.stringify(otherError))).toThrow(
        /SYSTEM.UNAVAILABLE.EXCEPTION/,
      );
      expect(() => poll('797806677146', 400, '{"errors":[{"code":"BAD.REQUEST.ERROR"}]}')).toThrow(
        CarrierPayloadError,
      );
    });
  });

  describe('Advanced Integrated Visibility webhooks', () => {
    it('reads the pushed track results as one report per tracking number', () => {
      expect(adapter.parseWebhook(webhook(fixture(__dirname, 'webhook-event.json')))).toEqual([
        {
          trackingNumber: '797806677146',
          notFound: false,
          scans: [
            expect.objectContaining({
              state: 'OUT_FOR_DELIVERY',
              rawCode: 'OD',
              occurredAt: '2024-05-14T13:05:00Z',
              occurredAtResolution: 'offset',
            }),
          ],
        },
      ]);
    });

    it('rejects a push that is not the documented output', () => {
      expect(() => adapter.parseWebhook(webhook('{"trackingNumber":"797806677146"}'))).toThrow(
        /output must be an object/,
      );
    });
  });

  describe('status mapping', () => {
    it('maps every documented event type to a canonical state and reason', () => {
      expectCanonicalTable(FEDEX_EVENT_TYPES);
      expectCanonicalTable(
        Object.fromEntries(
          Object.entries(FEDEX_EXCEPTION_REASONS).map(([code, reason]) => [
            code,
            { state: 'EXCEPTION', reason },
          ]),
        ),
      );
    });

    it('takes the reason of an exception event from its exception code', () => {
      expect(mapFedexEvent('DE', '07')).toEqual({ state: 'DELIVERY_ATTEMPTED', reason: 'REFUSED' });
      expect(mapFedexEvent('DE', 'DEX03')).toEqual({ state: 'DELIVERY_ATTEMPTED', reason: 'ADDRESS_ISSUE' });
      expect(mapFedexEvent('DE', '99')).toEqual({ state: 'DELIVERY_ATTEMPTED' });
      expect(mapFedexEvent('DL', '07')).toEqual({ state: 'DELIVERED' });
      expect(mapFedexEvent('ZZ')).toEqual({ state: 'IN_TRANSIT' });
      expect(mapFedexEvent('od')).toEqual({ state: 'OUT_FOR_DELIVERY' });
    });
  });
});
