/**
 * The median time `request` takes for each of `subjects`, sampled in turn (a, b, b, a, a, b...)
 * rather than one subject after the other: a change in the machine's load while sampling then
 * lands on every subject alike, so the medians differ by what the service does, not by when
 * each was measured.
 */
export async function interleavedMedians<S>(
  subjects: readonly S[],
  request: (subject: S) => Promise<unknown>,
  { samples = 15 }: { samples?: number } = {},
): Promise<number[]> {
  const durations = subjects.map((): number[] => []);
  for (let round = 0; round < samples; round += 1) {
    const order = subjects.map((_, index) => index);
    // Alternate who goes first, so neither always follows the other's connection or cache.
    if (round % 2 === 1) order.reverse();
    for (const index of order) {
      const started = performance.now();
      await request(subjects[index]!);
      durations[index]!.push(performance.now() - started);
    }
  }
  return durations.map((sampled) => sampled.sort((a, b) => a - b)[Math.floor(sampled.length / 2)]!);
}
