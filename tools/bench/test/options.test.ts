// Command-line options: defaults, --quick, explicit values winning over --quick, and usage errors.
import t from 'tap';
import type { BenchError } from '../src/index.ts';
import { errorCodes, parseOptions } from '../src/index.ts';

const defaults = {
  rounds: 5,
  durationS: 10,
  warmupS: 2,
  connections: 50,
  profileS: 3,
  pin: false,
  json: null,
  help: false,
};

const table = [
  { name: 'defaults', input: [], want: defaults },
  { name: '--quick', input: ['--quick'], want: { ...defaults, rounds: 1, durationS: 1, warmupS: 1, profileS: 1 } },
  {
    name: 'explicit values win over --quick',
    input: ['--quick', '--rounds', '2', '--duration=3s'],
    want: { ...defaults, rounds: 2, durationS: 3, warmupS: 1, profileS: 1 },
  },
  {
    name: 'everything',
    input: [
      ...['--rounds', '7', '--duration', '20', '--warmup', '5s', '--connections', '100', '--profile', '4'],
      ...['--pin', '--json', 'o.json'],
    ],
    want: {
      rounds: 7,
      durationS: 20,
      warmupS: 5,
      connections: 100,
      profileS: 4,
      pin: true,
      json: 'o.json',
      help: false,
    },
  },
  { name: '--help', input: ['--help'], want: { ...defaults, help: true } },
];

for (const { name, input, want } of table) t.test(name, async (t) => t.same(parseOptions(input), want));

const bad = [
  { name: 'unknown option', input: ['--nope'], want: /Unknown option '--nope'[\s\S]*Usage:/ },
  { name: 'zero rounds', input: ['--rounds', '0'], want: /--rounds wants a whole number >= 1/ },
  { name: 'fractional duration', input: ['--duration', '0.5'], want: /--duration wants whole seconds/ },
  { name: 'milliseconds', input: ['--warmup', '500ms'], want: /--warmup wants whole seconds/ },
  { name: 'positional argument', input: ['extra'], want: /Usage:/ },
];

for (const { name, input, want } of bad)
  t.test(name, async (t) => {
    const error = t.throws(() => parseOptions(input)) as BenchError;
    t.equal(error.code, errorCodes.usage);
    t.match(error.message, want);
  });
