import { buildLocation, toCountryCode } from './location';
import { buildProofOfDelivery, imageUrl, text, verbatim } from './payload';

describe('toCountryCode', () => {
  it('reads ISO alpha-2, alpha-3 and English country names as alpha-2', () => {
    expect(toCountryCode('us')).toBe('US');
    expect(toCountryCode('VNM')).toBe('VN');
    expect(toCountryCode('USA')).toBe('US');
    expect(toCountryCode('UNITED STATES')).toBe('US');
    expect(toCountryCode('Germany')).toBe('DE');
    expect(toCountryCode('Viet Nam')).toBe('VN');
    expect(toCountryCode('UK')).toBe('GB');
  });

  it('is undefined for blanks and for what is not a country', () => {
    expect(toCountryCode(undefined)).toBeUndefined();
    expect(toCountryCode('  ')).toBeUndefined();
    expect(toCountryCode('ZZ')).toBeUndefined();
    expect(toCountryCode('XYZ')).toBeUndefined();
    expect(toCountryCode('Atlantis')).toBeUndefined();
  });
});

describe('buildLocation', () => {
  it('drops blank fields and keeps coordinates only as a valid pair', () => {
    expect(
      buildLocation({ city: ' Hanoi ', region: '', country: 'VNM', latitude: 21.03, longitude: 105.85 }),
    ).toEqual({
      city: 'Hanoi',
      countryCode: 'VN',
      latitude: 21.03,
      longitude: 105.85,
    });
    expect(buildLocation({ city: 'X', latitude: 95, longitude: 10 })).toEqual({ city: 'X' });
    expect(buildLocation({ city: '', country: '' })).toBeUndefined();
  });
});

describe('payload helpers', () => {
  it('trims text but keeps verbatim values exactly as given', () => {
    expect(text('  Delivered ')).toBe('Delivered');
    expect(text(11)).toBe('11');
    expect(text('   ')).toBeUndefined();
    expect(verbatim('DELIVERED ')).toBe('DELIVERED ');
    expect(verbatim('  ')).toBeUndefined();
  });

  it('keeps links and turns base64 images into data URLs by their signature', () => {
    expect(imageUrl('https://example.com/pod.png')).toBe('https://example.com/pod.png');
    expect(imageUrl('iVBORw0KGgo=')).toBe('data:image/png;base64,iVBORw0KGgo=');
    expect(imageUrl('/9j/4AAQ')).toBe('data:image/jpeg;base64,/9j/4AAQ');
    expect(imageUrl('AAAA')).toBe('data:application/octet-stream;base64,AAAA');
    expect(imageUrl('not base64!')).toBeUndefined();
    expect(imageUrl('')).toBeUndefined();
  });

  it('builds no proof of delivery from nothing', () => {
    expect(buildProofOfDelivery({ signedBy: ' ', leftAt: undefined })).toBeUndefined();
    expect(buildProofOfDelivery({ signedBy: ' J DOE ' })).toEqual({ signedBy: 'J DOE' });
  });
});
