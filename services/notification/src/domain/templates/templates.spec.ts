import { SUPPORTED_LOCALES } from '../locale';
import { MESSAGE_KINDS } from '../message-kinds';
import { renderEmail, renderSms, type MessageFacts } from '../render-message';
import { smsLength } from '../sms-segments';
import { CATALOGUES, TEMPLATE_PARTS } from './catalogue';
import { renderTemplate, templateProblems } from './template';

const TRACKING_URL = 'https://track.example.com/t/3q2Lk9XbN0aVzW8yR5tUe1oPmJ7sDcHf';

function facts(partial: Partial<MessageFacts>): MessageFacts {
  return {
    kind: 'shipped',
    locale: 'en',
    buyerLocaleTag: null,
    timeZone: 'Europe/London',
    firstName: 'Ada',
    merchantName: 'Acme Prints',
    orderNumber: '#1042',
    trackingUrl: TRACKING_URL,
    feedbackUrl: TRACKING_URL,
    windowFrom: new Date('2026-12-03T10:00:00Z'),
    windowTo: new Date('2026-12-05T18:00:00Z'),
    exceptionState: 'DELIVERY_ATTEMPTED',
    reason: 'ADDRESS_ISSUE',
    override: undefined,
    ...partial,
  };
}

describe('the template language', () => {
  it('fills values, keeps a section only when its value is there, and its inverse only when it is not', () => {
    const source = 'Hi{{#name}} {{name}}{{/name}}{{^name}} there{{/name}}!';
    expect(renderTemplate(source, { name: 'Ada' })).toBe('Hi Ada!');
    expect(renderTemplate(source, { name: '' })).toBe('Hi there!');
  });

  it('names what is wrong with a template', () => {
    expect(templateProblems('{{orderNumbr}}')[0]).toContain('unknown placeholder {{orderNumbr}}');
    expect(templateProblems('{{#reason}}x')).toEqual(['{{#reason}} is never closed']);
    expect(templateProblems('{{#reason}}x{{/deliveryWindow}}')[0]).toBe(
      '{{/deliveryWindow}} closes {{#reason}}',
    );
    expect(templateProblems('{{ orderNumber }} and {{trackingUrl}}')).toEqual([]);
    expect(templateProblems('a {{ b')).toEqual(['a {{ or }} that is not a placeholder']);
  });
});

describe('the built-in templates', () => {
  it.each(SUPPORTED_LOCALES.flatMap((locale) => MESSAGE_KINDS.map((kind) => [locale, kind] as const)))(
    '%s %s: every part is valid and renders completely, email and SMS with the tracking link',
    (locale, kind) => {
      const template = CATALOGUES[locale].messages[kind];
      for (const part of TEMPLATE_PARTS) expect(templateProblems(template[part])).toEqual([]);
      const email = renderEmail(facts({ locale, kind }));
      const sms = renderSms(facts({ locale, kind }));
      for (const text of [email.subject, email.html, email.text, sms.body]) {
        expect(text).not.toMatch(/\{\{|\}\}/);
        expect(text).not.toContain('undefined');
      }
      expect(email.html).toContain(`href="${TRACKING_URL}"`);
      expect(email.text).toContain(TRACKING_URL);
      expect(sms.body).toContain(TRACKING_URL);
      // Russian is UCS-2 whatever is done; English and Vietnamese fit one segment with a 58-character link.
      expect(sms.length.segments).toBeLessThanOrEqual(locale === 'ru' ? 3 : 1);
    },
  );

  it('has every label in every language', () => {
    for (const locale of SUPPORTED_LOCALES) {
      expect(Object.keys(CATALOGUES[locale].labels.reasons).sort()).toEqual(
        Object.keys(CATALOGUES.en.labels.reasons).sort(),
      );
      expect(Object.keys(CATALOGUES[locale].labels.exceptionStates).sort()).toEqual(
        Object.keys(CATALOGUES.en.labels.exceptionStates).sort(),
      );
    }
  });

  it('formats the window in the buyer’s language and zone', () => {
    expect(renderEmail(facts({ locale: 'en', buyerLocaleTag: 'en-GB' })).text).toMatch(
      /Expected delivery: 3\s?–\s?5 Dec\./,
    );
    expect(renderEmail(facts({ locale: 'en', buyerLocaleTag: 'en-US' })).text).toMatch(
      /Expected delivery: Dec 3\s?–\s?5\./,
    );
    expect(renderEmail(facts({ windowFrom: null })).text).toContain('Expected delivery: by Dec 5.');
    expect(renderEmail(facts({ windowFrom: null, windowTo: null })).text).not.toContain('Expected delivery');
  });

  it('keeps the SMS in GSM-7 although dates are formatted with typographic dashes', () => {
    const sms = renderSms(facts({ buyerLocaleTag: 'en-US' }));
    expect(sms.body).toBe(
      `Acme Prints: order #1042 has shipped. Expected Dec 3 - 5. ${TRACKING_URL} Reply STOP to opt out`,
    );
    expect(smsLength(sms.body)).toEqual(expect.objectContaining({ encoding: 'GSM-7', segments: 1 }));
  });

  it('escapes values in HTML', () => {
    const email = renderEmail(facts({ firstName: '<img src=x onerror=alert(1)>', merchantName: 'A & B' }));
    expect(email.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(email.html).not.toContain('<img');
    expect(email.html).toContain('A &amp; B');
  });
});

describe("a merchant's template override", () => {
  const override = {
    subject: '{{merchantName}} shipped {{orderNumber}}!',
    html: '<p>Dear {{firstName}}, it is on its way.</p>{{#deliveryWindow}}<p>ETA {{deliveryWindow}}</p>{{/deliveryWindow}}',
    text: 'Dear {{firstName}}, it is on its way.',
    sms: 'Shipped {{orderNumber}}. Follow it here:',
  };

  it('shows its delivery-window section only when a window is known', () => {
    const withWindow = renderEmail(facts({ override }));
    const withoutWindow = renderEmail(facts({ override, windowFrom: null, windowTo: null }));

    expect(withWindow.html).toMatch(/<p>ETA [^<]*\d[^<]*<\/p>/);
    expect(withoutWindow.html).toContain('<p>Dear Ada, it is on its way.</p>');
    expect(withoutWindow.html).not.toContain('ETA');
  });
});
