import { createHmac } from 'node:crypto';
import { CarrierPayloadError, type WebhookRequest } from '../carrier-adapter';
import { expectCanonicalTable, expectWellFormedScans, fixture, stateRows } from '../carrier-test-kit';
import { bodyDigest } from '../webhook-signature';
import { adapter } from './adapter';
import { AFTERSHIP_SUBTAGS, AFTERSHIP_TAGS, mapAfterShipStatus } from './status-mapping';

const secret = 'aftership-webhook-secret';
const now = new Date('2026-03-01T12:00:00Z');

function signed(body: string, key = secret): WebhookRequest {
  return {
    rawBody: Buffer.from(body),
    headers: {
      'content-type': 'application/json',
      'aftership-hmac-sha256': createHmac('sha256', key).update(body).digest('base64'),
    },
  };
}

const parse = (name: string) => adapter.parseWebhook(signed(fixture(__dirname, name)));

describe('aggregator adapter (AfterShip webhook format)', () => {
  it('is the aggregator, push only', () => {
    expect(adapter.id).toBe('aggregator');
    expect(adapter.pollRequest).toBeUndefined();
    expect(adapter.parsePollResponse).toBeUndefined();
    expect(adapter.webhookScheme).toMatch(/aftership-hmac-sha256/);
  });

  describe('webhook verification (aftership-hmac-sha256)', () => {
    const body = fixture(__dirname, 'webhook-delivered.json');

    it('accepts the base64 HMAC-SHA256 of the raw body, keyed for replay by the body digest', () => {
      expect(adapter.verifyWebhook(signed(body), secret, now)).toEqual({
        valid: true,
        replayKey: `body:${bodyDigest(body)}`,
      });
    });

    it('rejects a signature made with another secret', () => {
      expect(adapter.verifyWebhook(signed(body, 'not-the-secret'), secret, now)).toEqual({
        valid: false,
        reason: 'signature does not match the body',
      });
    });

    it('rejects a body changed after signing', () => {
      const request = signed(body);
      const tampered = { ...request, rawBody: Buffer.from(body.replace('D NGUYEN', 'M MALLORY')) };
      expect(adapter.verifyWebhook(tampered, secret, now)).toEqual({
        valid: false,
        reason: 'signature does not match the body',
      });
    });

    it('rejects a request without the header, or with the platform header instead', () => {
      const unsigned: WebhookRequest = {
        rawBody: Buffer.from(body),
        headers: { 'x-tracking-signature': 't=1,v1=00' },
      };
      expect(adapter.verifyWebhook(unsigned, secret, now)).toEqual({
        valid: false,
        reason: 'missing aftership-hmac-sha256 header',
      });
    });
  });

  describe('tracking updates', () => {
    it('reads a delivered journey from Vietnam, resolving local checkpoint times by country and state', () => {
      const [report, ...others] = parse('webhook-delivered.json');
      expect(others).toEqual([]);
      expect(report).toMatchObject({ trackingNumber: '8487135506', notFound: false });
      expectWellFormedScans(report!.scans);
      expect(stateRows(report!)).toEqual([
        ['InfoReceived_001', 'INFO_RECEIVED', undefined],
        ['InTransit_002', 'PICKED_UP', undefined],
        ['InTransit_007', 'IN_TRANSIT', undefined],
        ['InTransit_004', 'IN_TRANSIT', undefined],
        ['InTransit_005', 'IN_TRANSIT', undefined],
        ['OutForDelivery_001', 'OUT_FOR_DELIVERY', undefined],
        ['Delivered_003', 'DELIVERED', undefined],
      ]);
      expect(report!.scans.map((s) => [s.occurredAt, s.occurredAtResolution])).toEqual([
        ['2024-03-08T02:12:00Z', 'location-time-zone'],
        ['2024-03-08T09:40:00Z', 'location-time-zone'],
        ['2024-03-08T18:05:00Z', 'location-time-zone'],
        // Los Angeles the day before daylight saving starts (PST), then the day it does (PDT).
        ['2024-03-10T03:30:00Z', 'location-time-zone'],
        ['2024-03-10T17:15:00Z', 'location-time-zone'],
        ['2024-03-11T15:02:00Z', 'offset'],
        ['2024-03-11T20:26:00Z', 'location-time-zone'],
      ]);
      expect(report!.scans[0]!.location).toEqual({ city: 'HO CHI MINH CITY', countryCode: 'VN' });
      expect(report!.scans[6]).toEqual({
        trackingNumber: '8487135506',
        state: 'DELIVERED',
        rawCode: 'Delivered_003',
        rawDescription: 'Delivered - Signed for by: D NGUYEN',
        occurredAt: '2024-03-11T20:26:00Z',
        occurredAtText: '2024-03-11T13:26:00',
        occurredAtResolution: 'location-time-zone',
        location: {
          city: 'SAN JOSE',
          region: 'CA',
          postalCode: '95112',
          countryCode: 'US',
          latitude: 37.3382,
          longitude: -121.8863,
        },
        proofOfDelivery: { signedBy: 'D NGUYEN' },
        carrierEventId: '3c9a0b1f7e5d2c4a',
      });
    });

    it('reads a customs hold, a failed attempt, pickup point, address issue and return to sender', () => {
      const [report] = parse('webhook-exceptions.json');
      expectWellFormedScans(report!.scans);
      expect(stateRows(report!)).toEqual([
        ['InTransit_001', 'IN_TRANSIT', undefined],
        ['Exception_004', 'EXCEPTION', 'CUSTOMS_HOLD'],
        ['AttemptFail_002', 'DELIVERY_ATTEMPTED', 'RECIPIENT_UNAVAILABLE'],
        ['AvailableForPickup_001', 'AVAILABLE_FOR_PICKUP', undefined],
        ['Exception_007', 'EXCEPTION', 'ADDRESS_ISSUE'],
        ['Exception_010', 'RETURNING', undefined],
        ['Exception_011', 'RETURNED', undefined],
      ]);
      expect(report!.scans.map((s) => s.occurredAt)).toEqual([
        '2024-11-08T07:10:00Z',
        '2024-11-08T09:19:00Z',
        '2024-11-12T19:31:00Z',
        '2024-11-12T22:05:00Z',
        '2024-11-13T21:02:00Z',
        '2024-11-14T23:30:00Z',
        '2024-11-18T15:15:00Z',
      ]);
      expect(report!.scans[6]!.location).toEqual({
        city: 'Mississauga',
        region: 'ON',
        postalCode: 'L4W5M7',
        countryCode: 'CA',
      });
      expect(report!.scans.some((s) => s.proofOfDelivery)).toBe(false);
    });

    it('reports a pending tracking without checkpoints as not found, with its number normalized', () => {
      expect(parse('webhook-pending.json')).toEqual([
        { trackingNumber: '9400111899223344556677', notFound: true, scans: [] },
      ]);
    });

    it('reads an expired tracking without checkpoints as one expired scan at its update time', () => {
      expect(parse('webhook-expired.json')).toEqual([
        {
          trackingNumber: 'LZ123456785CN',
          notFound: false,
          scans: [
            {
              trackingNumber: 'LZ123456785CN',
              state: 'EXPIRED',
              rawCode: 'Expired_001',
              rawDescription: 'Expired',
              occurredAt: '2024-05-01T00:00:12Z',
              occurredAtText: '2024-05-01T00:00:12+00:00',
              occurredAtResolution: 'offset',
            },
          ],
        },
      ]);
    });

    it('rejects bodies that are not AfterShip webhooks', () => {
      const reject = (body: string) => () => adapter.parseWebhook(signed(body));
      expect(reject('<html></html>')).toThrow(CarrierPayloadError);
      expect(reject('{"event":"tracking_update"}')).toThrow(/msg must be an object/);
      expect(reject('{"msg":{"checkpoints":[]}}')).toThrow(/msg.tracking_number/);
      expect(reject('{"msg":{"tracking_number":"1","checkpoints":{}}}')).toThrow(
        /checkpoints must be an array/,
      );
      expect(reject('{"msg":{"tracking_number":"1","checkpoints":[{"tag":"InTransit"}]}}')).toThrow(
        /checkpoint_time/,
      );
    });
  });

  describe('status mapping', () => {
    it('maps every documented tag and subtag to a canonical state and reason', () => {
      expectCanonicalTable(AFTERSHIP_TAGS);
      expectCanonicalTable(AFTERSHIP_SUBTAGS);
      for (const subtag of Object.keys(AFTERSHIP_SUBTAGS)) {
        expect(Object.keys(AFTERSHIP_TAGS)).toContain(subtag.split('_')[0]);
      }
    });

    it('falls back from an unknown subtag to its tag, and from an unknown tag by its kind', () => {
      expect(mapAfterShipStatus('Exception', 'Exception_021')).toEqual({
        state: 'EXCEPTION',
        reason: 'OTHER',
      });
      expect(mapAfterShipStatus(undefined, 'Delivered_009')).toEqual({ state: 'DELIVERED' });
      expect(mapAfterShipStatus('SomethingNew', undefined)).toEqual({ state: 'IN_TRANSIT' });
      expect(mapAfterShipStatus('NewException', undefined)).toEqual({ state: 'EXCEPTION', reason: 'OTHER' });
    });
  });
});
