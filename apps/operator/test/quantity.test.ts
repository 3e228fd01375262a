import t from 'tap';
import { parseQuantity, sameQuantity } from '../src/config/quantity.ts';

const table: Array<[string, number | null]> = [
  ['2', 2],
  ['500m', 0.5],
  ['0.5', 0.5],
  ['1.5Gi', 1.5 * 2 ** 30],
  ['128Mi', 128 * 2 ** 20],
  ['1k', 1000],
  ['1e3', 1000],
  ['.5', 0.5],
  ['2 Gi', null],
  ['lots', null],
  ['1Gb', null],
  ['', null],
];
for (const [text, want] of table) t.equal(parseQuantity(text), want, `parseQuantity(${JSON.stringify(text)})`);

t.test('the API server canonical form is the same amount', async (t) => {
  t.ok(sameQuantity('0.5', '500m'));
  t.ok(sameQuantity('1000m', '1'));
  t.ok(sameQuantity('1024Mi', '1Gi'));
  t.notOk(sameQuantity('1G', '1Gi'));
  t.notOk(sameQuantity('lots', 'lots2'));
});
