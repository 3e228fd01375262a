/** A problem found in the user's objects: which object, which field, what to do. Data, never thrown. */
export type Diagnostic = {
  object: { kind: string; namespace?: string; name: string; file?: string };
  severity: 'error' | 'warning';
  code: string;
  /** The field path inside the object (`spec.dslx[2].values[0]`), '' for the whole object. */
  field: string;
  message: string;
};

/** Codes of diagnostics and errors of the instance; each is documented in the README. */
export const diagnosticCodes = {
  invalidObject: 'ALB_INSTANCE_INVALID_OBJECT',
  unsupported: 'ALB_INSTANCE_UNSUPPORTED',
  portConflict: 'ALB_INSTANCE_PORT_CONFLICT',
  noAlb: 'ALB_INSTANCE_NO_ALB',
  unknownFrontend: 'ALB_INSTANCE_UNKNOWN_FRONTEND',
  serviceNotFound: 'ALB_INSTANCE_SERVICE_NOT_FOUND',
  servicePortNotFound: 'ALB_INSTANCE_SERVICE_PORT_NOT_FOUND',
  noEndpoints: 'ALB_INSTANCE_NO_ENDPOINTS',
  badAnnotation: 'ALB_INSTANCE_BAD_ANNOTATION',
  auth: 'ALB_INSTANCE_AUTH',
  manifest: 'ALB_INSTANCE_MANIFEST',
  manifestLimit: 'ALB_INSTANCE_MANIFEST_LIMIT',
  source: 'ALB_INSTANCE_SOURCE',
  rebuild: 'ALB_INSTANCE_REBUILD',
  dataPlane: 'ALB_INSTANCE_DATA_PLANE',
  listen: 'ALB_INSTANCE_LISTEN',
  usage: 'ALB_INSTANCE_USAGE',
  badCertificate: 'ALB_INSTANCE_BAD_CERTIFICATE',
  certificateNotFound: 'ALB_INSTANCE_CERTIFICATE_NOT_FOUND',
} as const;

export function describeObject(object: Diagnostic['object']): string {
  const where = object.namespace ? `${object.namespace}/${object.name}` : object.name;
  return `${object.kind} ${where}${object.file ? ` (${object.file})` : ''}`;
}

/** One log-friendly line: `Rule default/r1: spec.dslx[0].key: HEADER terms need a key [ALB_...]`. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${describeObject(d.object)}: ${d.field === '' ? '' : `${d.field}: `}${d.message} [${d.code}]`;
}
