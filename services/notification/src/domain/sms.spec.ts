import { smsReplyAction } from './sms-keywords';
import { smsLength, withoutVietnameseDiacritics } from './sms-segments';

describe('smsLength', () => {
  it('counts GSM-7 with extension characters twice', () => {
    expect(smsLength('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsLength(`${'a'.repeat(159)}€`)).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
  });

  it('makes the whole message UCS-2 for one character outside GSM-7', () => {
    expect(smsLength('Заказ')).toEqual({ encoding: 'UCS-2', units: 5, segments: 1 });
    expect(smsLength('я'.repeat(71))).toMatchObject({ segments: 2 });
    expect(smsLength('a'.repeat(69) + '–')).toMatchObject({ encoding: 'UCS-2', segments: 1 });
  });

  it('writes Vietnamese without diacritics, đ included', () => {
    expect(withoutVietnameseDiacritics('Đơn hàng đã được gửi đi')).toBe('Don hang da duoc gui di');
    expect(smsLength(withoutVietnameseDiacritics('Soạn STOP để hủy')).encoding).toBe('GSM-7');
  });
});

describe('smsReplyAction', () => {
  it.each([
    ['STOP', 'STOP'],
    [' stop ', 'STOP'],
    ['Unsubscribe', 'STOP'],
    ['Стоп', 'STOP'],
    ['dừng', 'STOP'],
    ['START', 'START'],
    ['yes!', 'START'],
    ['help', 'HELP'],
    ['please stop texting me', 'OTHER'],
    ['', 'OTHER'],
  ])('reads %p as %s', (body, action) => {
    expect(smsReplyAction(body)).toBe(action);
  });
});
