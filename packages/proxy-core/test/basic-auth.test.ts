import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { basicCredential } from '../src/auth/basic-auth.ts';
import { hashFormat, verifyPassword } from '../src/auth/password-hash.ts';
import { get, group, listener, prefixRule, raw, startBackend, startEngine, freePort, statusLines } from './helpers.ts';
import { parseHtpasswd, type DataPlaneConfig } from '../src/index.ts';

/** Runs Debian's htpasswd (apache2-utils): every hash under test is written by Apache's own tool. */
function htpasswd(file: string, flag: string, user: string, password: string): void {
  execFileSync('htpasswd', ['-b', flag, file, user, password], { stdio: 'ignore' });
}

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

t.test('basic auth with an htpasswd file written by htpasswd', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'alb-htpasswd-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'auth');
  execFileSync('htpasswd', ['-c', '-b', '-B', '-C', '10', file, 'alice', 'wonder land'], { stdio: 'ignore' });
  htpasswd(file, '-m', 'bob', 'apr1-pw');
  htpasswd(file, '-s', 'carol', 'sha1-pw');
  htpasswd(file, '-d', 'dave', 'crypt-pw');
  htpasswd(file, '-B', 'émile', 'pässwörd');
  const parsed = parseHtpasswd(readFileSync(file, 'utf8'));
  t.same(parsed.problems, []);
  t.same(Object.keys(parsed.users), ['alice', 'bob', 'carol', 'dave', 'émile']);
  t.same(
    Object.values(parsed.users).map((h) => hashFormat(h)),
    ['bcrypt', 'apr1', 'sha1', 'crypt', 'bcrypt'],
  );

  const backend = await startBackend(t, 'app');
  const port = await freePort();
  const config = (users: Record<string, string>): DataPlaneConfig => ({
    backendGroups: [group('app', backend)],
    listeners: [
      listener(port, [
        prefixRule('private', '/private', 'app', { auth: { kind: 'basic', realm: 'Staff only', users } }),
        prefixRule('public', '/', 'app'),
      ]),
    ],
  });
  const engine = await startEngine(t, config(parsed.users));

  await t.test('each hash format lets the right password in and keeps a wrong one out', async (t) => {
    const cases: Array<[string, string]> = [
      ['alice', 'wonder land'],
      ['bob', 'apr1-pw'],
      ['carol', 'sha1-pw'],
      ['dave', 'crypt-pw'],
      ['émile', 'pässwörd'],
    ];
    for (const [user, password] of cases) {
      const ok = await get(port, '/private', { headers: basic(user, password) });
      t.equal(ok.status, 200, `${user}: right password`);
      t.equal(ok.headers['x-backend'], 'app');
      // Cached now: the same credential again, then a wrong one, which the cache must not let in.
      t.equal((await get(port, '/private', { headers: basic(user, password) })).status, 200, `${user}: again`);
      const wrong = await get(port, '/private', { headers: basic(user, `x${password}`) });
      t.equal(wrong.status, 401, `${user}: wrong password`);
      t.equal(wrong.headers['www-authenticate'], 'Basic realm="Staff only"');
    }
  });

  await t.test('missing, malformed and unknown credentials', async (t) => {
    const none = await get(port, '/private');
    t.equal(none.status, 401);
    t.equal(none.headers['www-authenticate'], 'Basic realm="Staff only"');
    t.match(none.headers['x-alb-err-reason'], /AuthFail/);
    t.equal((await get(port, '/private', { headers: { authorization: 'Bearer x' } })).status, 401);
    t.equal((await get(port, '/private', { headers: { authorization: 'Basic %%%' } })).status, 401);
    t.equal((await get(port, '/private', { headers: { authorization: `Basic ${'QUFB'.repeat(2000)}` } })).status, 401);
    t.equal((await get(port, '/private', { headers: basic('mallory', 'wonder land') })).status, 401);
    t.equal((await get(port, '/public')).status, 200, 'other rules are not affected');
    const seenPrivate = backend.seen.filter((s) => s.url === '/private' && s.headers.authorization === undefined);
    t.equal(seenPrivate.length, 0, 'nothing unauthenticated reached the upstream');
  });

  await t.test('the credential goes upstream as sent (as nginx does)', async (t) => {
    await get(port, '/private', { headers: basic('bob', 'apr1-pw') });
    t.equal(backend.seen.at(-1)!.headers.authorization, basic('bob', 'apr1-pw').authorization);
  });

  await t.test('a changed hash applies at once: the cached success does not outlive it', async (t) => {
    t.equal((await get(port, '/private', { headers: basic('bob', 'apr1-pw') })).status, 200);
    htpasswd(file, '-m', 'bob', 'new-pw');
    await engine.apply(config(parseHtpasswd(readFileSync(file, 'utf8')).users));
    t.equal((await get(port, '/private', { headers: basic('bob', 'apr1-pw') })).status, 401, 'old password');
    t.equal((await get(port, '/private', { headers: basic('bob', 'new-pw') })).status, 200, 'new password');
  });

  await t.test('a denied request with a body, then an allowed one, on one connection', async (t) => {
    const auth = basic('carol', 'sha1-pw').authorization;
    const text = (
      await raw(
        port,
        'POST /private HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc' +
          `POST /private HTTP/1.1\r\nHost: a\r\nAuthorization: ${auth}\r\nContent-Length: 3\r\n\r\nxyz`,
        800,
      )
    ).text;
    t.same(statusLines(text), [401, 200]);
    t.equal(backend.seen.at(-1)!.body, 'xyz');
  });
});

t.test('hash formats that cannot be used are reported, never served open', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'alb-htpasswd-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'auth');
  execFileSync('htpasswd', ['-c', '-b', '-p', file, 'plain', 'pw'], { stdio: 'ignore' });
  htpasswd(file, '-5', 'sha512', 'pw');
  htpasswd(file, '-B', 'good', 'pw');
  const parsed = parseHtpasswd(`${readFileSync(file, 'utf8')}\n# comment\nno-colon-line\n`);
  t.same(Object.keys(parsed.users), ['good']);
  t.equal(parsed.problems.length, 3);
  t.match(parsed.problems[0], /line 6: not "user:hash"/);
  t.match(parsed.problems[1], /"plain".*plain-text passwords are refused/);
  t.match(parsed.problems[2], /"sha512".*SHA-256\/512-crypt/);
  t.notMatch(parsed.problems.join(' '), /\$2y\$|pw/, 'problems never quote a hash or password');

  const backend = await startBackend(t, 'app');
  const port = await freePort();
  const config: DataPlaneConfig = {
    backendGroups: [group('app', backend)],
    listeners: [
      listener(port, [
        prefixRule('bad-realm', '/a', 'app', { auth: { kind: 'basic', realm: 'x"y', users: {} } }),
        prefixRule('bad-hash', '/b', 'app', { auth: { kind: 'basic', users: { plain: 'pw' } } }),
      ]),
    ],
  };
  const engine = await startEngine(t, config);
  const issues = (await engine.apply(config)).issues;
  t.same(
    issues.map((i) => [i.rule, i.field]),
    [
      ['bad-realm', 'auth.realm'],
      ['bad-hash', 'auth.users["plain"]'],
    ],
  );
  t.equal((await get(port, '/a')).status, 404, 'a rule with a bad realm is left out');
  t.equal(
    (await get(port, '/b', { headers: basic('plain', 'pw') })).status,
    401,
    'a user with an unusable hash cannot log in',
  );
});

t.test('a deny auth (what a missing Secret gives) answers 503', async (t) => {
  const backend = await startBackend(t, 'app');
  const port = await freePort();
  await startEngine(t, {
    backendGroups: [group('app', backend)],
    listeners: [
      listener(port, [prefixRule('r', '/', 'app', { auth: { kind: 'deny', reason: 'Secret ns/x not found' } })]),
    ],
  });
  const r = await get(port, '/');
  t.equal(r.status, 503);
  t.equal(r.headers['x-alb-err-reason'], 'AuthFail : Secret ns/x not found');
  t.equal(backend.seen.length, 0);
});

t.test('basicCredential and verifyPassword', async (t) => {
  t.same(basicCredential('Basic ' + Buffer.from('a:b:c').toString('base64')), { user: 'a', password: 'b:c' });
  t.same(basicCredential('basic ' + Buffer.from('a:').toString('base64')), { user: 'a', password: '' });
  t.equal(basicCredential('Basic ' + Buffer.from('nocolon').toString('base64')), null);
  t.equal(basicCredential(['Basic x', 'Basic y']), null, 'a repeated Authorization is refused');
  t.equal(basicCredential(undefined), null);
  // bcrypt truncates at 72 bytes, as Apache's does: documented behaviour, checked against htpasswd's own hash.
  const hash = execFileSync('htpasswd', ['-nbB', '-C', '5', 'u', 'x'.repeat(72)], { encoding: 'utf8' })
    .trim()
    .split(':')[1]!;
  t.equal(await verifyPassword('bcrypt', hash, 'x'.repeat(72)), true);
  t.equal(await verifyPassword('bcrypt', hash, 'x'.repeat(71)), false);
  // crypt(3) DES reads 8 characters, in Apache as here: the reason htpasswd itself calls it insecure.
  const des = execFileSync('htpasswd', ['-nbd', 'u', 'abcdefgh'], { encoding: 'utf8' }).trim().split(':')[1]!;
  t.equal(verifyPassword('crypt', des, 'abcdefgh'), true);
  t.equal(verifyPassword('crypt', des, 'abcdefghIJK'), true);
  t.equal(verifyPassword('crypt', des, 'abcdefgX'), false);
});
