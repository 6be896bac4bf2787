import { randomBytes } from 'node:crypto';
import {
  createTestEnvironment,
  eventually,
  interleavedMedians,
  type TestEnvironment,
} from '@tracking/testing';
import { createTrackingApiApp } from '../src/bootstrap';
import { TrackingApiConfig } from '../src/config/tracking-api.config';
import type { PublicView } from '../src/domain/order-projection';
import {
  carrierScan,
  daysAgo,
  newOrder,
  orderInTransit,
  orderPlaced,
  orderReceived,
  productionStep,
  publish,
  shipmentRegistered,
  type OrderFixture,
} from './support/tracking-facts';

/** The visible text of a page, tags, style and script dropped and whitespace collapsed. */
function visibleText(markup: string): string {
  return markup
    .replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');
}

function milestonesOf(markup: string): Array<[state: string, stage: string, current: boolean]> {
  return [
    ...markup.matchAll(/<li\s+class="step (is-\w+)"\s+data-state="(\w+)"\s*(aria-current="step")?/g),
  ].map((match) => [match[2]!, match[1]!, Boolean(match[3])]);
}

describe('tracking page', () => {
  let env: TestEnvironment<TrackingApiConfig>;

  beforeAll(async () => {
    env = await createTestEnvironment({ configClass: TrackingApiConfig, createApp: createTrackingApiApp });
  });

  afterAll(() => env?.close());

  function open(token: string, acceptLanguage?: string, query = '') {
    return env.request<string>('GET', `/track/${token}${query}`, {
      headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {},
    });
  }

  async function projected(order: OrderFixture, done: (view: PublicView) => boolean): Promise<void> {
    await eventually(async () => {
      const response = await env.request<PublicView>('GET', `/v1/track/${order.token}`);
      return response.status === 200 && done(response.body);
    });
  }

  it('shows the order in the language Accept-Language asks for, English by default', async () => {
    const order = newOrder();
    await publish(env.kafka, ...orderInTransit(order));
    await projected(order, (view) => view.status.state === 'IN_TRANSIT');

    const expected = [
      [undefined, 'en', 'In transit', 'Estimated delivery', 'Tracking history'],
      ['de-DE,de;q=0.9', 'en', 'In transit', 'Estimated delivery', 'Tracking history'],
      ['vi-VN,vi;q=0.9,en;q=0.8', 'vi', 'Đang vận chuyển', 'Dự kiến giao hàng', 'Lịch sử vận chuyển'],
      ['de, ru;q=0.7, en;q=0.3', 'ru', 'В пути', 'Ожидаемая доставка', 'История перемещений'],
    ] as const;
    for (const [header, lang, status, estimate, history] of expected) {
      const page = await open(order.token, header);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.body).toContain(`<html lang="${lang}">`);
      const text = visibleText(page.body);
      expect(text).toContain(status);
      expect(text).toContain(estimate);
      expect(text).toContain(history);
      expect(milestonesOf(page.body)).toEqual([
        ['ORDER_RECEIVED', 'is-done', false],
        ['IN_PRODUCTION', 'is-done', false],
        ['PRODUCTION_COMPLETED', 'is-done', false],
        ['PACKED', 'is-done', false],
        ['PICKED_UP', 'is-done', false],
        ['IN_TRANSIT', 'is-current', true],
        ['OUT_FOR_DELIVERY', 'is-todo', false],
        ['DELIVERED', 'is-todo', false],
      ]);
      // Vietnam is one zone; the page says which it used.
      expect(text).toContain('Asia/Ho_Chi_Minh (GMT+7)');
      expect(page.body).toContain('href="https://www.ups.com/track?tracknum=1Z999AA10123456784"');
      expect(text).toContain('Da Nang');
    }
  });

  it('opens the page from the short link that emails and SMS carry', async () => {
    const order = newOrder();
    await publish(env.kafka, ...orderInTransit(order));
    await projected(order, (view) => view.status.state === 'IN_TRANSIT');

    // order-intake hands out PUBLIC_TRACKING_BASE_URL plus the token: by default /t/<token> here.
    const short = await fetch(`${env.baseUrl}/t/${order.token}`, { redirect: 'manual' });
    expect(short.status).toBe(302);
    expect(short.headers.get('location')).toBe(`/track/${order.token}`);
    expect(short.headers.get('referrer-policy')).toBe('no-referrer');
    const followed = await fetch(`${env.baseUrl}/t/${order.token}`, {
      headers: { 'accept-language': 'vi' },
    });
    expect(followed.status).toBe(200);
    expect(visibleText(await followed.text())).toContain('Đang vận chuyển');
  });

  it('shows nothing personal beyond the first name and city', async () => {
    const order = newOrder();
    await publish(env.kafka, ...orderInTransit(order));
    // The greeting comes on the buyer-contacts topic, which may be consumed after the orders'.
    await projected(order, (view) => view.status.state === 'IN_TRANSIT' && view.buyer.firstName !== '');

    const page = await open(order.token);
    expect(visibleText(page.body)).toContain('Hi Linh');
    for (const secret of ['Nguyen', 'linh@example.com', '+84901234567', 'Ly Thuong Kiet', '100000', 'op-7']) {
      expect(page.body).not.toContain(secret);
    }
  });

  it('explains an exception with its reason and the new window, in each language', async () => {
    const order = newOrder();
    await publish(
      env.kafka,
      orderReceived(order, daysAgo(3)),
      shipmentRegistered(order, daysAgo(2)),
      carrierScan(order, daysAgo(2), 'PICKED_UP', { description: 'Picked up' }),
      carrierScan(order, daysAgo(1), 'EXCEPTION', { description: 'Held in customs', reason: 'CUSTOMS_HOLD' }),
    );
    await projected(order, (view) => view.status.state === 'EXCEPTION');

    for (const [header, title, reason, window] of [
      ['en', 'Your order is delayed', 'Reason: The parcel is held in customs.', 'New estimated delivery:'],
      [
        'vi',
        'Đơn hàng của bạn bị chậm',
        'Lý do: Kiện hàng đang bị giữ tại hải quan.',
        'Dự kiến giao hàng mới:',
      ],
      ['ru', 'Заказ задерживается', 'Причина: Посылка задержана на таможне.', 'Новый срок доставки:'],
    ]) {
      const page = await open(order.token, header);
      const notice = /<section class="notice" role="alert">([\s\S]*?)<\/section>/.exec(page.body)?.[1];
      expect(notice).toBeDefined();
      const text = visibleText(notice!);
      expect(text).toContain(title);
      expect(text).toContain(reason);
      expect(text).toMatch(new RegExp(`${window} \\S+`));
    }
  });

  it('escapes what upstream systems send: a city named <script> stays text', async () => {
    const order = newOrder();
    const hostile = `<script>alert(1)</script>`;
    await publish(
      env.kafka,
      ...orderPlaced(order, daysAgo(2), { city: hostile, firstName: `"><img src=x onerror=alert(2)>` }),
      productionStep(order, daysAgo(1), 'PACKED'),
      shipmentRegistered(order, daysAgo(1)),
      carrierScan(order, daysAgo(1), 'PICKED_UP', {
        description: `<b onmouseover="alert(3)">Picked up</b>`,
        city: hostile,
      }),
    );
    await projected(order, (view) => view.status.state === 'PICKED_UP' && view.buyer.firstName !== '');

    const page = await open(order.token);
    expect(page.body.match(/<script/g)).toHaveLength(1);
    expect(page.body).not.toMatch(/<img|<b |alert\(1\)<\//);
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(page.body).toContain('&lt;b onmouseover=&quot;alert(3)&quot;&gt;Picked up&lt;/b&gt;');
  });

  it('sends the headers of a private, script-locked page', async () => {
    const order = newOrder();
    await publish(env.kafka, orderReceived(order, daysAgo(1)));
    await projected(order, () => true);

    for (const token of [order.token, randomBytes(24).toString('base64url')]) {
      const page = await open(token);
      const policy = page.headers.get('content-security-policy') ?? '';
      const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(policy)?.[1];
      expect(nonce).toBeDefined();
      expect(policy).toContain(`default-src 'self'`);
      expect(policy).toContain(`style-src 'nonce-${nonce}'`);
      expect(policy).toContain(`frame-ancestors 'none'`);
      expect(policy).not.toContain('unsafe-inline');
      expect(page.body).toContain(`<style nonce="${nonce}">`);
      expect(page.headers.get('cache-control')).toBe('private, no-cache');
      expect(page.headers.get('x-robots-tag')).toBe('noindex');
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(page.headers.get('vary')).toContain('Accept-Language');
    }
    const found = await open(order.token);
    const nonce = /script-src 'nonce-([^']+)'/.exec(found.headers.get('content-security-policy')!)![1];
    expect(found.body).toContain(`<script nonce="${nonce}">`);
    const again = await open(order.token);
    expect(again.headers.get('content-security-policy')).not.toContain(nonce);
  });

  it('answers an unknown token with a friendly 404 page, in about the time a known one takes', async () => {
    const order = newOrder();
    await publish(env.kafka, orderReceived(order, daysAgo(1)));
    await projected(order, () => true);

    const missing = await open(randomBytes(24).toString('base64url'), 'ru');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(missing.body).toContain('<html lang="ru">');
    expect(visibleText(missing.body)).toContain('Мы не нашли этот заказ');
    expect(missing.body).not.toContain('<script');
    const malformed = await open('not-a-token%3Cscript%3E');
    expect(malformed.status).toBe(404);
    expect(malformed.body).not.toContain('<script');

    const [known, unknown] = await interleavedMedians(
      [order.token, randomBytes(24).toString('base64url')],
      (token) => open(token),
    );
    expect(unknown).toBeGreaterThanOrEqual(env.config.TRACK_RESPONSE_FLOOR_MS - 1);
    expect(Math.abs(known - unknown)).toBeLessThan(25);
  });

  it('renders the changing part alone for the live script, with the view version', async () => {
    const order = newOrder();
    await publish(env.kafka, ...orderInTransit(order));
    // All six facts: the topics are consumed concurrently, and a late one would move the version on.
    await projected(order, (view) => view.status.state === 'IN_TRANSIT' && view.history.length === 6);
    const api = await env.request('GET', `/v1/track/${order.token}`);
    const version = /^"v(\d+)"$/.exec(api.headers.get('etag') ?? '')?.[1];

    const fragment = await open(order.token, 'vi', '?fragment=live');
    expect(fragment.status).toBe(200);
    expect(fragment.body).toMatch(/^<main\s+id="live"/);
    expect(fragment.body).toContain(`data-version="${version}"`);
    expect(fragment.body).not.toContain('<html');
    expect(visibleText(fragment.body)).toContain('Đang vận chuyển');
  });
});
