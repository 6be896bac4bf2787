// npm run proto:check: fails when the committed output generated from proto/ differs from a
// fresh generation (a proto change committed without `npm run proto:generate`, or a hand edit).
import { findGeneratedDrift, protoFormatDiff } from '../libs/tracking-events/tools/generated-files';

const formatDiff = protoFormatDiff();
if (formatDiff !== '') {
  process.stderr.write(`proto/ is not formatted; run \`npx buf format -w proto\`:\n${formatDiff}\n`);
  process.exit(1);
}

const { changed } = findGeneratedDrift();
if (changed.length > 0) {
  process.stderr.write(
    [
      'Generated files are out of date with proto/ (or were edited by hand):',
      ...changed.map((file) => `  ${file}`),
      'Run `npm run proto:generate` and commit the result with the proto change.',
      '',
    ].join('\n'),
  );
  process.exit(1);
}
process.stdout.write('generated types and event catalogue match proto/\n');
