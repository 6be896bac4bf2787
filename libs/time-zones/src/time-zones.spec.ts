import { candidateTimeZones, timeZoneOf } from './time-zones';

describe('timeZoneOf', () => {
  it.each([
    ['US', 'CA', 'America/Los_Angeles'],
    ['US', 'New York', 'America/New_York'],
    ['us', ' new  york ', 'America/New_York'],
    ['US', 'TX', 'America/Chicago'],
    ['US', 'hawaii', 'Pacific/Honolulu'],
    ['AU', 'WA', 'Australia/Perth'],
    ['CA', 'BC', 'America/Vancouver'],
    ['BR', 'AM', 'America/Manaus'],
  ])('reads %s %p in its region’s zone, %s', (countryCode, region, zone) => {
    expect(timeZoneOf({ countryCode, region })).toBe(zone);
  });

  it.each([
    ['CA', 'Saskatchewan', 'America/Regina'],
    ['AU', 'Western Australia', 'Australia/Perth'],
    ['BR', 'CE', 'America/Fortaleza'],
    ['US', 'GU', 'Pacific/Guam'],
    ['US', 'VI', 'America/St_Thomas'],
  ])(
    'knows every region by its code and English name where it has them: %s %p',
    (countryCode, region, zone) => {
      expect(timeZoneOf({ countryCode, region })).toBe(zone);
    },
  );

  it.each([
    ['US', 'America/New_York'],
    ['CA', 'America/Toronto'],
    ['AU', 'Australia/Sydney'],
    ['BR', 'America/Sao_Paulo'],
    ['RU', 'Europe/Moscow'],
    ['MX', 'America/Mexico_City'],
    ['ID', 'Asia/Jakarta'],
    ['AR', 'America/Argentina/Buenos_Aires'],
    ['CN', 'Asia/Shanghai'],
    ['ES', 'Europe/Madrid'],
    ['GL', 'America/Nuuk'],
    ['KI', 'Pacific/Tarawa'],
    ['PF', 'Pacific/Tahiti'],
    ['PG', 'Pacific/Port_Moresby'],
  ])(
    'reads a multi-zone country without its region, %s, in its most populous zone, %s',
    (countryCode, zone) => {
      expect(timeZoneOf({ countryCode })).toBe(zone);
      expect(timeZoneOf({ countryCode, region: '' })).toBe(zone);
      expect(timeZoneOf({ countryCode, region: 'ZZ' })).toBe(zone);
    },
  );

  it.each([
    ['vn', 'Asia/Ho_Chi_Minh'],
    ['GB', 'Europe/London'],
    ['DE', 'Europe/Berlin'],
    ['JP', 'Asia/Tokyo'],
    ['FR', 'Europe/Paris'],
  ])('reads %s in its zone, %s', (countryCode, zone) => {
    expect(timeZoneOf({ countryCode })).toBe(zone);
  });

  it('ignores a region where the country has no region table', () => {
    expect(timeZoneOf({ countryCode: 'GB', region: 'Greater London' })).toBe('Europe/London');
    expect(timeZoneOf({ countryCode: 'ES', region: 'Canarias' })).toBe('Europe/Madrid');
  });

  it('prefers a zone of the country itself over one it only shares, whatever tzdb lists first', () => {
    // Vietnam's list is [Asia/Bangkok, Asia/Ho_Chi_Minh]: Bangkok is Thailand's. Micronesia's
    // starts with Guadalcanal, the Solomon Islands'.
    expect(timeZoneOf({ countryCode: 'VN' })).toBe('Asia/Ho_Chi_Minh');
    expect(timeZoneOf({ countryCode: 'FM' })).toBe('Pacific/Kosrae');
  });

  it('takes the zone a country shares when it has no other', () => {
    expect(timeZoneOf({ countryCode: 'KH' })).toBe('Asia/Bangkok');
  });

  it.each([[''], [undefined], [null], ['XX'], ['Vietnam'], ['HM']])('has no zone for %p', (countryCode) => {
    expect(timeZoneOf({ countryCode, region: 'CA' })).toBeUndefined();
  });

  it('gives no zone the runtime cannot use', () => {
    jest.isolateModules(() => {
      const { timeZoneOf: isolated } = jest.requireActual<typeof import('./time-zones')>('./time-zones');
      const DateTimeFormat = Intl.DateTimeFormat;
      const spy = jest.spyOn(Intl, 'DateTimeFormat').mockImplementation((locales, options) => {
        if (options?.timeZone === 'America/Nuuk') throw new RangeError('Invalid time zone specified');
        return new DateTimeFormat(locales, options);
      });
      try {
        expect(isolated({ countryCode: 'GL' })).toBeUndefined();
        expect(isolated({ countryCode: 'JP' })).toBe('Asia/Tokyo');
      } finally {
        spy.mockRestore();
      }
    });
  });
});

describe('candidateTimeZones', () => {
  it('is the region’s zone when the region decides it', () => {
    expect(candidateTimeZones({ countryCode: 'us', region: ' new  york ' })).toEqual(['America/New_York']);
    expect(candidateTimeZones({ countryCode: 'BR', region: 'AM' })).toEqual(['America/Manaus']);
    expect(candidateTimeZones({ countryCode: 'CA', region: 'Saskatchewan' })).toEqual(['America/Regina']);
  });

  it('is the predominant zone of a country where one zone holds nearly everyone', () => {
    expect(candidateTimeZones({ countryCode: 'ES', region: 'Canarias' })).toEqual(['Europe/Madrid']);
    expect(candidateTimeZones({ countryCode: 'CN' })).toEqual(['Asia/Shanghai']);
  });

  it('is every zone of the country otherwise, without guessing for a country split across zones', () => {
    expect(candidateTimeZones({ countryCode: 'VN' })).toEqual(expect.arrayContaining(['Asia/Ho_Chi_Minh']));
    expect(candidateTimeZones({ countryCode: 'GB' })).toEqual(['Europe/London']);
    expect(candidateTimeZones({ countryCode: 'US' }).length).toBeGreaterThan(5);
    expect(candidateTimeZones({ countryCode: 'US', region: 'ZZ' }).length).toBeGreaterThan(5);
    expect(candidateTimeZones({ countryCode: 'RU' })).toContain('Asia/Vladivostok');
  });

  it('is empty without a known country', () => {
    expect(candidateTimeZones(undefined)).toEqual([]);
    expect(candidateTimeZones({})).toEqual([]);
    expect(candidateTimeZones({ countryCode: 'ZZ' })).toEqual([]);
    expect(candidateTimeZones({ region: 'NY' })).toEqual([]);
  });
});
