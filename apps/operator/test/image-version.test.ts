import t from 'tap';
import { imageVersion } from '../src/render/image-version.ts';

const table: Array<[string, string]> = [
  ['alb-instance:0.1.0', '0.1.0'],
  ['registry.example:5000/alb/alb-instance:1.2.3-rc.1', '1.2.3-rc.1'],
  ['registry.example:5000/alb-instance', 'latest'],
  ['alb-instance@sha256:0123456789abcdef0123456789abcdef', '0123456789ab'],
  ['alb-instance:v1.0+build.7', 'v1.0-build.7'],
];
for (const [image, want] of table) t.equal(imageVersion(image), want, image);
