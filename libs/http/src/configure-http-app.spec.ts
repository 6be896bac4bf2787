import type { AddressInfo } from 'node:net';
import { Body, Controller, Get, HttpCode, type INestApplication, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ConflictError,
  DependencyUnavailableError,
  NotFoundError,
  TrackingError,
  ValidationFailedError,
} from '@tracking/errors';
import { metricsRegistry } from '@tracking/telemetry';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Min,
  ValidateNested,
} from 'class-validator';
import fc from 'fast-check';
import { configureHttpApp } from './configure-http-app';
import { problemTypeFor } from './problem-details';

class AddressDto {
  @IsString()
  line1!: string;

  @IsString()
  postalCode!: string;
}

class BuyerDto {
  @IsEmail()
  email!: string;

  @IsString()
  @Length(1, 100)
  firstName!: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto;
}

class LineItemDto {
  @IsString()
  sku!: string;

  @IsInt()
  @Min(1)
  quantity!: number;
}

class SubmitOrderDto {
  @IsString()
  orderNumber!: string;

  // @ValidateNested alone lets a missing object through; @IsObject makes it required.
  @IsObject()
  @ValidateNested()
  @Type(() => BuyerDto)
  buyer!: BuyerDto;

  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => LineItemDto)
  lineItems!: LineItemDto[];
}

const failures: Record<string, () => unknown> = {
  'not-found': () => new NotFoundError('order', 'o-404'),
  conflict: () => new ConflictError('the order was already cancelled'),
  'dependency-unavailable': () =>
    new DependencyUnavailableError('postgresql', new Error('connect ECONNREFUSED 10.0.0.7:5432')),
  // What node-postgres throws when every pooled connection stays busy past the connect timeout.
  'pool-exhausted': () => new Error('timeout exceeded when trying to connect'),
  malformed: () => new TrackingError('MALFORMED_REQUEST', 'the cursor is not one we issued'),
  forbidden: () => new TrackingError('FORBIDDEN', 'not your order'),
  'validation-failed': () =>
    new ValidationFailedError('bad window', [{ field: 'window.end', reason: 'must follow start' }]),
  bug: () => new TypeError("Cannot read properties of undefined (reading 'secretInternalField')"),
  'malformed-event': () =>
    new TrackingError('MALFORMED_EVENT', 'payload of orders.v1 offset 42 did not decode'),
};

@Controller()
class OrdersController {
  @Post('orders')
  @HttpCode(201)
  submit(@Body() order: SubmitOrderDto): { accepted: string; firstQuantity: number; isDto: boolean } {
    return {
      accepted: order.orderNumber,
      firstQuantity: order.lineItems[0]!.quantity,
      isDto: order instanceof SubmitOrderDto,
    };
  }

  @Post('buyers')
  @HttpCode(201)
  updateBuyer(@Body('buyer') buyer: BuyerDto): { firstName: string } {
    return { firstName: buyer.firstName };
  }

  @Get('failures/:kind')
  fail(@Param('kind') kind: string): never {
    throw failures[kind]!();
  }
}

@Module({ controllers: [OrdersController] })
class HttpSpecModule {}

interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

let app: INestApplication;
let baseUrl: string;

async function send(
  method: string,
  path: string,
  body?: string,
  contentType = 'application/json',
): Promise<Reply> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': contentType },
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

const postOrder = (order: unknown): Promise<Reply> => send('POST', '/orders', JSON.stringify(order));

const validOrder = {
  orderNumber: '#1001',
  buyer: {
    email: 'jane@example.com',
    firstName: 'Jane',
    address: { line1: '1 Main St', postalCode: '10001' },
  },
  lineItems: [{ sku: 'TSHIRT-M', quantity: 2 }],
};

beforeAll(async () => {
  app = await NestFactory.create(HttpSpecModule, { logger: false });
  configureHttpApp(app);
  await app.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
});

afterAll(() => app.close());

describe('validated request bodies', () => {
  it('accepts a valid body and hands the handler a DTO instance', async () => {
    const reply = await postOrder(validOrder);
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({ accepted: '#1001', firstQuantity: 2, isDto: true });
  });

  it('names each bad field by its dotted path, nested objects and arrays included', async () => {
    const reply = await postOrder({
      ...validOrder,
      buyer: { ...validOrder.buyer, email: 'not-an-email', address: { line1: 5, postalCode: '10001' } },
      lineItems: [
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 0 },
        { sku: 7, quantity: 'two' },
      ],
    });
    expect(reply.status).toBe(422);
    expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(reply.body).toMatchObject({
      type: problemTypeFor('VALIDATION_FAILED'),
      status: 422,
      code: 'VALIDATION_FAILED',
      instance: '/orders',
    });
    const fields = (reply.body.errors as Array<{ field: string; reason: string }>).map(
      (error) => error.field,
    );
    expect(fields.sort()).toEqual(
      [
        'buyer.address.line1',
        'buyer.email',
        'lineItems.1.quantity',
        'lineItems.2.quantity',
        'lineItems.2.sku',
      ].sort(),
    );
    expect(reply.body.detail).toMatch(/5 fields are not valid/);
  });

  it('refuses wrong types, without echoing the values back', async () => {
    const reply = await postOrder({ ...validOrder, orderNumber: 1001, lineItems: 'TSHIRT-M' });
    expect(reply.status).toBe(422);
    const errors = reply.body.errors as Array<{ field: string; reason: string }>;
    expect(errors.map((error) => error.field).sort()).toEqual(['lineItems', 'orderNumber']);
    expect(JSON.stringify(reply.body)).not.toContain('TSHIRT-M');
  });

  it('refuses unknown fields at any depth instead of dropping them', async () => {
    const reply = await postOrder({
      ...validOrder,
      giftNote: 'hi',
      buyer: { ...validOrder.buyer, nickname: 'JJ' },
    });
    expect(reply.status).toBe(422);
    const fields = (reply.body.errors as Array<{ field: string }>).map((error) => error.field).sort();
    expect(fields).toEqual(['buyer.nickname', 'giftNote']);
  });

  it('refuses a nested object given as a scalar and a missing body', async () => {
    const scalarBuyer = await postOrder({ ...validOrder, buyer: 'jane' });
    expect(scalarBuyer.status).toBe(422);
    expect((scalarBuyer.body.errors as Array<{ field: string }>).map((error) => error.field)).toContain(
      'buyer',
    );

    const empty = await send('POST', '/orders');
    expect(empty.status).toBe(422);
    expect((empty.body.errors as Array<{ field: string }>).map((error) => error.field).sort()).toEqual([
      'buyer',
      'lineItems',
      'orderNumber',
    ]);
  });

  it('reports paths from the body root when a handler validates a part of the body', async () => {
    const reply = await send(
      'POST',
      '/buyers',
      JSON.stringify({ buyer: { email: 'nope', firstName: 'Jane' } }),
    );
    expect(reply.status).toBe(422);
    expect(reply.body.errors).toEqual([{ field: 'buyer.email', reason: expect.any(String) }]);
    const scalar = await send('POST', '/buyers', JSON.stringify({ buyer: 'Jane' }));
    expect(scalar.body.errors).toEqual([{ field: 'buyer', reason: 'must be a JSON object' }]);
  });

  it('refuses an array where an object belongs', async () => {
    const reply = await postOrder([validOrder]);
    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: '$', reason: 'must be a JSON object' }],
    });
  });

  it('answers malformed JSON with 400 and says so', async () => {
    const reply = await send('POST', '/orders', '{"orderNumber": "#1001",');
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'MALFORMED_REQUEST', status: 400 });
    expect(reply.body.detail).toMatch(/^The request body is not valid JSON/);
  });

  it('answers a body over the limit with 413', async () => {
    const reply = await postOrder({ ...validOrder, orderNumber: 'x'.repeat(1_100_000) });
    expect(reply.status).toBe(413);
    expect(reply.body).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      detail: 'The request body is larger than the 1mb limit.',
    });
  });

  it('answers a body that is not JSON with 415', async () => {
    const reply = await send('POST', '/orders', 'orderNumber=1001', 'application/x-www-form-urlencoded');
    expect(reply.status).toBe(415);
    expect(reply.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    const noType = await fetch(`${baseUrl}/orders`, { method: 'POST', body: Buffer.from('{}') });
    expect(noType.status).toBe(415);
  });

  it('never answers arbitrary JSON with a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const reply = await postOrder(value);
        expect(reply.status).toBeGreaterThanOrEqual(200);
        expect(reply.status).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });

  it('never answers arbitrary bytes with a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (raw) => {
        const reply = await fetch(`${baseUrl}/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: raw,
        });
        expect(reply.status).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });
});

describe('errors as problem+json', () => {
  it.each([
    ['not-found', 404, 'NOT_FOUND', 'order o-404 was not found'],
    ['conflict', 409, 'CONFLICT', 'the order was already cancelled'],
    ['malformed', 400, 'MALFORMED_REQUEST', 'the cursor is not one we issued'],
    ['forbidden', 403, 'FORBIDDEN', 'not your order'],
    ['validation-failed', 422, 'VALIDATION_FAILED', 'bad window'],
  ])('maps %s to %i', async (kind, status, code, detail) => {
    const reply = await send('GET', `/failures/${kind}`);
    expect(reply.status).toBe(status);
    expect(reply.body).toMatchObject({
      status,
      code,
      detail,
      type: problemTypeFor(code as 'NOT_FOUND'),
      instance: `/failures/${kind}`,
    });
    expect(typeof reply.body.title).toBe('string');
  });

  it('answers an unavailable dependency with 503 and Retry-After, without naming hosts', async () => {
    const reply = await send('GET', '/failures/dependency-unavailable');
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBe('5');
    expect(reply.body.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(JSON.stringify(reply.body)).not.toMatch(/10\.0\.0\.7|ECONNREFUSED|postgresql/);
  });

  it('answers a database pool exhausted at peak with 503, so clients retry instead of reporting a fault', async () => {
    const reply = await send('GET', '/failures/pool-exhausted');
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBe('5');
    expect(reply.body.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(JSON.stringify(reply.body)).not.toMatch(/timeout exceeded/);
  });

  it('answers a bug with a bare 500 that leaks nothing', async () => {
    for (const kind of ['bug', 'malformed-event']) {
      const reply = await send('GET', `/failures/${kind}`);
      expect(reply.status).toBe(500);
      expect(reply.body).toMatchObject({ code: 'INTERNAL', status: 500 });
      expect(JSON.stringify(reply.body)).not.toMatch(/secretInternalField|offset 42|TypeError|stack/);
    }
  });

  it('answers an unknown route with a problem+json 404', async () => {
    const reply = await send('GET', '/no/such/route?token=abc');
    expect(reply.status).toBe(404);
    expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(reply.body).toMatchObject({ code: 'NOT_FOUND', instance: '/no/such/route' });
  });

  it('answers an invalid percent-encoding in the path with 400', async () => {
    const reply = await send('GET', '/failures/%E0%A4%A');
    expect(reply.status).toBe(400);
  });

  it('answers a URL longer than the server takes with a problem+json 431, not a bare status line', async () => {
    const reply = await send('GET', `/no/such/route?format=${'x'.repeat(20_000)}`);
    expect(reply.status).toBe(431);
    expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(reply.body).toMatchObject({ code: 'HEADERS_TOO_LARGE', status: 431 });
  });
});

describe('request metrics', () => {
  it('records durations by route template, never by raw path', async () => {
    await send('GET', '/failures/not-found');
    const exposition = await metricsRegistry().metrics();
    expect(exposition).toMatch(
      /http_server_request_duration_seconds_count\{[^}]*route="\/failures\/:kind"[^}]*status_code="404"/,
    );
    expect(exposition).not.toContain('route="/failures/not-found"');
    expect(exposition).toMatch(/route="unmatched"/);
  });
});
