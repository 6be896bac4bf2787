import { Writable } from 'node:stream';
import { TrackingError } from '@tracking/errors';
import { createLogger } from './create-logger';
import { isSensitiveKey, REDACTED } from './redaction';

class CapturedLines extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }

  get records(): Array<Record<string, unknown>> {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

const buyer = {
  firstName: 'Jane',
  email: 'jane.doe@example.com',
  phone: '+44 7700 900123',
  shippingAddress: { line1: '221B Baker Street', city: 'London', postalCode: 'NW1 6XE', country: 'GB' },
};

const personalValues = [
  'jane.doe@example.com',
  '7700 900123',
  '+44 7700 900123',
  '221B Baker Street',
  'NW1 6XE',
];

function expectNoPersonalData(output: string): void {
  for (const value of personalValues) expect(output).not.toContain(value);
}

describe('createLogger', () => {
  it('prints no email, phone or address of a buyer, at any depth', () => {
    const out = new CapturedLines();
    const logger = createLogger('order-intake', 'info', out);

    logger.info(
      { order: { orderId: 'o-1', buyer }, buyers: [buyer], contact: { mobilePhone: buyer.phone } },
      'order accepted',
    );

    const output = out.lines.join('\n');
    expectNoPersonalData(output);
    const [record] = out.records;
    expect(record).toMatchObject({
      level: 'info',
      service: 'order-intake',
      msg: 'order accepted',
      order: {
        orderId: 'o-1',
        buyer: { firstName: 'Jane', email: REDACTED, phone: REDACTED, shippingAddress: REDACTED },
      },
      contact: { mobilePhone: REDACTED },
    });
  });

  it('redacts personal data inside errors and free text', () => {
    const out = new CapturedLines();
    const logger = createLogger('notification', 'info', out);
    const error = new TrackingError('CONFLICT', 'could not notify jane.doe@example.com', {
      details: { recipient: { email: buyer.email, address: buyer.shippingAddress } },
    });

    logger.error({ err: error }, `SMS to ${buyer.phone} failed`);
    logger.warn({ failure: new Error(`bounced: ${buyer.email}`) }, 'email bounced');

    expectNoPersonalData(out.lines.join('\n'));
    expect(out.records[0]).toMatchObject({
      err: { code: 'CONFLICT', details: { recipient: { email: REDACTED } } },
    });
  });

  it('redacts credentials from logged requests', () => {
    const out = new CapturedLines();
    const logger = createLogger('tracking-api', 'info', out);

    logger.info({
      req: {
        method: 'GET',
        url: '/orders',
        headers: { authorization: 'Bearer abc.def.ghi', cookie: 'sid=1' },
      },
    });

    expect(out.lines.join('\n')).not.toContain('abc.def.ghi');
    expect(out.lines.join('\n')).not.toContain('sid=1');
  });

  it('keeps operational fields that only look similar', () => {
    expect(isSensitiveKey('remoteAddress')).toBe(false);
    expect(isSensitiveKey('ipAddress')).toBe(false);
    expect(isSensitiveKey('gzip')).toBe(false);
    expect(isSensitiveKey('billing_address')).toBe(true);
    expect(isSensitiveKey('addressLine2')).toBe(true);
    expect(isSensitiveKey('zipCode')).toBe(true);
    expect(isSensitiveKey('buyerEmail')).toBe(true);
  });

  it("keeps a socket error's peer address, which names the unreachable dependency", () => {
    const out = new CapturedLines();
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5432'), {
      address: '10.0.0.7',
      port: 5432,
    });
    createLogger('order-intake', 'info', out).error(
      { err: refused, shipping: { address: '10.0.0.7 Main St' } },
      'down',
    );
    expect(out.records[0]).toMatchObject({
      err: { address: '10.0.0.7', port: 5432 },
      shipping: { address: REDACTED },
    });
  });

  it('names the component when it is not the service', () => {
    const out = new CapturedLines();
    const previous = process.env.SERVICE_NAME;
    process.env.SERVICE_NAME = 'carrier-ingest';
    try {
      createLogger('kafkajs', 'info', out).info('connected');
    } finally {
      if (previous === undefined) delete process.env.SERVICE_NAME;
      else process.env.SERVICE_NAME = previous;
    }
    expect(out.records[0]).toMatchObject({ service: 'carrier-ingest', logger: 'kafkajs', msg: 'connected' });
  });
});
