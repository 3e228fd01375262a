// Rule names: deterministic, within 63 characters, different for any differing input.
import t from 'tap';
import { ruleName } from '../src/index.ts';

t.test('same input, same name; any field changes it', async (t) => {
  type Args = Parameters<typeof ruleName>;
  const base: Args = ['alb-00080', 'app', 'web', 0, 1, 'a.com', '/x'];
  const name = ruleName(...base);
  t.match(name, /^alb-00080-[0-9a-f]{16}$/);
  t.equal(ruleName(...base), name);
  const variants: Args[] = [
    ['alb-00443', 'app', 'web', 0, 1, 'a.com', '/x'],
    ['alb-00080', 'app2', 'web', 0, 1, 'a.com', '/x'],
    ['alb-00080', 'app', 'web2', 0, 1, 'a.com', '/x'],
    ['alb-00080', 'app', 'web', 1, 1, 'a.com', '/x'],
    ['alb-00080', 'app', 'web', 0, 0, 'a.com', '/x'],
    ['alb-00080', 'app', 'web', 0, 1, 'b.com', '/x'],
    ['alb-00080', 'app', 'web', 0, 1, 'a.com', '/y'],
    // No ambiguity from joining: "ap" + "pweb" is not "app" + "web".
    ['alb-00080', 'ap', 'pweb', 0, 1, 'a.com', '/x'],
  ];
  const names = variants.map((v) => ruleName(...v));
  t.equal(new Set([name, ...names]).size, variants.length + 1);
});

t.test('long Frontend names are cut so the name fits 63 characters, without a trailing dash', async (t) => {
  const long = `${'a'.repeat(40)}-${'b'.repeat(5)}-00080`;
  const name = ruleName(long, 'ns', 'i', 0, 0, '', '/');
  t.ok(name.length <= 63, `${name.length} <= 63`);
  t.match(name, /^a{40}-b{5}-[0-9a-f]{16}$/);
  t.equal(ruleName('UPPER-00080', 'ns', 'i', 0, 0, '', '/').slice(0, 11), 'upper-00080');
});
