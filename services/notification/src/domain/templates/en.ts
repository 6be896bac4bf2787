import type { LocaleCatalogue } from './catalogue';

const window = (lead: string) => `{{#deliveryWindow}}${lead} {{deliveryWindow}}.{{/deliveryWindow}}`;

export const en: LocaleCatalogue = {
  labels: {
    greetingNamed: 'Hi {{firstName}},',
    greetingAnonymous: 'Hello,',
    trackButton: 'Track your order',
    footer: 'You are receiving this message because you ordered from {{merchantName}}.',
    smsOptOut: 'Reply STOP to opt out',
    windowBy: 'by {date}',
    exceptionStates: {
      DELIVERY_ATTEMPTED: 'delivery attempt failed',
      EXCEPTION: 'delivery problem',
      RETURNING: 'returning to the sender',
      RETURNED: 'returned to the sender',
      EXPIRED: 'no recent carrier update',
      NOT_RECOGNIZED: 'tracking number not recognized',
    },
    reasons: {
      ADDRESS_ISSUE: 'problem with the address',
      RECIPIENT_UNAVAILABLE: 'recipient not available',
      REFUSED: 'refused at delivery',
      CUSTOMS_HOLD: 'held in customs',
      DAMAGED: 'damaged in transit',
      LOST: 'lost by the carrier',
      WEATHER_FORCE_MAJEURE: 'weather or force majeure',
      CARRIER_DELAY: 'a delay at the carrier',
      STORAGE_PERIOD_EXPIRED: 'the pickup period ended',
      QC_FAILED: 'failed our quality check, being made again',
      OTHER: 'unexpected issue',
    },
  },
  messages: {
    order_confirmation: {
      subject: 'Order {{orderNumber}} confirmed',
      html:
        '<p>{{greeting}}</p><p>Thank you for your order {{orderNumber}} at {{merchantName}}. We will tell you as it moves along.</p>' +
        '{{#deliveryWindow}}<p>Expected delivery: <strong>{{deliveryWindow}}</strong>.</p>{{/deliveryWindow}}',
      text:
        '{{greeting}}\n\nThank you for your order {{orderNumber}} at {{merchantName}}. We will tell you as it moves along.\n' +
        window('Expected delivery:'),
      sms: '{{merchantName}}: order {{orderNumber}} confirmed.' + window(' Expected'),
    },
    shipped: {
      subject: 'Your order {{orderNumber}} has shipped',
      html:
        '<p>{{greeting}}</p><p>Good news: your order {{orderNumber}} is on its way. The carrier has it now.</p>' +
        '{{#deliveryWindow}}<p>Expected delivery: <strong>{{deliveryWindow}}</strong>.</p>{{/deliveryWindow}}',
      text:
        '{{greeting}}\n\nGood news: your order {{orderNumber}} is on its way. The carrier has it now.\n' +
        window('Expected delivery:'),
      sms: '{{merchantName}}: order {{orderNumber}} has shipped.' + window(' Expected'),
    },
    out_for_delivery: {
      subject: 'Your order {{orderNumber}} is out for delivery',
      html: '<p>{{greeting}}</p><p>Your order {{orderNumber}} is out for delivery and should arrive today.</p>',
      text: '{{greeting}}\n\nYour order {{orderNumber}} is out for delivery and should arrive today.',
      sms: '{{merchantName}}: order {{orderNumber}} is out for delivery today.',
    },
    available_for_pickup: {
      subject: 'Your order {{orderNumber}} is ready for pickup',
      html: '<p>{{greeting}}</p><p>Your order {{orderNumber}} is waiting for you at a pickup point. The tracking page shows where and until when.</p>',
      text: '{{greeting}}\n\nYour order {{orderNumber}} is waiting for you at a pickup point. The tracking page shows where and until when.',
      sms: '{{merchantName}}: order {{orderNumber}} is ready for pickup.',
    },
    delivered: {
      subject: 'Your order {{orderNumber}} was delivered',
      html: '<p>{{greeting}}</p><p>Your order {{orderNumber}} was delivered. We hope you enjoy it!</p>',
      text: '{{greeting}}\n\nYour order {{orderNumber}} was delivered. We hope you enjoy it!',
      sms: '{{merchantName}}: order {{orderNumber}} was delivered.',
    },
    exception: {
      subject: 'Update on your order {{orderNumber}}: {{exceptionState}}',
      html:
        '<p>{{greeting}}</p><p>There is a problem with the delivery of your order {{orderNumber}}: <strong>{{exceptionState}}</strong>.</p>' +
        '{{#reason}}<p>Reason: {{reason}}.</p>{{/reason}}' +
        '{{#deliveryWindow}}<p>New expected delivery: <strong>{{deliveryWindow}}</strong>.</p>{{/deliveryWindow}}' +
        '<p>We are on it; the tracking page always shows the latest.</p>',
      text:
        '{{greeting}}\n\nThere is a problem with the delivery of your order {{orderNumber}}: {{exceptionState}}.\n' +
        '{{#reason}}Reason: {{reason}}.\n{{/reason}}' +
        '{{#deliveryWindow}}New expected delivery: {{deliveryWindow}}.\n{{/deliveryWindow}}' +
        'We are on it; the tracking page always shows the latest.',
      sms:
        '{{merchantName}}: {{orderNumber}} {{exceptionState}}{{#reason}} ({{reason}}){{/reason}}.' +
        window(' New estimate'),
    },
    delay: {
      subject: 'Your order {{orderNumber}} is running late',
      html:
        '<p>{{greeting}}</p><p>Your order {{orderNumber}} is taking longer than we expected.</p>' +
        '{{#reason}}<p>Reason: {{reason}}.</p>{{/reason}}' +
        '{{#deliveryWindow}}<p>New expected delivery: <strong>{{deliveryWindow}}</strong>.</p>{{/deliveryWindow}}' +
        '<p>Sorry for the wait.</p>',
      text:
        '{{greeting}}\n\nYour order {{orderNumber}} is taking longer than we expected.\n' +
        '{{#reason}}Reason: {{reason}}.\n{{/reason}}' +
        '{{#deliveryWindow}}New expected delivery: {{deliveryWindow}}.\n{{/deliveryWindow}}' +
        'Sorry for the wait.',
      sms: '{{merchantName}}: order {{orderNumber}} is running late.' + window(' New estimate'),
    },
    feedback_request: {
      subject: 'How was your order {{orderNumber}}?',
      html:
        '<p>{{greeting}}</p><p>Your order {{orderNumber}} arrived a few days ago. How did we do? It takes a minute.</p>' +
        '<p><a href="{{feedbackUrl}}">Leave feedback</a></p>',
      text:
        '{{greeting}}\n\nYour order {{orderNumber}} arrived a few days ago. How did we do? It takes a minute.\n' +
        'Leave feedback: {{feedbackUrl}}',
      sms: '{{merchantName}}: how was order {{orderNumber}}? Tell us here:',
    },
  },
};
