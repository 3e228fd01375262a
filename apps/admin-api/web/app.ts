// The admin API's web page: plain DOM, no framework. An admin sees ALBs, their projects and port segments with
// their use; a project member sees and edits the project's Frontends and Rules. Every form shows the API's
// validation errors next to the field they name (`issues[].path`, e.g. `body.spec.port`).
import './app.css';

type Issue = { path: string; message: string; code: string };
type ApiErrorBody = { statusCode: number; code: string; message: string; issues?: Issue[]; current?: unknown };
type PortUse = { namespace: string; name: string; port: number; projects: string[] };
type Segment = { id: string; ports: string; projects: string[]; size: number; free: number; used: PortUse[] };
type Alb = {
  namespace: string;
  name: string;
  address: string[];
  state: string;
  portProjectMode: boolean;
  projects: string[];
  segments: Segment[];
  segmentsProblem?: string;
  frontends: number;
  outsideSegments: PortUse[];
};
type AlbUsage = {
  namespace: string;
  name: string;
  portProjectMode: boolean;
  segments: Segment[];
  frontends: PortUse[];
  free: number;
};
type Service = { name: string; namespace: string; port: number; weight?: number };
type Frontend = {
  metadata: { name: string; namespace: string; labels?: Record<string, string>; resourceVersion?: string };
  spec: { port: number; protocol: string; serviceGroup?: { services?: Service[] } };
};
type DslxTerm = { type: string; key?: string; values: string[][] };
type Rule = {
  metadata: { name: string; resourceVersion?: string };
  spec: { priority?: number; dslx: DslxTerm[]; serviceGroup?: { services?: Service[] } };
};
type WhoAmI = { user: string; groups: string[]; admin: boolean; projects: string[]; source: string };

class ApiFailure extends Error {
  readonly body: ApiErrorBody;
  constructor(body: ApiErrorBody) {
    super(body.message);
    this.body = body;
  }
}

const tokenKey = 'alb-admin-token';
let me: WhoAmI | null = null;

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${sessionStorage.getItem(tokenKey) ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 204) return undefined as T;
  const json = (await response.json()) as unknown;
  if (!response.ok) throw new ApiFailure(json as ApiErrorBody);
  return json as T;
}

// ---------- DOM helpers ----------

type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | boolean | ((event: Event) => void) | undefined>;

function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, value);
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) el.append(child);
  return el;
}

/** A labelled input; `path` is the API field it feeds, so errors about it land under it. */
function field(label: string, name: string, path: string, input: Attrs = {}): HTMLElement {
  return h(
    'div',
    { class: 'field', 'data-path': path },
    h('label', { for: name }, label),
    h('input', { id: name, name, ...input }),
  );
}

function select(label: string, name: string, path: string, options: string[], value = ''): HTMLElement {
  const el = h(
    'select',
    { id: name, name },
    ...options.map((o) => h('option', { value: o, selected: o === value }, o)),
  );
  return h('div', { class: 'field', 'data-path': path }, h('label', { for: name }, label), el);
}

function value(form: HTMLElement, name: string): string {
  return (form.querySelector(`[name="${name}"]`) as HTMLInputElement).value.trim();
}

/** Errors the API names a field for, next to that field (longest matching path); the rest above the form. */
const portCodes = new Set(['ALB_ADMIN_PORT_TAKEN', 'ALB_ADMIN_PORT_NOT_ALLOWED', 'ALB_ADMIN_NO_FREE_PORT']);

function showErrors(form: HTMLElement, error: unknown): void {
  clearErrors(form);
  const body: ApiErrorBody =
    error instanceof ApiFailure ? error.body : { statusCode: 0, code: 'NETWORK', message: String(error) };
  const issues: Issue[] =
    body.issues ??
    (portCodes.has(body.code) ? [{ path: 'body.spec.port', message: body.message, code: body.code }] : []);
  const fields = [...form.querySelectorAll<HTMLElement>('[data-path]')];
  const unplaced: string[] = [];
  for (const found of issues) {
    const target = fields
      .filter(
        (f) =>
          found.path === f.dataset.path ||
          found.path.startsWith(`${f.dataset.path}.`) ||
          found.path.startsWith(`${f.dataset.path}[`),
      )
      .sort((a, b) => b.dataset.path!.length - a.dataset.path!.length)[0];
    if (target === undefined) unplaced.push(`${found.path}: ${found.message}`);
    else target.append(h('p', { class: 'field-error', role: 'alert' }, found.message));
  }
  if (issues.length === 0 || unplaced.length > 0)
    form.prepend(
      h('p', { class: 'form-error', role: 'alert' }, unplaced.length > 0 ? unplaced.join('; ') : body.message),
    );
}

function clearErrors(form: HTMLElement): void {
  for (const el of form.querySelectorAll('.field-error, .form-error')) el.remove();
}

function onSubmit(form: HTMLElement, run: () => Promise<unknown>): HTMLElement {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(form);
    run().then(
      () => void render(),
      (error: unknown) => showErrors(form, error),
    );
  });
  return form;
}

function usageBar(seg: Segment): HTMLElement {
  const used = seg.size - seg.free;
  return h(
    'span',
    { class: 'usage', title: `${used} of ${seg.size} ports used` },
    h('meter', { min: '0', max: String(seg.size), value: String(used) }),
    ` ${used}/${seg.size}`,
  );
}

const backendText = (services?: Service[]) =>
  (services ?? []).map((s) => `${s.namespace}/${s.name}:${s.port}`).join(', ') || '—';
const list = (items: string[]) => items.join(', ') || '—';

// ---------- screens ----------

function loginScreen(message?: string): HTMLElement {
  const form = h(
    'form',
    { class: 'card login' },
    h('h2', {}, 'Sign in'),
    h('p', {}, 'Paste a bearer token (file mode: a token of the token file; kube mode: a Kubernetes token).'),
    field('Token', 'token', 'token', { type: 'password', autocomplete: 'off', required: true }),
    h('button', { type: 'submit' }, 'Sign in'),
  );
  if (message !== undefined) form.prepend(h('p', { class: 'form-error', role: 'alert' }, message));
  return onSubmit(form, async () => {
    sessionStorage.setItem(tokenKey, value(form, 'token'));
    me = null;
    location.hash = '#/';
  });
}

async function albsScreen(): Promise<HTMLElement> {
  const { items } = await api<{ items: Alb[] }>('GET', '/v1/albs');
  return h(
    'section',
    {},
    h('h2', {}, 'ALBs'),
    h(
      'table',
      { class: 'albs' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['ALB', 'Address', 'State', 'Mode', 'Projects', 'Segments', 'Frontends'].map((t) => h('th', {}, t)),
        ),
      ),
      h(
        'tbody',
        {},
        ...items.map((alb) =>
          h(
            'tr',
            {},
            h('td', {}, h('a', { href: `#/albs/${alb.namespace}/${alb.name}` }, `${alb.namespace}/${alb.name}`)),
            h('td', {}, list(alb.address)),
            h('td', {}, alb.state),
            h('td', {}, alb.portProjectMode ? 'port segments' : 'projects'),
            h('td', {}, list(alb.projects)),
            h('td', {}, String(alb.segments.length)),
            h('td', {}, String(alb.frontends)),
          ),
        ),
      ),
    ),
  );
}

async function albScreen(namespace: string, name: string): Promise<HTMLElement> {
  const base = `/v1/albs/${namespace}/${name}`;
  const alb = await api<Alb>('GET', base);
  const projectsForm = onSubmit(
    h(
      'form',
      { class: 'inline', id: 'projects-form' },
      field('Projects (comma-separated, ALL_ALL = every project)', 'projects', 'body.projects', {
        value: alb.projects.join(', '),
      }),
      h('button', { type: 'submit' }, 'Save projects'),
    ),
    () => api('PUT', `${base}/projects`, { projects: splitList(value(projectsForm, 'projects')) }),
  );
  const segmentForm = onSubmit(
    h(
      'form',
      { class: 'inline', id: 'segment-form' },
      field('Ports', 'ports', 'body.ports', { placeholder: '30000-30099', required: true }),
      field('Projects', 'segment-projects', 'body.projects', { placeholder: 'p1, p2', required: true }),
      h('button', { type: 'submit' }, 'Add segment'),
    ),
    () =>
      api('POST', `${base}/port-segments`, {
        ports: value(segmentForm, 'ports'),
        projects: splitList(value(segmentForm, 'segment-projects')),
      }),
  );
  const rows = alb.segments.map((seg) => {
    const row = h(
      'tr',
      { 'data-segment': seg.id },
      h('td', {}, seg.ports),
      h('td', {}, list(seg.projects)),
      h('td', {}, usageBar(seg)),
      h('td', {}, list(seg.used.map((u) => `${u.name} (${u.port})`))),
      h('td', {}),
    );
    const remove = onSubmit(h('form', { class: 'row-action' }, h('button', { type: 'submit' }, 'Delete')), () =>
      api('DELETE', `${base}/port-segments/${seg.id}`),
    );
    row.lastElementChild!.append(remove);
    return row;
  });
  return h(
    'section',
    {},
    h('p', {}, h('a', { href: '#/albs' }, '← ALBs')),
    h('h2', {}, `ALB ${namespace}/${name}`),
    h(
      'p',
      { class: 'facts' },
      `Address ${list(alb.address)} · state ${alb.state} · `,
      alb.portProjectMode ? 'port-project mode' : 'project mode',
      ` · ${alb.frontends} Frontends`,
    ),
    alb.segmentsProblem !== undefined && h('p', { class: 'form-error' }, alb.segmentsProblem),
    h('h3', {}, 'Projects'),
    projectsForm,
    h('h3', {}, 'Port segments'),
    h(
      'table',
      { class: 'segments' },
      h('thead', {}, h('tr', {}, ...['Ports', 'Projects', 'Used', 'Frontends', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, ...rows),
    ),
    segmentForm,
    alb.outsideSegments.length > 0 &&
      h(
        'p',
        { class: 'warning' },
        `Outside every segment of their projects: ${alb.outsideSegments.map((u) => `${u.name} (${u.port})`).join(', ')}`,
      ),
  );
}

async function projectScreen(project: string): Promise<HTMLElement> {
  const [usage, frontends] = await Promise.all([
    api<{ albs: AlbUsage[] }>('GET', `/v1/projects/${project}/usage`),
    api<{ items: Frontend[] }>('GET', `/v1/projects/${project}/frontends`),
  ]);
  const albNames = usage.albs.map((a) => `${a.namespace}/${a.name}`);
  const newFrontend = onSubmit(
    h(
      'form',
      { class: 'card', id: 'frontend-form' },
      h('h3', {}, 'Open a port'),
      select('ALB', 'alb', 'body.alb', albNames),
      field('Port (empty: the lowest free one)', 'port', 'body.spec.port', { inputmode: 'numeric' }),
      select('Protocol', 'protocol', 'body.spec.protocol', ['http', 'https', 'tcp', 'udp', 'grpc']),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Default backend (optional)'),
        ...serviceFields('body.spec.serviceGroup.services[0]'),
      ),
      h('button', { type: 'submit' }, 'Create Frontend'),
    ),
    () => {
      const [namespace, name] = value(newFrontend, 'alb').split('/');
      const port = value(newFrontend, 'port');
      const spec: Record<string, unknown> = { protocol: value(newFrontend, 'protocol') };
      if (port !== '') spec.port = Number.isInteger(Number(port)) ? Number(port) : port;
      const service = serviceFrom(newFrontend);
      if (service !== null) spec.serviceGroup = { services: [service] };
      return api('POST', `/v1/projects/${project}/frontends`, { alb: { namespace, name }, spec });
    },
  );
  return h(
    'section',
    {},
    h('h2', {}, `Project ${project}`),
    h('h3', {}, 'Usage'),
    usage.albs.length === 0
      ? h('p', {}, 'No ALB has ports for this project yet.')
      : h(
          'div',
          { class: 'usage-cards' },
          ...usage.albs.map((a) =>
            h(
              'div',
              { class: 'card' },
              h('h4', {}, `${a.namespace}/${a.name}`),
              h(
                'p',
                {},
                a.portProjectMode
                  ? `${a.free} free ports in its segments`
                  : `serves the project (${a.free} free ports)`,
              ),
              ...a.segments.map((seg) => h('p', {}, `${seg.ports}: `, usageBar(seg))),
            ),
          ),
        ),
    h('h3', {}, 'Frontends'),
    h(
      'table',
      { class: 'frontends' },
      h(
        'thead',
        {},
        h('tr', {}, ...['Frontend', 'ALB', 'Port', 'Protocol', 'Default backend'].map((t) => h('th', {}, t))),
      ),
      h(
        'tbody',
        {},
        ...frontends.items.map((ft) =>
          h(
            'tr',
            {},
            h(
              'td',
              {},
              h(
                'a',
                { href: `#/projects/${project}/frontends/${ft.metadata.namespace}/${ft.metadata.name}` },
                ft.metadata.name,
              ),
            ),
            h('td', {}, `${ft.metadata.namespace}/${ft.metadata.labels?.['alb2.cpaas.io/name'] ?? '?'}`),
            h('td', {}, String(ft.spec.port)),
            h('td', {}, ft.spec.protocol),
            h('td', {}, backendText(ft.spec.serviceGroup?.services)),
          ),
        ),
      ),
    ),
    albNames.length > 0 && newFrontend,
  );
}

function serviceFields(path: string, service?: Service): HTMLElement[] {
  return [
    field('Service', 'svc-name', `${path}.name`, { value: service?.name ?? '' }),
    field('Namespace', 'svc-namespace', `${path}.namespace`, { value: service?.namespace ?? '' }),
    field('Service port', 'svc-port', `${path}.port`, {
      value: service === undefined ? '' : String(service.port),
      inputmode: 'numeric',
    }),
  ];
}

/** The backend service of a form, or null when its fields are empty. Numbers stay text when not numbers. */
function serviceFrom(form: HTMLElement): Service | null {
  const name = value(form, 'svc-name');
  const namespace = value(form, 'svc-namespace');
  const port = value(form, 'svc-port');
  if (name === '' && namespace === '' && port === '') return null;
  return { name, namespace, port: (/^\d+$/.test(port) ? Number(port) : port) as number, weight: 100 };
}

async function frontendScreen(project: string, namespace: string, name: string): Promise<HTMLElement> {
  const base = `/v1/projects/${project}/frontends/${namespace}/${name}`;
  const ft = await api<Frontend>('GET', base);
  const l7 = ['http', 'https', 'grpc'].includes(ft.spec.protocol);
  const rules = l7 ? (await api<{ items: Rule[] }>('GET', `${base}/rules`)).items : [];
  const backend = onSubmit(
    h(
      'form',
      { class: 'card', id: 'backend-form' },
      h('h3', {}, 'Default backend'),
      ...serviceFields('body.spec.serviceGroup.services[0]', ft.spec.serviceGroup?.services?.[0]),
      h('button', { type: 'submit' }, 'Save'),
    ),
    () => {
      const service = serviceFrom(backend);
      const spec = { ...ft.spec, serviceGroup: service === null ? undefined : { services: [service] } };
      return api('PUT', base, { spec, resourceVersion: ft.metadata.resourceVersion });
    },
  );
  const newRule = onSubmit(
    h(
      'form',
      { class: 'card', id: 'rule-form' },
      h('h3', {}, 'Add a rule'),
      field('Name (optional)', 'rule-name', 'body.name'),
      field('Priority (lower first)', 'priority', 'body.spec.priority', { value: '5', inputmode: 'numeric' }),
      field('Host (optional)', 'host', 'body.spec.dslx[1]', { placeholder: 'shop.example.com' }),
      field('Path prefix', 'path', 'body.spec.dslx[0]', { value: '/', required: true }),
      h('fieldset', {}, h('legend', {}, 'Backend'), ...serviceFields('body.spec.serviceGroup.services[0]')),
      h('button', { type: 'submit' }, 'Add rule'),
    ),
    () => {
      const dslx: DslxTerm[] = [{ type: 'URL', values: [['PATH_PREFIX', value(newRule, 'path')]] }];
      if (value(newRule, 'host') !== '') dslx.push({ type: 'HOST', values: [['EQ', value(newRule, 'host')]] });
      const priority = value(newRule, 'priority');
      const spec: Record<string, unknown> = { priority: /^-?\d+$/.test(priority) ? Number(priority) : priority, dslx };
      const service = serviceFrom(newRule);
      if (service !== null) spec.serviceGroup = { services: [service] };
      const name = value(newRule, 'rule-name');
      return api('POST', `${base}/rules`, name === '' ? { spec } : { name, spec });
    },
  );
  return h(
    'section',
    {},
    h('p', {}, h('a', { href: `#/projects/${project}` }, `← Project ${project}`)),
    h('h2', {}, `Frontend ${namespace}/${name}`),
    h(
      'p',
      { class: 'facts' },
      `Port ${ft.spec.port} · ${ft.spec.protocol} · default backend ${backendText(ft.spec.serviceGroup?.services)}`,
    ),
    backend,
    l7 &&
      h(
        'div',
        {},
        h('h3', {}, 'Rules'),
        h(
          'table',
          { class: 'rules' },
          h('thead', {}, h('tr', {}, ...['Rule', 'Priority', 'Match', 'Backend', ''].map((t) => h('th', {}, t)))),
          h(
            'tbody',
            {},
            ...rules.map((rule) => {
              const remove = onSubmit(
                h('form', { class: 'row-action' }, h('button', { type: 'submit' }, 'Delete')),
                () => api('DELETE', `${base}/rules/${rule.metadata.name}`),
              );
              return h(
                'tr',
                {},
                h('td', {}, rule.metadata.name),
                h('td', {}, String(rule.spec.priority ?? '')),
                h(
                  'td',
                  {},
                  rule.spec.dslx.map((t) => `${t.type} ${t.values.map((v) => v.join(' ')).join(' | ')}`).join(' & '),
                ),
                h('td', {}, backendText(rule.spec.serviceGroup?.services)),
                h('td', {}, remove),
              );
            }),
          ),
        ),
        newRule,
      ),
    h(
      'form',
      { class: 'row-action danger', id: 'delete-frontend' },
      h('button', { type: 'submit' }, 'Delete this Frontend'),
    ),
  );
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

// ---------- routing ----------

function navigation(): HTMLElement {
  if (me === null) return h('span');
  const projectForm = h(
    'form',
    { class: 'nav-project' },
    h('input', { name: 'project', placeholder: 'project', list: 'projects', 'aria-label': 'project' }),
    h('datalist', { id: 'projects' }, ...me.projects.map((p) => h('option', { value: p }))),
    h('button', { type: 'submit' }, 'Open'),
  );
  projectForm.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/projects/${value(projectForm, 'project')}`;
  });
  const signOut = h('button', { type: 'button', class: 'link' }, 'Sign out');
  signOut.addEventListener('click', () => {
    sessionStorage.removeItem(tokenKey);
    me = null;
    void render();
  });
  return h(
    'span',
    {},
    me.admin && h('a', { href: '#/albs' }, 'ALBs'),
    ...me.projects.map((p) => h('a', { href: `#/projects/${p}` }, p)),
    projectForm,
    h('span', { class: 'user' }, `${me.user} (${me.source} mode)`),
    signOut,
  );
}

async function screen(): Promise<HTMLElement> {
  if (sessionStorage.getItem(tokenKey) === null) return loginScreen();
  if (me === null) {
    try {
      me = await api<WhoAmI>('GET', '/v1/whoami');
    } catch (error) {
      sessionStorage.removeItem(tokenKey);
      return loginScreen(error instanceof ApiFailure ? error.body.message : String(error));
    }
  }
  const parts = location.hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  if (parts[0] === 'albs' && parts.length === 3) return albScreen(parts[1]!, parts[2]!);
  if (parts[0] === 'albs') return albsScreen();
  if (parts[0] === 'projects' && parts.length === 5) return frontendScreen(parts[1]!, parts[3]!, parts[4]!);
  if (parts[0] === 'projects' && parts.length === 2) return projectScreen(parts[1]!);
  if (me.admin) return albsScreen();
  if (me.projects.length > 0) return projectScreen(me.projects[0]!);
  return h('p', {}, 'This token may not manage ALBs and belongs to no known project: open a project above.');
}

async function render(): Promise<void> {
  const app = document.getElementById('app')!;
  let content: HTMLElement;
  try {
    content = await screen();
  } catch (error) {
    content = h('p', { class: 'form-error', role: 'alert' }, error instanceof Error ? error.message : String(error));
  }
  document.getElementById('nav')!.replaceChildren(navigation());
  app.replaceChildren(content);
  const remove = app.querySelector<HTMLElement>('#delete-frontend');
  if (remove !== null) {
    const [, project, , namespace, name] = location.hash.replace(/^#\/?/, '').split('/');
    onSubmit(remove, async () => {
      await api('DELETE', `/v1/projects/${project}/frontends/${namespace}/${name}`);
      location.hash = `#/projects/${project}`;
    });
  }
}

window.addEventListener('hashchange', () => void render());
void render();
