import { OptionalField } from '@tracking/http';
import { IsIn } from 'class-validator';

export const EVIDENCE_FORMATS = ['json', 'pdf'] as const;

export class EvidenceQuery {
  /** Overrides the Accept header, for links a browser opens. */
  @OptionalField()
  @IsIn(EVIDENCE_FORMATS, { message: `format must be one of ${EVIDENCE_FORMATS.join(', ')}` })
  format?: (typeof EVIDENCE_FORMATS)[number];
}
