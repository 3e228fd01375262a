// nginx variables for header rewrites, as a table: `$arg_*` is raw (percent-encoding kept), `$uri` decoded.
import t from 'tap';
import { rawQueryArg } from '../src/actions/path-encoding.ts';
import { compileVariable } from '../src/actions/variables.ts';
import { requestContext } from './helpers.ts';

t.test('rawQueryArg: first name=value, case-insensitive name, raw value', async (t) => {
  const table: Array<[string, string, string | undefined]> = [
    ['/p?q=1', 'q', '1'],
    ['/p?a=1&q=%0d%0a&q=2', 'q', '%0d%0a'],
    ['/p?Q=up', 'q', 'up'],
    ['/p?qq=1&q=2', 'q', '2'],
    ['/p?q', 'q', undefined],
    ['/p?q=', 'q', ''],
    ['/p', 'q', undefined],
    ['/p?x=1#q=2', 'q', undefined],
    ['/p?a+b=1', 'a+b', '1'],
  ];
  for (const [target, name, want] of table) t.equal(rawQueryArg(target, name), want, `${name} in ${target}`);
});

t.test('variables read nginx’s values', async (t) => {
  const ctx = requestContext(
    'GET /a%20b/../c?q=%41%0d&r HTTP/1.1\r\nHost: Shop.Example:80\r\nCookie: s="v"\r\nX-Y: z\r\n\r\n',
    '10.0.0.1',
    80,
  );
  const table: Array<[string, string | undefined]> = [
    ['uri', '/c'],
    ['request_uri', '/a%20b/../c?q=%41%0d&r'],
    ['args', 'q=%41%0d&r'],
    ['arg_q', '%41%0d'],
    ['arg_r', undefined],
    ['host', 'shop.example'],
    ['http_x_y', 'z'],
    ['cookie_s', 'v'],
    ['remote_addr', '10.0.0.1'],
    ['request_method', 'GET'],
    ['server_port', '80'],
  ];
  for (const [name, want] of table) t.equal(compileVariable(name)!(ctx), want, name);
  t.equal(compileVariable('nope'), null, 'unknown variables are refused at config time');
});
