/**
 * The proto schema as descriptors, read through `buf build` so the catalogue is generated
 * from exactly what the TypeScript types are generated from. Only the parts the catalogue
 * uses are typed.
 */
import { runBuf } from './buf';

export interface FieldDescriptor {
  name: string;
  number: number;
  label?: 'LABEL_OPTIONAL' | 'LABEL_REPEATED' | 'LABEL_REQUIRED';
  type: string;
  typeName?: string;
  jsonName?: string;
  oneofIndex?: number;
  proto3Optional?: boolean;
}

export interface EnumValueDescriptor {
  name: string;
  number: number;
}

export interface EnumDescriptor {
  name: string;
  value: EnumValueDescriptor[];
}

export interface MessageDescriptor {
  name: string;
  field?: FieldDescriptor[];
  nestedType?: MessageDescriptor[];
  enumType?: EnumDescriptor[];
  oneofDecl?: Array<{ name: string }>;
}

export interface SourceLocation {
  path?: number[];
  leadingComments?: string;
}

export interface FileDescriptor {
  name: string;
  package?: string;
  messageType?: MessageDescriptor[];
  enumType?: EnumDescriptor[];
  sourceCodeInfo?: { location?: SourceLocation[] };
}

/** The proto module's files (without imported well-known types), with comments. */
export function loadProtoFiles(cwd?: string): FileDescriptor[] {
  const image = JSON.parse(
    runBuf(['build', 'proto', '--exclude-imports', '-o', '-#format=json'], { cwd }),
  ) as {
    file: FileDescriptor[];
  };
  return [...image.file].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
