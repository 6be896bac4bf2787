import { buyerTimeZone } from './buyer-time-zone';

describe('buyerTimeZone', () => {
  it.each([
    ['vn', 'Asia/Ho_Chi_Minh'],
    ['GB', 'Europe/London'],
    ['DE', 'Europe/Berlin'],
    ['US', 'America/New_York'],
    ['RU', 'Europe/Moscow'],
    ['JP', 'Asia/Tokyo'],
  ])('reads %s in %s', (country, zone) => {
    expect(buyerTimeZone(country)).toBe(zone);
  });

  it('prefers a zone of the country itself over one it only shares, whatever tzdb lists first', () => {
    // The list for Vietnam is [Asia/Bangkok, Asia/Ho_Chi_Minh]: Bangkok is Thailand's.
    expect(buyerTimeZone('VN')).toBe('Asia/Ho_Chi_Minh');
  });

  it('takes the zone a country shares when it has no other', () => {
    expect(buyerTimeZone('KH')).toBe('Asia/Bangkok');
  });

  it.each([[''], [undefined], [null], ['XX'], ['Vietnam']])('falls back to UTC for %p', (country) => {
    expect(buyerTimeZone(country)).toBe('UTC');
  });
});
