import { storableText, textViolations } from './text-rule';

describe('storableText', () => {
  it('writes NUL and lone surrogates out as escapes, keeping the rest of the reason readable', () => {
    const reason = storableText('webhook body is not JSON (starts with "{\u0000\uD800x\uDC00")');

    expect(reason).toBe('webhook body is not JSON (starts with "{\\u0000\\ud800x\\udc00")');
    expect(textViolations(reason)).toEqual([]);
  });

  it('keeps surrogate pairs and stays within the length given', () => {
    expect(storableText('parcel 📦 left')).toBe('parcel 📦 left');
    expect(storableText('x'.repeat(50), 10)).toHaveLength(10);
  });
});
