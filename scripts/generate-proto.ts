// npm run proto:generate: lints proto/, regenerates the TypeScript types in
// libs/tracking-events/src/generated and the event catalogue docs/events/asyncapi.yaml.
import { GENERATED_TYPES_DIR, generateAll } from '../libs/tracking-events/tools/generated-files';
import { CATALOGUE_PATH } from '../libs/tracking-events/tools/event-catalogue';

generateAll();
process.stdout.write(`regenerated ${GENERATED_TYPES_DIR}/ and ${CATALOGUE_PATH} from proto/\n`);
