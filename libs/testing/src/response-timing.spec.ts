import { interleavedMedians } from './response-timing';

describe('interleavedMedians', () => {
  let now = 0;
  beforeEach(() => jest.spyOn(performance, 'now').mockImplementation(() => now));
  afterEach(() => jest.restoreAllMocks());

  it('times two subjects alike when the machine slows down while sampling', async () => {
    let requests = 0;
    // 1 ms a request until other work starts on the machine, a third of the way in; then 41 ms.
    const request = async () => {
      now += requests < 10 ? 1 : 41;
      requests += 1;
    };

    const [first, second] = await interleavedMedians(['known', 'unknown'], request);

    expect(requests).toBe(30);
    expect(Math.abs(first! - second!)).toBeLessThan(40);
  });

  it('tells apart subjects that really take different times', async () => {
    const [fast, slow] = await interleavedMedians([1, 30], async (ms) => {
      now += ms;
    });

    expect([fast, slow]).toEqual([1, 30]);
  });
});
