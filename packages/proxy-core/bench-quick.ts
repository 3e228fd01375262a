import { Engine } from './src/index.ts';
const engine = new Engine({ bind: '127.0.0.1' });
const rules = Array.from({ length: 1000 }, (_, i) => ({
  name: `r${i}`,
  priority: 5,
  dslx: [{ type: 'URL' as const, values: [['STARTS_WITH', `/p${i}/`]] }],
  backendGroup: 'be',
}));
await engine.apply({
  listeners: [{ port: 18082, protocol: 'http', rules, defaultBackend: { backendGroup: 'be' } }],
  backendGroups: [
    { name: 'be', policy: 'round-robin', endpoints: [{ address: '127.0.0.1', port: 18080, weight: 100 }] },
  ],
});
console.log('ready');
