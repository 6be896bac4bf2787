import { IsUrl } from 'class-validator';
import { loadConfig } from './load-config';
import { PlatformConfig } from './platform-config';

class ExampleServiceConfig extends PlatformConfig {
  @IsUrl({ require_tld: false })
  PUBLIC_TRACKING_BASE_URL = 'http://localhost:3006/t';
}

const validEnv = {
  SERVICE_NAME: 'order-intake',
  PORT: '3001',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  KAFKA_BROKERS: 'localhost:9092, kafka-2:9092',
  AUTH_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nMFk=\n-----END PUBLIC KEY-----',
};

describe('loadConfig', () => {
  it('converts types and fills defaults', () => {
    const config = loadConfig(ExampleServiceConfig, validEnv);
    expect(config.PORT).toBe(3001);
    expect(config.KAFKA_BROKERS).toEqual(['localhost:9092', 'kafka-2:9092']);
    expect(config.KAFKA_IDEMPOTENT).toBe(true);
    expect(config.DATABASE_POOL_SIZE).toBe(10);
    expect(config.KAFKA_FETCH_MAX_WAIT_MS).toBe(1_000);
    expect(config.PUBLIC_TRACKING_BASE_URL).toBe('http://localhost:3006/t');
  });

  it('refuses to start naming every missing or malformed variable', () => {
    const load = (): unknown =>
      loadConfig(ExampleServiceConfig, {
        ...validEnv,
        DATABASE_URL: undefined,
        PORT: 'eighty',
        KAFKA_IDEMPOTENT: 'maybe',
        KAFKA_FETCH_MAX_WAIT_MS: '0',
      });
    expect(load).toThrow(/DATABASE_URL \(not set\)/);
    expect(load).toThrow(/PORT \(invalid\)/);
    expect(load).toThrow(/KAFKA_IDEMPOTENT \(invalid\)/);
    expect(load).toThrow(/KAFKA_FETCH_MAX_WAIT_MS \(invalid\)/);
  });

  it('requires one way to verify tokens', () => {
    expect(() => loadConfig(ExampleServiceConfig, { ...validEnv, AUTH_PUBLIC_KEY: '' })).toThrow(
      /AUTH_JWKS_URL[\s\S]*AUTH_PUBLIC_KEY/,
    );
  });

  it('treats an empty variable as unset so defaults apply', () => {
    expect(loadConfig(ExampleServiceConfig, { ...validEnv, LOG_LEVEL: '' }).LOG_LEVEL).toBe('info');
  });
});
