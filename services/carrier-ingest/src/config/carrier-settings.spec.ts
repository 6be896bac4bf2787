import { loadCarrierSettings } from './carrier-settings';

const pollable = new Set(['ups', 'dhl']);

describe('loadCarrierSettings', () => {
  it('reads each carrier from CARRIER_<ID>_* and leaves unconfigured carriers off', () => {
    const settings = loadCarrierSettings(
      ['ups', 'dhl', 'aggregator'],
      {
        CARRIER_UPS_POLLING: 'true',
        CARRIER_UPS_API_BASE_URL: 'https://onlinetools.ups.com/',
        CARRIER_UPS_API_KEY: 'token',
        CARRIER_UPS_RATE_LIMIT_PER_SECOND: '10',
        CARRIER_AGGREGATOR_WEBHOOK_SECRET: 'shh',
      },
      pollable,
    );

    expect(settings.get('ups')).toEqual({
      id: 'ups',
      polling: true,
      apiBaseUrl: 'https://onlinetools.ups.com',
      apiKey: 'token',
      rateLimitPerSecond: 10,
    });
    expect(settings.get('dhl')).toEqual({ id: 'dhl', polling: false, rateLimitPerSecond: 5 });
    expect(settings.get('aggregator')?.webhookSecret).toBe('shh');
  });

  it('stops the service naming every bad variable', () => {
    expect(() =>
      loadCarrierSettings(
        ['ups', 'aggregator'],
        {
          CARRIER_UPS_POLLING: 'yes please',
          CARRIER_AGGREGATOR_POLLING: 'true',
          CARRIER_AGGREGATOR_API_BASE_URL: 'ftp://example.com',
          CARRIER_UPS_RATE_LIMIT_PER_SECOND: '0',
        },
        pollable,
      ),
    ).toThrow(
      /CARRIER_UPS_POLLING must be true or false[\s\S]*CARRIER_UPS_RATE_LIMIT_PER_SECOND[\s\S]*CARRIER_AGGREGATOR_POLLING: aggregator cannot be polled[\s\S]*CARRIER_AGGREGATOR_API_BASE_URL must be an http\(s\) URL[\s\S]*CARRIER_AGGREGATOR_API_KEY is required/,
    );
  });
});
