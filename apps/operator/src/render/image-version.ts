/**
 * The version an image reference names, for the `alb2.<domain>/version` pod label and the ALB2's
 * `status.detail.version`: its tag (`registry:5000/alb-instance:0.1.0` -> `0.1.0`), else its digest's first 12
 * hex digits, else `latest`. Cut and cleaned to a label value.
 */
export function imageVersion(image: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  let version = colon > lastSlash ? name.slice(colon + 1) : '';
  if (version === '' && at >= 0)
    version = image
      .slice(at + 1)
      .replace(/^sha256:/, '')
      .slice(0, 12);
  version = version
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return version === '' ? 'latest' : version;
}
