// The web page in real headless Chromium (Debian's chromium driven by playwright-core): an admin adds port
// segments, a project member opens a port and adds a Rule; the API's validation errors appear next to the field
// they name. UPDATE_SCREENSHOTS=1 writes the screenshots shown in the README (docs/*.png).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import t from 'tap';
import { albYaml, fileApp, frontendYaml, tokens } from './helpers.ts';

const chromiumPath = '/usr/bin/chromium';
const webDir = fileURLToPath(new URL('../dist/web', import.meta.url));
const docs = fileURLToPath(new URL('../docs', import.meta.url));

async function shoot(page: Page, name: string): Promise<void> {
  const path = process.env.UPDATE_SCREENSHOTS === '1' ? join(docs, name) : join(tmpdir(), `alb-admin-${name}`);
  await page.screenshot({ path, fullPage: true });
}

const fieldError = (page: Page, form: string, path: string) =>
  page.locator(`${form} [data-path="${path}"] .field-error`).textContent();

t.test('admin and tenant flows in Chromium', { timeout: 120_000 }, async (t) => {
  t.ok(existsSync(chromiumPath), 'chromium is installed (.ci/run installs it)');
  t.ok(existsSync(join(webDir, 'app.js')), 'the page is built (the test target builds it)');
  const { app, dir } = await fileApp(
    t,
    {
      'alb.yaml': albYaml('lb').replace('[ALL_ALL]', '[p1, p2]'),
      'edge.yaml': albYaml('edge').replace('192.0.2.1', '192.0.2.7'),
      'fts.yaml': frontendYaml('lb-00080', 80, ', project.cpaas.io/p2: "true"'),
    },
    { webDir },
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/`;
  const profile = mkdtempSync(join(tmpdir(), 'alb-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1180, height: 820 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  t.teardown(async () => {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  });
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of (400|401|409)/.test(message.text())) problems.push(message.text());
  });

  // --- the admin ---
  await page.goto(url);
  await page.fill('#token', 'wrong');
  await page.click('form.login button');
  await page.waitForSelector('form.login .form-error');
  t.match(await page.textContent('form.login .form-error'), /the token is not valid/, 'a bad token is refused');
  await page.fill('#token', tokens.admin);
  await page.click('form.login button');
  await page.waitForSelector('table.albs');
  t.same(
    await page.locator('table.albs tbody tr td:first-child').allTextContents(),
    ['albs/edge', 'albs/lb'],
    'the admin sees the ALBs',
  );
  await shoot(page, 'admin-albs.png');
  await page.click('text=albs/lb');
  await page.waitForSelector('#segment-form');
  await page.fill('#ports', '90-80');
  await page.fill('#segment-projects', 'p1');
  await page.click('#segment-form button');
  await page.waitForSelector('#segment-form .field-error');
  t.match(await fieldError(page, '#segment-form', 'body.ports'), /start <= end, got "90-80"/, 'error under Ports');
  await page.fill('#segment-projects', 'p1, Not A Project');
  await page.fill('#ports', '30000-30009');
  await page.click('#segment-form button');
  await page.waitForSelector('#segment-form [data-path="body.projects"] .field-error');
  t.match(await fieldError(page, '#segment-form', 'body.projects'), /must look like/, 'error under Projects');
  await page.fill('#segment-projects', 'p1');
  await page.click('#segment-form button');
  await page.waitForSelector('tr[data-segment="30000-30009"]');
  await page.fill('#ports', '80-90');
  await page.fill('#segment-projects', 'p2');
  await page.click('#segment-form button');
  await page.waitForSelector('tr[data-segment="80-90"]');
  t.match(
    await page.textContent('tr[data-segment="80-90"]'),
    /lb-00080 \(80\)/,
    'the segment lists the Frontend in it',
  );
  await page.fill('#ports', '30005-30020');
  await page.fill('#segment-projects', 'p2');
  await page.click('#segment-form button');
  await page.waitForSelector('#segment-form .form-error');
  t.match(
    await page.textContent('#segment-form .form-error'),
    /overlap segment 30000-30009/,
    'a conflict above the form',
  );
  await page.fill('#ports', '31000-31004');
  await page.click('#segment-form button');
  await page.waitForSelector('tr[data-segment="31000-31004"]');
  await shoot(page, 'admin-alb.png');

  // --- a project member ---
  await page.click('text=Sign out');
  await page.fill('#token', tokens.p1);
  await page.click('form.login button');
  await page.waitForSelector('#frontend-form');
  t.match(await page.textContent('main h2'), /Project p1/, 'a member lands on their project');
  await page.selectOption('#alb', 'albs/lb');
  await page.fill('#port', '31000');
  await page.click('#frontend-form button[type=submit]');
  await page.waitForSelector('#frontend-form .field-error');
  t.match(
    await fieldError(page, '#frontend-form', 'body.spec.port'),
    /port 31000 is not in a port segment of project p1/,
    'a port outside the project is refused next to the port',
  );
  await shoot(page, 'tenant-port-error.png');
  await page.fill('#port', '');
  await page.fill('#svc-name', 'web');
  await page.fill('#svc-namespace', 'demo');
  await page.fill('#svc-port', 'eighty');
  await page.click('#frontend-form button[type=submit]');
  await page.waitForSelector('#frontend-form [data-path="body.spec.serviceGroup.services[0].port"] .field-error');
  t.match(
    await fieldError(page, '#frontend-form', 'body.spec.serviceGroup.services[0].port'),
    /must be an integer, got "eighty"/,
  );
  await page.fill('#svc-port', '80');
  await page.click('#frontend-form button[type=submit]');
  await page.waitForSelector('table.frontends >> text=lb-30000');
  await shoot(page, 'tenant-project.png');
  await page.click('text=lb-30000');
  await page.waitForSelector('#rule-form');
  await page.fill('#priority', 'first');
  await page.fill('#path', '/api');
  await page.click('#rule-form button[type=submit]');
  await page.waitForSelector('#rule-form .field-error');
  t.match(await fieldError(page, '#rule-form', 'body.spec.priority'), /must be an integer, got "first"/);
  await page.fill('#priority', '3');
  await page.fill('#path', 'api');
  await page.click('#rule-form button[type=submit]');
  await page.waitForSelector('#rule-form [data-path="body.spec.dslx[0]"] .field-error');
  t.match(
    await fieldError(page, '#rule-form', 'body.spec.dslx[0]'),
    /./,
    'a path that is not one is refused next to the path',
  );
  await page.fill('#path', '/api');
  await page.fill('#rule-name', 'api');
  await page.locator('#rule-form #svc-name').fill('api');
  await page.locator('#rule-form #svc-namespace').fill('demo');
  await page.locator('#rule-form #svc-port').fill('80');
  await page.click('#rule-form button[type=submit]');
  await page.waitForSelector('table.rules >> text=api');
  t.match(await page.textContent('table.rules tbody'), /URL PATH_PREFIX \/api/);
  await shoot(page, 'tenant-frontend.png');
  t.ok(existsSync(join(dir, 'admin-api', 'rule.albs.api.yaml')), 'the Rule is in the directory');
  await page.click('#delete-frontend button');
  await page.waitForSelector('table.frontends');
  t.equal(await page.locator('table.frontends tbody tr').count(), 0, 'the Frontend is gone');
  t.same(problems, [], 'no script errors in the page');
});
