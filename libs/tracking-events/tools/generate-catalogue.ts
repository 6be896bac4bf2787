// npm run events:catalogue: rewrites docs/events/asyncapi.yaml from proto/ and topics.ts.
import { CATALOGUE_PATH } from './event-catalogue';
import { writeCatalogue } from './generated-files';

writeCatalogue();
process.stdout.write(`wrote ${CATALOGUE_PATH}\n`);
