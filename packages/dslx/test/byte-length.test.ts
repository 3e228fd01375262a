// The sort keys' byte lengths are counted without encoding; they must equal the encode-and-measure reference.
import fc from 'fast-check';
import t from 'tap';
import { utf8Length } from '../src/byte-length.ts';
import { complexity, internalLength, toInternal, type DslxTerm } from '../src/index.ts';

const encoder = new TextEncoder();

/** The reference: Go's json.Marshal length as JSON.stringify + Go's extra escapes, UTF-8 encoded. */
function referenceInternalLength(dslx: DslxTerm[]): number {
  const json = JSON.stringify(toInternal(dslx));
  let extra = 0;
  for (const c of json) {
    if (c === '<' || c === '>' || c === '&') extra += 5;
    else if (c === '\u2028' || c === '\u2029') extra += 3;
  }
  return encoder.encode(json).length + extra;
}

// Every class of character the counting treats apart, including lone and paired surrogates.
const tricky = ['a', '<', '>', '&', '"', '\\', '\n', '\b', '\u0001', '\u007f', 'é', '€', '\u2028', '\u2029'];
const piece = fc.oneof(
  fc.constantFrom(...tricky, '\ud800', '\udfff', '😀', '\ud83d', '\ude00'),
  fc.string({ unit: 'binary', maxLength: 4 }),
);
const text = fc.array(piece, { maxLength: 6 }).map((parts) => parts.join(''));
const term: fc.Arbitrary<DslxTerm> = fc.record(
  {
    type: fc.constantFrom('HOST', 'URL', 'HEADER', 'COOKIE'),
    key: fc.oneof(fc.constant(''), text),
    values: fc.array(
      fc
        .tuple(fc.constantFrom('EQ', 'IN', 'EXIST', 'RANGE'), fc.array(text, { maxLength: 3 }))
        .map(([op, args]) => [op, ...args]),
      { maxLength: 3 },
    ),
  },
  { requiredKeys: ['type', 'values'] },
) as fc.Arbitrary<DslxTerm>;

t.test('internalLength counts exactly what the encoded JSON measures', async (t) => {
  fc.assert(
    fc.property(fc.array(term, { minLength: 1, maxLength: 4 }), (dslx) => {
      return internalLength(dslx) === referenceInternalLength(dslx);
    }),
    { numRuns: 3000 },
  );
  t.pass('3000 random dslx values agree');
});

t.test('values that are not strings still measure as their JSON', async (t) => {
  const odd = [{ type: 'URL', values: [['EQ', 7], [], ['IN', null, '/a<']] }] as unknown as DslxTerm[];
  t.equal(internalLength(odd), referenceInternalLength(odd));
  const numericKey = [{ type: 'HEADER', key: 5, values: [['EQ', 'x']] }] as unknown as DslxTerm[];
  t.equal(internalLength(numericKey), referenceInternalLength(numericKey));
});

t.test('utf8Length equals TextEncoder, lone surrogates as U+FFFD', async (t) => {
  fc.assert(
    fc.property(text, (s) => utf8Length(s) === encoder.encode(s).length),
    { numRuns: 3000 },
  );
  t.equal(utf8Length('a\ud800b'), 5);
  t.equal(complexity([{ type: 'URL', values: [['STARTS_WITH', '/€😀']] }]), 1000 + 8 + 2);
});
