import { publicView } from '../../../test/support/public-view';
import type { PublicView } from '../../domain/order-projection';
import { PAGE_MESSAGES, SUPPORTED_LOCALES, type PageLocale } from './messages/catalogue';
import { renderLiveRegion, renderNotFoundPage, renderTrackingPage, type PageContext } from './tracking-page';

function page(view: PublicView, locale: PageLocale = 'en', timeZone = 'Asia/Ho_Chi_Minh'): string {
  const context: PageContext = { locale, timeZone, token: 'token-123456789012', version: 4, nonce: 'n0nce' };
  return renderTrackingPage(view, context).markup;
}

/** The visible text of some markup, tags dropped and whitespace collapsed. */
function text(markup: string): string {
  return markup
    .replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');
}

const customsHold = (): PublicView =>
  publicView({
    status: {
      state: 'EXCEPTION',
      label: 'Exception',
      milestone: 'IN_TRANSIT',
      exception: {
        state: 'EXCEPTION',
        reason: 'CUSTOMS_HOLD',
        reasonLabel: 'Held in customs',
        occurredAt: '2026-12-13T01:00:00.000Z',
      },
      occurredAt: '2026-12-13T01:00:00.000Z',
    },
    estimatedDelivery: { from: '2026-12-14T00:00:00.000Z', to: '2026-12-16T23:59:59.999Z', late: false },
  });

describe('tracking page', () => {
  it('shows the eight milestones with the current one marked', () => {
    const markup = page(publicView());
    const steps = [
      ...markup.matchAll(/<li\s+class="step (is-\w+)"\s+data-state="(\w+)"\s*(aria-current="step")?/g),
    ];
    expect(steps.map((step) => [step[2], step[1], Boolean(step[3])])).toEqual([
      ['ORDER_RECEIVED', 'is-done', false],
      ['IN_PRODUCTION', 'is-done', false],
      ['PRODUCTION_COMPLETED', 'is-done', false],
      ['PACKED', 'is-done', false],
      ['PICKED_UP', 'is-done', false],
      ['IN_TRANSIT', 'is-current', true],
      ['OUT_FOR_DELIVERY', 'is-todo', false],
      ['DELIVERED', 'is-todo', false],
    ]);
  });

  it('reads delivery windows as calendar days and scan times in the buyer’s zone, which it names', () => {
    const shown = text(page(publicView()));
    expect(shown).toContain('Estimated delivery Mon, Dec 14 – Thu, Dec 17');
    // 07:05 UTC is 14:05 in Hanoi.
    expect(shown).toContain('Dec 12, 2026, 2:05 PM');
    expect(shown).toContain('Times are shown in Asia/Ho_Chi_Minh (GMT+7).');
    expect(text(page(publicView(), 'en', 'UTC'))).toContain('Dec 12, 2026, 7:05 AM');
  });

  it.each([
    [
      'en',
      'Your order is delayed',
      'Reason: The parcel is held in customs.',
      'New estimated delivery: Mon, Dec 14 – Wed, Dec 16',
    ],
    [
      'vi',
      'Đơn hàng của bạn bị chậm',
      'Lý do: Kiện hàng đang bị giữ tại hải quan.',
      'Dự kiến giao hàng mới:',
    ],
    ['ru', 'Заказ задерживается', 'Причина: Посылка задержана на таможне.', 'Новый срок доставки:'],
  ] as const)(
    'explains a delay in %s with the reason and the new window',
    (locale, title, reason, window) => {
      const shown = text(page(customsHold(), locale));
      expect(shown).toContain(title);
      expect(shown).toContain(reason);
      expect(shown).toContain(window);
    },
  );

  it('says why when the carrier gave no reason code', () => {
    const view = customsHold();
    view.status.exception = { ...view.status.exception!, state: 'DELIVERY_ATTEMPTED', reason: null };
    view.status.state = 'DELIVERY_ATTEMPTED';
    expect(text(page(view))).toContain('Reason: The carrier tried to deliver, but could not.');
  });

  it('says an order is late when its window passed without delivery', () => {
    const view = publicView({
      estimatedDelivery: { from: '2026-12-01T00:00:00.000Z', to: '2026-12-03T23:59:59.999Z', late: true },
    });
    const shown = text(page(view));
    expect(shown).toContain('Your order is later than estimated');
    expect(shown).toContain('The estimate was Tue, Dec 1 – Thu, Dec 3');
    expect(shown).toContain('Last update: Dec 12, 2026, 2:05 PM');
  });

  it('raises no alarm while a label waits for its first scan', () => {
    const view = publicView({
      status: {
        state: 'INFO_RECEIVED',
        label: 'Label created, awaiting carrier',
        milestone: 'PACKED',
        exception: {
          state: 'INFO_RECEIVED',
          reason: null,
          reasonLabel: null,
          occurredAt: '2026-12-10T04:00:00.000Z',
        },
        occurredAt: '2026-12-10T04:00:00.000Z',
      },
    });
    const markup = page(view);
    expect(markup).not.toContain('role="alert"');
    expect(text(markup)).toContain('Label created, waiting for the carrier');
  });

  it('tells a cancelled order plainly, without a delivery window', () => {
    const view = publicView({
      status: {
        state: 'CANCELLED',
        label: 'Cancelled',
        milestone: 'IN_PRODUCTION',
        exception: {
          state: 'CANCELLED',
          reason: null,
          reasonLabel: null,
          occurredAt: '2026-12-09T05:00:00.000Z',
        },
        occurredAt: '2026-12-09T05:00:00.000Z',
      },
      estimatedDelivery: null,
    });
    const shown = text(page(view, 'vi'));
    expect(shown).toContain('Đơn hàng này đã bị hủy');
    expect(shown).not.toContain('Dự kiến giao hàng');
  });

  it('shows when and where a delivered order was left', () => {
    const view = publicView({
      status: {
        state: 'DELIVERED',
        label: 'Delivered',
        milestone: 'DELIVERED',
        exception: null,
        occurredAt: '2026-12-15T09:30:00.000Z',
      },
      proofOfDelivery: { leftAt: 'front door', deliveredAt: '2026-12-15T09:30:00.000Z' },
    });
    const shown = text(page(view, 'ru'));
    expect(shown).toContain('Доставлен 15 дек. 2026 г., 16:30');
    expect(shown).toContain('Оставлен: front door');
  });

  it('shows facts a buyer could not tell apart once', () => {
    const base = publicView();
    const packed = (eventId: string, occurredAt: string) => ({
      ...base.history[0]!,
      eventId,
      occurredAt,
      state: 'PACKED' as const,
      label: 'Packed',
      description: 'Packed',
      source: 'production' as const,
    });
    const view = publicView({
      history: [
        base.history[0]!,
        packed('p1', '2026-12-10T04:00:00.100Z'),
        packed('p2', '2026-12-10T04:00:00.200Z'),
        packed('p3', '2026-12-11T04:00:00.000Z'),
      ],
    });
    const states = [...page(view).matchAll(/<li data-state="(\w+)">/g)].map((match) => match[1]);
    expect(states).toEqual(['PACKED', 'PACKED', 'ORDER_RECEIVED']);
  });

  it('escapes every value that came from an event', () => {
    const hostile = `<script>alert(1)</script>"'&`;
    const base = publicView();
    const view = publicView({
      orderNumber: hostile,
      buyer: { firstName: hostile, locale: 'en' },
      destination: { city: hostile, countryCode: 'VN' },
      shipments: [
        {
          ...base.shipments[0]!,
          carrier: hostile,
          trackingNumber: hostile,
          serviceLevel: hostile,
          trackingUrl: 'javascript:alert(1)',
        },
      ],
      history: base.history.map((entry) => ({ ...entry, description: hostile, location: { city: hostile } })),
      lastLocation: { city: hostile, region: hostile },
    });
    const markup = page(view);
    expect(markup.match(/<script/g)).toHaveLength(1);
    expect(markup).not.toContain('alert(1)</');
    expect(markup).not.toContain('javascript:');
    expect(markup).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
  });

  it('renders the live region alone, with the version it is current with', () => {
    const markup = renderLiveRegion(publicView(), {
      locale: 'en',
      timeZone: 'UTC',
      token: 'token-123456789012',
      version: 9,
      nonce: 'n',
    }).markup;
    expect(markup).toMatch(/^<main\s+id="live"/);
    expect(markup).toContain('data-version="9"');
    expect(markup).not.toContain('<html');
  });

  it('answers an unknown order in the buyer’s language', () => {
    const markup = renderNotFoundPage('vi', 'n').markup;
    expect(markup).toContain('<html lang="vi">');
    expect(text(markup)).toContain('Không tìm thấy đơn hàng này');
  });
});

describe('page messages', () => {
  const placeholders = (message: string) =>
    [...message.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

  it.each(SUPPORTED_LOCALES.filter((locale) => locale !== 'en'))(
    '%s has every message, with the same placeholders as English',
    (locale) => {
      const english = PAGE_MESSAGES.en as unknown as Record<string, string | Record<string, string>>;
      const other = PAGE_MESSAGES[locale] as unknown as Record<string, string | Record<string, string>>;
      for (const [key, value] of Object.entries(english)) {
        if (typeof value === 'string') {
          expect([key, placeholders(other[key] as string)]).toEqual([key, placeholders(value)]);
          expect((other[key] as string).trim()).not.toBe('');
        } else {
          for (const [code, translated] of Object.entries(other[key] as Record<string, string>)) {
            expect([key, code, translated.trim() !== '' && translated !== value[code]]).toEqual([
              key,
              code,
              true,
            ]);
          }
        }
      }
    },
  );
});
