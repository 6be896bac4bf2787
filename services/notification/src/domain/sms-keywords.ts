/**
 * Replies that opt a number out of or back into SMS. The English words are the industry's
 * standard set (CTIA; Twilio's default opt-out keywords); the Vietnamese and Russian ones are
 * what buyers in those languages write, with and without diacritics.
 */
const OPT_OUT = new Set([
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'OPTOUT',
  'REVOKE',
  'DUNG',
  'DỪNG',
  'HUY',
  'HỦY',
  'СТОП',
  'ОТПИСАТЬСЯ',
  'ОТПИСКА',
]);
const OPT_IN = new Set([
  'START',
  'YES',
  'UNSTOP',
  'SUBSCRIBE',
  'OPTIN',
  'BATDAU',
  'BẮT ĐẦU',
  'СТАРТ',
  'ПОДПИСАТЬСЯ',
]);
const HELP = new Set(['HELP', 'INFO', 'TROGIUP', 'TRỢ GIÚP', 'ПОМОЩЬ']);

export type SmsReplyAction = 'STOP' | 'START' | 'HELP' | 'OTHER';

/** A reply is a keyword when the whole message is one (trimmed, any case, trailing punctuation ignored). */
export function smsReplyAction(body: string): SmsReplyAction {
  const word = body
    .trim()
    .replace(/[.!?\s]+$/u, '')
    .toLocaleUpperCase('en')
    .normalize('NFC');
  if (OPT_OUT.has(word)) return 'STOP';
  if (OPT_IN.has(word)) return 'START';
  if (HELP.has(word)) return 'HELP';
  return 'OTHER';
}
