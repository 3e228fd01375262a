import manifest from '../package.json' with { type: 'json' };

/** This operator's version (package.json): the default instance image tag and the `alb.cpaas.io/version` label. */
export const operatorVersion: string = manifest.version;
