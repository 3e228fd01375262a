import type { HeaderList } from '../actions/header-rewrite.ts';
import { fieldLine } from '../http/head-bytes.ts';
import type { UnsafeValueCounter } from '../proxy/forward-heads.ts';

/**
 * A built request head (ending in CRLF CRLF) with `fields` added before its end, or null (counted) when one of them
 * cannot be written safely: auth-derived fields are all or nothing, so a request never goes upstream half-labelled.
 */
export function appendFields(head: Buffer, fields: HeaderList, stats: UnsafeValueCounter): Buffer | null {
  let lines = '';
  for (let i = 0; i < fields.length; i += 2) {
    const line = fieldLine(fields[i]!, fields[i + 1]!);
    if (line === null) {
      stats.unsafeHeaderValues++;
      return null;
    }
    lines += line;
  }
  return Buffer.concat([head.subarray(0, head.length - 2), Buffer.from(`${lines}\r\n`, 'latin1')]);
}
