import { offsetBetween, parseUtcOffset, resolveScanTime, ScanTimeError } from './scan-time';

describe('resolveScanTime', () => {
  const newYork = { city: 'New York', region: 'NY', countryCode: 'US' };

  it('reads a US Eastern local time in summer as EDT (UTC-4)', () => {
    expect(resolveScanTime('2024-07-04T12:00:00', { location: newYork })).toEqual({
      occurredAt: '2024-07-04T16:00:00Z',
      occurredAtText: '2024-07-04T12:00:00',
      occurredAtResolution: 'location-time-zone',
    });
  });

  it('reads the same wall time in winter as EST (UTC-5)', () => {
    expect(resolveScanTime('2024-01-15T12:00:00', { location: newYork })).toEqual({
      occurredAt: '2024-01-15T17:00:00Z',
      occurredAtText: '2024-01-15T12:00:00',
      occurredAtResolution: 'location-time-zone',
    });
  });

  it('reads UPS compact date and time, keeping the text exactly as given', () => {
    expect(resolveScanTime('20240704 120000', { format: 'compact', location: newYork })).toEqual({
      occurredAt: '2024-07-04T16:00:00Z',
      occurredAtText: '20240704 120000',
      occurredAtResolution: 'location-time-zone',
    });
    expect(resolveScanTime('20240704 74700', { format: 'compact', offset: '-04:00' }).occurredAt).toBe(
      '2024-07-04T11:47:00Z',
    );
    expect(resolveScanTime('20240704', { format: 'compact', offset: 'Z' }).occurredAt).toBe(
      '2024-07-04T00:00:00Z',
    );
  });

  it('uses an offset written in the text before the location', () => {
    expect(resolveScanTime('2024-07-04T12:00:00+02:00', { location: newYork })).toEqual({
      occurredAt: '2024-07-04T10:00:00Z',
      occurredAtText: '2024-07-04T12:00:00+02:00',
      occurredAtResolution: 'offset',
    });
    expect(resolveScanTime('2024-07-04T12:00:00.123Z').occurredAt).toBe('2024-07-04T12:00:00.123Z');
  });

  it('uses an offset given beside the text, but not over one written in it', () => {
    expect(resolveScanTime('2024-07-04T12:00:00', { offset: '-05:00', location: newYork })).toMatchObject({
      occurredAt: '2024-07-04T17:00:00Z',
      occurredAtResolution: 'offset',
    });
    expect(resolveScanTime('2024-07-04T12:00:00Z', { offset: '-05:00' }).occurredAt).toBe(
      '2024-07-04T12:00:00Z',
    );
    expect(resolveScanTime('2024-07-04T12:00:00', { offset: 'nonsense', location: newYork })).toMatchObject({
      occurredAt: '2024-07-04T16:00:00Z',
      occurredAtResolution: 'location-time-zone',
    });
  });

  it('reads a time in Vietnam as Indochina time (UTC+7)', () => {
    expect(
      resolveScanTime('2024-03-10T08:30:00', { location: { city: 'Ho Chi Minh City', countryCode: 'VN' } }),
    ).toEqual({
      occurredAt: '2024-03-10T01:30:00Z',
      occurredAtText: '2024-03-10T08:30:00',
      occurredAtResolution: 'location-time-zone',
    });
  });

  it('assumes UTC for an unknown place, and says so', () => {
    for (const location of [undefined, { city: 'Somewhere' }, { countryCode: 'ZZ' }]) {
      expect(resolveScanTime('2024-03-10T08:30:00', { location })).toEqual({
        occurredAt: '2024-03-10T08:30:00Z',
        occurredAtText: '2024-03-10T08:30:00',
        occurredAtResolution: 'utc-assumed',
      });
    }
  });

  it('does not guess a zone for a multi-zone country without its region', () => {
    expect(
      resolveScanTime('2024-07-04T12:00:00', { location: { countryCode: 'US' } }).occurredAtResolution,
    ).toBe('utc-assumed');
    expect(
      resolveScanTime('2024-07-04T12:00:00', { location: { countryCode: 'US', region: 'ZZ' } }),
    ).toMatchObject({
      occurredAtResolution: 'utc-assumed',
    });
  });

  it('reads multi-zone states in their predominant zone and Arizona without daylight saving', () => {
    const at = (region: string) =>
      resolveScanTime('2024-07-04T12:00:00', { location: { countryCode: 'US', region } }).occurredAt;
    expect(at('TX')).toBe('2024-07-04T17:00:00Z');
    expect(at('FL')).toBe('2024-07-04T16:00:00Z');
    expect(at('AZ')).toBe('2024-07-04T19:00:00Z');
    expect(at('California')).toBe('2024-07-04T19:00:00Z');
    expect(at('hawaii')).toBe('2024-07-04T22:00:00Z');
  });

  it('reads Canadian provinces, Australian states and single-zone or predominant-zone countries', () => {
    const at = (text: string, location: { countryCode: string; region?: string }) =>
      resolveScanTime(text, { location }).occurredAt;
    expect(at('2024-11-06T20:11:00', { countryCode: 'CA', region: 'ON' })).toBe('2024-11-07T01:11:00Z');
    expect(at('2024-07-04T12:00:00', { countryCode: 'CA', region: 'Saskatchewan' })).toBe(
      '2024-07-04T18:00:00Z',
    );
    expect(at('2024-01-15T12:00:00', { countryCode: 'AU', region: 'NSW' })).toBe('2024-01-15T01:00:00Z');
    expect(at('2024-07-01T10:00:00', { countryCode: 'DE' })).toBe('2024-07-01T08:00:00Z');
    expect(at('2024-07-01T10:00:00', { countryCode: 'CN' })).toBe('2024-07-01T02:00:00Z');
    expect(at('2024-07-01T10:00:00', { countryCode: 'GB' })).toBe('2024-07-01T09:00:00Z');
  });

  it('moves a time inside the spring-forward gap forward, and reads the repeated autumn hour as standard time', () => {
    expect(resolveScanTime('2024-03-10T02:30:00', { location: newYork }).occurredAt).toBe(
      '2024-03-10T07:30:00Z',
    );
    expect(resolveScanTime('2024-11-03T01:30:00', { location: newYork }).occurredAt).toBe(
      '2024-11-03T06:30:00Z',
    );
  });

  it('throws ScanTimeError for text that is not a time', () => {
    expect(() => resolveScanTime('yesterday')).toThrow(ScanTimeError);
    expect(() => resolveScanTime('2024-13-01T00:00:00')).toThrow(ScanTimeError);
    expect(() => resolveScanTime('2024-02-30T00:00:00', { location: newYork })).toThrow(ScanTimeError);
    expect(() => resolveScanTime('2024-04-23', { format: 'compact' })).toThrow(ScanTimeError);
  });
});

describe('offsets', () => {
  it('parses the offset spellings carriers use', () => {
    expect(parseUtcOffset('Z')).toBe(0);
    expect(parseUtcOffset('-05:00')).toBe(-300);
    expect(parseUtcOffset('+0530')).toBe(330);
    expect(parseUtcOffset('-5')).toBe(-300);
    expect(parseUtcOffset('+15:00')).toBeUndefined();
    expect(parseUtcOffset('+05:75')).toBeUndefined();
    expect(parseUtcOffset('EST')).toBeUndefined();
    expect(parseUtcOffset(undefined)).toBeUndefined();
  });

  it('derives the offset from a local and a GMT time of the same scan', () => {
    expect(offsetBetween('20240422 212901', '20240423 012901', 'compact')).toBe('-04:00');
    expect(offsetBetween('2024-04-05T12:55:00', '2024-04-05T16:55:00.000Z')).toBe('-04:00');
    expect(offsetBetween('2024-04-05T12:55:00', '2024-04-05T07:25:00Z')).toBe('+05:30');
    expect(offsetBetween('2024-04-05T12:55:10', '2024-04-05T16:55:00Z')).toBeUndefined();
    expect(offsetBetween('2024-04-05T12:55:00', 'later')).toBeUndefined();
  });
});
