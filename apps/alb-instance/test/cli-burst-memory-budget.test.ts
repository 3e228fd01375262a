// --burst-memory-budget: MiB a process may grow during a burst of config changes before it gives memory back.
import t from 'tap';
import { parseOptions } from '../src/cli-options.ts';

t.test('--burst-memory-budget', async (t) => {
  t.equal(parseOptions(['--dir', '.']).burstMemoryBudgetBytes, 48 * 2 ** 20, 'default 48 MiB');
  t.equal(parseOptions(['--dir', '.', '--burst-memory-budget', '96']).burstMemoryBudgetBytes, 96 * 2 ** 20);
  t.equal(parseOptions(['--dir', '.', '--burst-memory-budget', '0']).burstMemoryBudgetBytes, 0, '0: only once settled');
  t.throws(
    () => parseOptions(['--dir', '.', '--burst-memory-budget', '1.5']),
    /--burst-memory-budget must be a number/,
  );
  t.throws(
    () => parseOptions(['--dir', '.', '--burst-memory-budget', 'lots']),
    /--burst-memory-budget must be a number/,
  );
});
