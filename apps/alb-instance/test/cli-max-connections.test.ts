// --max-connections reaches the data plane's per-listener cap; a bad value names the option.
import t from 'tap';
import { defaultMaxConnections } from '@alb/proxy-core';
import { parseOptions } from '../src/cli-options.ts';

t.test('--max-connections', async (t) => {
  t.equal(parseOptions(['--dir', '.']).maxConnections, defaultMaxConnections, 'the data plane default');
  t.equal(parseOptions(['--dir', '.', '--max-connections', '500']).maxConnections, 500);
  t.throws(() => parseOptions(['--dir', '.', '--max-connections', '0']), /--max-connections must be between 1/);
  t.throws(() => parseOptions(['--dir', '.', '--max-connections', 'many']), /--max-connections must be a number/);
});
