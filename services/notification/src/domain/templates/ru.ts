import type { LocaleCatalogue } from './catalogue';

const window = (lead: string) => `{{#deliveryWindow}}${lead} {{deliveryWindow}}.{{/deliveryWindow}}`;

/** Russian. Cyrillic SMS are UCS-2 (70 characters a segment), so with a link they take two segments. */
export const ru: LocaleCatalogue = {
  labels: {
    greetingNamed: 'Здравствуйте, {{firstName}}!',
    greetingAnonymous: 'Здравствуйте!',
    trackButton: 'Отследить заказ',
    footer: 'Вы получили это сообщение, потому что сделали заказ в {{merchantName}}.',
    smsOptOut: 'СТОП - отписка',
    windowBy: 'до {date}',
    exceptionStates: {
      DELIVERY_ATTEMPTED: 'неудачная попытка доставки',
      EXCEPTION: 'проблема с доставкой',
      RETURNING: 'возвращается отправителю',
      RETURNED: 'возвращён отправителю',
      EXPIRED: 'нет новых данных от перевозчика',
      NOT_RECOGNIZED: 'трек-номер не распознан',
    },
    reasons: {
      ADDRESS_ISSUE: 'проблема с адресом доставки',
      RECIPIENT_UNAVAILABLE: 'получателя не было на месте',
      REFUSED: 'получатель отказался от посылки',
      CUSTOMS_HOLD: 'задержка на таможне',
      DAMAGED: 'посылка повреждена при перевозке',
      LOST: 'перевозчик потерял посылку',
      WEATHER_FORCE_MAJEURE: 'погодные условия или форс-мажор',
      CARRIER_DELAY: 'задержка у перевозчика',
      STORAGE_PERIOD_EXPIRED: 'истёк срок хранения',
      QC_FAILED: 'изделие не прошло контроль качества и изготавливается заново',
      OTHER: 'непредвиденная проблема',
    },
  },
  messages: {
    order_confirmation: {
      subject: 'Заказ {{orderNumber}} подтверждён',
      html:
        '<p>{{greeting}}</p><p>Спасибо за заказ {{orderNumber}} в {{merchantName}}. Мы сообщим вам о каждом его шаге.</p>' +
        '{{#deliveryWindow}}<p>Ожидаемая доставка: <strong>{{deliveryWindow}}</strong>.</p>{{/deliveryWindow}}',
      text:
        '{{greeting}}\n\nСпасибо за заказ {{orderNumber}} в {{merchantName}}. Мы сообщим вам о каждом его шаге.\n' +
        window('Ожидаемая доставка:'),
      sms: '{{merchantName}}: заказ {{orderNumber}} подтверждён.' + window(' Доставка'),
    },
    shipped: {
      subject: 'Заказ {{orderNumber}} отправлен',
      html:
        '<p>{{greeting}}</p><p>Отличные новости: ваш заказ {{orderNumber}} в пути. Посылка уже у перевозчика.</p>' +
        '{{#deliveryWindow}}<p>Ожидаемая доставка: <strong>{{deliveryWindow}}</strong>.</p>{{/deliveryWindow}}',
      text:
        '{{greeting}}\n\nОтличные новости: ваш заказ {{orderNumber}} в пути. Посылка уже у перевозчика.\n' +
        window('Ожидаемая доставка:'),
      sms: '{{merchantName}}: заказ {{orderNumber}} отправлен.' + window(' Доставка'),
    },
    out_for_delivery: {
      subject: 'Заказ {{orderNumber}} передан курьеру',
      html: '<p>{{greeting}}</p><p>Заказ {{orderNumber}} передан курьеру и будет доставлен сегодня.</p>',
      text: '{{greeting}}\n\nЗаказ {{orderNumber}} передан курьеру и будет доставлен сегодня.',
      sms: '{{merchantName}}: заказ {{orderNumber}} доставят сегодня.',
    },
    available_for_pickup: {
      subject: 'Заказ {{orderNumber}} ждёт вас в пункте выдачи',
      html: '<p>{{greeting}}</p><p>Заказ {{orderNumber}} ждёт вас в пункте выдачи. Адрес и срок хранения — на странице отслеживания.</p>',
      text: '{{greeting}}\n\nЗаказ {{orderNumber}} ждёт вас в пункте выдачи. Адрес и срок хранения — на странице отслеживания.',
      sms: '{{merchantName}}: заказ {{orderNumber}} ждёт в пункте выдачи.',
    },
    delivered: {
      subject: 'Заказ {{orderNumber}} доставлен',
      html: '<p>{{greeting}}</p><p>Заказ {{orderNumber}} доставлен. Надеемся, он вам понравится!</p>',
      text: '{{greeting}}\n\nЗаказ {{orderNumber}} доставлен. Надеемся, он вам понравится!',
      sms: '{{merchantName}}: заказ {{orderNumber}} доставлен.',
    },
    exception: {
      subject: 'Заказ {{orderNumber}}: {{exceptionState}}',
      html:
        '<p>{{greeting}}</p><p>С доставкой заказа {{orderNumber}} возникла проблема: <strong>{{exceptionState}}</strong>.</p>' +
        '{{#reason}}<p>Причина: {{reason}}.</p>{{/reason}}' +
        '{{#deliveryWindow}}<p>Новый срок доставки: <strong>{{deliveryWindow}}</strong>.</p>{{/deliveryWindow}}' +
        '<p>Мы уже разбираемся; актуальный статус — на странице отслеживания.</p>',
      text:
        '{{greeting}}\n\nС доставкой заказа {{orderNumber}} возникла проблема: {{exceptionState}}.\n' +
        '{{#reason}}Причина: {{reason}}.\n{{/reason}}' +
        '{{#deliveryWindow}}Новый срок доставки: {{deliveryWindow}}.\n{{/deliveryWindow}}' +
        'Мы уже разбираемся; актуальный статус — на странице отслеживания.',
      sms:
        '{{merchantName}}: {{orderNumber}} {{exceptionState}}{{#reason}} ({{reason}}){{/reason}}.' +
        window(' Новый срок'),
    },
    delay: {
      subject: 'Заказ {{orderNumber}} задерживается',
      html:
        '<p>{{greeting}}</p><p>Заказ {{orderNumber}} идёт дольше, чем мы рассчитывали.</p>' +
        '{{#reason}}<p>Причина: {{reason}}.</p>{{/reason}}' +
        '{{#deliveryWindow}}<p>Новый срок доставки: <strong>{{deliveryWindow}}</strong>.</p>{{/deliveryWindow}}' +
        '<p>Приносим извинения за ожидание.</p>',
      text:
        '{{greeting}}\n\nЗаказ {{orderNumber}} идёт дольше, чем мы рассчитывали.\n' +
        '{{#reason}}Причина: {{reason}}.\n{{/reason}}' +
        '{{#deliveryWindow}}Новый срок доставки: {{deliveryWindow}}.\n{{/deliveryWindow}}' +
        'Приносим извинения за ожидание.',
      sms: '{{merchantName}}: заказ {{orderNumber}} задерживается.' + window(' Новый срок'),
    },
    feedback_request: {
      subject: 'Как вам заказ {{orderNumber}}?',
      html:
        '<p>{{greeting}}</p><p>Заказ {{orderNumber}} доставлен несколько дней назад. Как мы справились? Это займёт минуту.</p>' +
        '<p><a href="{{feedbackUrl}}">Оставить отзыв</a></p>',
      text:
        '{{greeting}}\n\nЗаказ {{orderNumber}} доставлен несколько дней назад. Как мы справились? Это займёт минуту.\n' +
        'Оставить отзыв: {{feedbackUrl}}',
      sms: '{{merchantName}}: как вам заказ {{orderNumber}}? Отзыв:',
    },
  },
};
