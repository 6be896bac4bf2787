import {
  CARRIERS,
  CARRIER_CODES,
  carrierTrackingUrl,
  isCarrierCode,
  normalizeTrackingNumber,
} from './carriers';

describe('carriers', () => {
  it('lists the supported carriers with their display names', () => {
    expect(CARRIERS.map(({ code, name }) => [code, name])).toEqual([
      ['ups', 'UPS'],
      ['usps', 'USPS'],
      ['fedex', 'FedEx'],
      ['dhl', 'DHL Express'],
    ]);
    expect(CARRIER_CODES).toEqual(['ups', 'usps', 'fedex', 'dhl']);
    expect(Object.isFrozen(CARRIERS)).toBe(true);
  });

  it('recognises carrier codes exactly', () => {
    expect(isCarrierCode('ups')).toBe(true);
    expect(isCarrierCode('UPS')).toBe(false);
    expect(isCarrierCode('toString')).toBe(false);
    expect(isCarrierCode(undefined)).toBe(false);
  });

  it('builds the public tracking page of each carrier from a normalized number', () => {
    expect(carrierTrackingUrl('ups', '1z999aa1 0123456784')).toBe(
      'https://www.ups.com/track?tracknum=1Z999AA10123456784',
    );
    expect(carrierTrackingUrl('usps', '9400 1112 0255 5842 3326 69')).toBe(
      'https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111202555842332669',
    );
    expect(carrierTrackingUrl('fedex', '986578788855')).toBe(
      'https://www.fedex.com/fedextrack/?trknbr=986578788855',
    );
    expect(carrierTrackingUrl('dhl', '3318810025')).toBe(
      'https://www.dhl.com/en/express/tracking.html?AWB=3318810025',
    );
  });

  it('encodes whatever is left after normalizing, so the URL cannot be bent', () => {
    expect(carrierTrackingUrl('ups', '1Z&x=1')).toBe('https://www.ups.com/track?tracknum=1Z%26X%3D1');
  });

  it('normalizes by trimming, dropping spaces and dashes, and uppercasing', () => {
    expect(normalizeTrackingNumber('  1z 999-aa1\u20130123456784\n')).toBe('1Z999AA10123456784');
    expect(normalizeTrackingNumber('\u00a09400 1112\u00a00255')).toBe('940011120255');
    expect(normalizeTrackingNumber('1Z.99')).toBe('1Z.99');
  });
});
