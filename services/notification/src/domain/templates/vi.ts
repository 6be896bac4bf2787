import type { LocaleCatalogue } from './catalogue';

const window = (lead: string) => `{{#deliveryWindow}}${lead} {{deliveryWindow}}.{{/deliveryWindow}}`;

/** Vietnamese. SMS are sent without diacritics when that fits them in one segment (see sms-segments.ts). */
export const vi: LocaleCatalogue = {
  labels: {
    greetingNamed: 'Xin chào {{firstName}},',
    greetingAnonymous: 'Xin chào,',
    trackButton: 'Theo dõi đơn hàng',
    footer: 'Bạn nhận được tin này vì đã đặt hàng tại {{merchantName}}.',
    smsOptOut: 'Soạn STOP để hủy',
    windowBy: 'trước {date}',
    exceptionStates: {
      DELIVERY_ATTEMPTED: 'giao hàng không thành công',
      EXCEPTION: 'sự cố giao hàng',
      RETURNING: 'đang hoàn về người gửi',
      RETURNED: 'đã hoàn về người gửi',
      EXPIRED: 'chưa có cập nhật mới từ hãng vận chuyển',
      NOT_RECOGNIZED: 'mã vận đơn không hợp lệ',
    },
    reasons: {
      ADDRESS_ISSUE: 'địa chỉ có vấn đề',
      RECIPIENT_UNAVAILABLE: 'không có người nhận hàng',
      REFUSED: 'người nhận từ chối nhận hàng',
      CUSTOMS_HOLD: 'đang bị giữ tại hải quan',
      DAMAGED: 'bưu kiện bị hư hỏng khi vận chuyển',
      LOST: 'hãng vận chuyển làm thất lạc bưu kiện',
      WEATHER_FORCE_MAJEURE: 'thời tiết hoặc sự kiện bất khả kháng',
      CARRIER_DELAY: 'hãng vận chuyển bị chậm trễ',
      STORAGE_PERIOD_EXPIRED: 'đã hết thời hạn nhận hàng',
      QC_FAILED: 'chưa đạt kiểm tra chất lượng, đang làm lại',
      OTHER: 'một sự cố ngoài dự kiến',
    },
  },
  messages: {
    order_confirmation: {
      subject: 'Đã xác nhận đơn hàng {{orderNumber}}',
      html:
        '<p>{{greeting}}</p><p>Cảm ơn bạn đã đặt đơn hàng {{orderNumber}} tại {{merchantName}}. Chúng tôi sẽ báo cho bạn mỗi khi đơn hàng có tiến triển.</p>' +
        '{{#deliveryWindow}}<p>Dự kiến giao hàng: <strong>{{deliveryWindow}}</strong>.</p>{{/deliveryWindow}}',
      text:
        '{{greeting}}\n\nCảm ơn bạn đã đặt đơn hàng {{orderNumber}} tại {{merchantName}}. Chúng tôi sẽ báo cho bạn mỗi khi đơn hàng có tiến triển.\n' +
        window('Dự kiến giao hàng:'),
      sms: '{{merchantName}}: đơn hàng {{orderNumber}} đã được xác nhận.' + window(' Dự kiến giao'),
    },
    shipped: {
      subject: 'Đơn hàng {{orderNumber}} đã được gửi đi',
      html:
        '<p>{{greeting}}</p><p>Tin vui: đơn hàng {{orderNumber}} của bạn đang trên đường giao. Hãng vận chuyển đã nhận hàng.</p>' +
        '{{#deliveryWindow}}<p>Dự kiến giao hàng: <strong>{{deliveryWindow}}</strong>.</p>{{/deliveryWindow}}',
      text:
        '{{greeting}}\n\nTin vui: đơn hàng {{orderNumber}} của bạn đang trên đường giao. Hãng vận chuyển đã nhận hàng.\n' +
        window('Dự kiến giao hàng:'),
      sms: '{{merchantName}}: đơn hàng {{orderNumber}} đã được gửi đi.' + window(' Dự kiến giao'),
    },
    out_for_delivery: {
      subject: 'Đơn hàng {{orderNumber}} đang được giao',
      html: '<p>{{greeting}}</p><p>Đơn hàng {{orderNumber}} đang được giao và sẽ đến trong hôm nay.</p>',
      text: '{{greeting}}\n\nĐơn hàng {{orderNumber}} đang được giao và sẽ đến trong hôm nay.',
      sms: '{{merchantName}}: đơn hàng {{orderNumber}} đang được giao hôm nay.',
    },
    available_for_pickup: {
      subject: 'Đơn hàng {{orderNumber}} đã sẵn sàng để nhận',
      html: '<p>{{greeting}}</p><p>Đơn hàng {{orderNumber}} đang chờ bạn tại điểm nhận hàng. Trang theo dõi cho biết địa điểm và thời hạn nhận.</p>',
      text: '{{greeting}}\n\nĐơn hàng {{orderNumber}} đang chờ bạn tại điểm nhận hàng. Trang theo dõi cho biết địa điểm và thời hạn nhận.',
      sms: '{{merchantName}}: đơn hàng {{orderNumber}} đã sẵn sàng tại điểm nhận hàng.',
    },
    delivered: {
      subject: 'Đơn hàng {{orderNumber}} đã được giao',
      html: '<p>{{greeting}}</p><p>Đơn hàng {{orderNumber}} đã được giao. Chúc bạn hài lòng với sản phẩm!</p>',
      text: '{{greeting}}\n\nĐơn hàng {{orderNumber}} đã được giao. Chúc bạn hài lòng với sản phẩm!',
      sms: '{{merchantName}}: đơn hàng {{orderNumber}} đã được giao.',
    },
    exception: {
      subject: 'Cập nhật đơn hàng {{orderNumber}}: {{exceptionState}}',
      html:
        '<p>{{greeting}}</p><p>Việc giao đơn hàng {{orderNumber}} gặp sự cố: <strong>{{exceptionState}}</strong>.</p>' +
        '{{#reason}}<p>Lý do: {{reason}}.</p>{{/reason}}' +
        '{{#deliveryWindow}}<p>Dự kiến giao mới: <strong>{{deliveryWindow}}</strong>.</p>{{/deliveryWindow}}' +
        '<p>Chúng tôi đang xử lý; trang theo dõi luôn có thông tin mới nhất.</p>',
      text:
        '{{greeting}}\n\nViệc giao đơn hàng {{orderNumber}} gặp sự cố: {{exceptionState}}.\n' +
        '{{#reason}}Lý do: {{reason}}.\n{{/reason}}' +
        '{{#deliveryWindow}}Dự kiến giao mới: {{deliveryWindow}}.\n{{/deliveryWindow}}' +
        'Chúng tôi đang xử lý; trang theo dõi luôn có thông tin mới nhất.',
      sms:
        '{{merchantName}}: {{orderNumber}} {{exceptionState}}{{#reason}} ({{reason}}){{/reason}}.' +
        window(' Dự kiến mới'),
    },
    delay: {
      subject: 'Đơn hàng {{orderNumber}} bị chậm',
      html:
        '<p>{{greeting}}</p><p>Đơn hàng {{orderNumber}} đang mất nhiều thời gian hơn dự kiến.</p>' +
        '{{#reason}}<p>Lý do: {{reason}}.</p>{{/reason}}' +
        '{{#deliveryWindow}}<p>Dự kiến giao mới: <strong>{{deliveryWindow}}</strong>.</p>{{/deliveryWindow}}' +
        '<p>Xin lỗi vì sự chờ đợi.</p>',
      text:
        '{{greeting}}\n\nĐơn hàng {{orderNumber}} đang mất nhiều thời gian hơn dự kiến.\n' +
        '{{#reason}}Lý do: {{reason}}.\n{{/reason}}' +
        '{{#deliveryWindow}}Dự kiến giao mới: {{deliveryWindow}}.\n{{/deliveryWindow}}' +
        'Xin lỗi vì sự chờ đợi.',
      sms: '{{merchantName}}: đơn hàng {{orderNumber}} bị chậm.' + window(' Dự kiến mới'),
    },
    feedback_request: {
      subject: 'Bạn thấy đơn hàng {{orderNumber}} thế nào?',
      html:
        '<p>{{greeting}}</p><p>Đơn hàng {{orderNumber}} đã đến tay bạn vài ngày trước. Bạn đánh giá chúng tôi thế nào? Chỉ mất một phút.</p>' +
        '<p><a href="{{feedbackUrl}}">Gửi đánh giá</a></p>',
      text:
        '{{greeting}}\n\nĐơn hàng {{orderNumber}} đã đến tay bạn vài ngày trước. Bạn đánh giá chúng tôi thế nào? Chỉ mất một phút.\n' +
        'Gửi đánh giá: {{feedbackUrl}}',
      sms: '{{merchantName}}: bạn thấy đơn hàng {{orderNumber}} thế nào? Đánh giá tại:',
    },
  },
};
