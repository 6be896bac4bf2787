import { nextSendableInstant } from './quiet-hours';

const overnight = { start: '21:00', end: '08:00' };

describe('nextSendableInstant', () => {
  it('sends at once outside quiet hours', () => {
    const now = new Date('2026-12-01T10:00:00Z'); // 17:00 in Ho Chi Minh City
    expect(nextSendableInstant(now, 'Asia/Ho_Chi_Minh', overnight)).toEqual(now);
  });

  it('waits until the next morning in the buyer’s zone when it is late evening there', () => {
    const now = new Date('2026-12-01T15:30:00Z'); // 22:30 in Ho Chi Minh City
    expect(nextSendableInstant(now, 'Asia/Ho_Chi_Minh', overnight)).toEqual(new Date('2026-12-02T01:00:00Z'));
  });

  it('waits until this morning when it is after midnight there', () => {
    const now = new Date('2026-12-01T19:00:00Z'); // 02:00 on Dec 2 in Ho Chi Minh City
    expect(nextSendableInstant(now, 'Asia/Ho_Chi_Minh', overnight)).toEqual(new Date('2026-12-02T01:00:00Z'));
  });

  it('reads the quiet hours in the buyer’s zone, not the server’s', () => {
    const now = new Date('2026-12-01T22:30:00Z'); // 22:30 in London, 17:30 in New York
    expect(nextSendableInstant(now, 'Europe/London', overnight)).toEqual(new Date('2026-12-02T08:00:00Z'));
    expect(nextSendableInstant(now, 'America/New_York', overnight)).toEqual(now);
  });

  it('handles quiet hours within one day and none at all', () => {
    const now = new Date('2026-12-01T13:30:00Z');
    expect(nextSendableInstant(now, 'UTC', { start: '13:00', end: '15:00' })).toEqual(
      new Date('2026-12-01T15:00:00Z'),
    );
    expect(nextSendableInstant(now, 'UTC', null)).toEqual(now);
  });

  it('ends at the named local time across a daylight-saving change', () => {
    // The night of 28-29 March 2026: London moves from GMT to BST at 01:00.
    const now = new Date('2026-03-28T23:00:00Z');
    expect(nextSendableInstant(now, 'Europe/London', overnight)).toEqual(new Date('2026-03-29T07:00:00Z'));
  });
});
