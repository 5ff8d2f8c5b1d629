/**
 * Study storages as untrusted input, through the CLI: no database password in any output, the
 * read-only commands (studies, trials, report, dashboard) write nothing to a storage, a file
 * that is not a SQLite database is one located message with exit code 2, the dashboard's
 * headers and Host check on every route, and stored strings printed with their control
 * characters made visible.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { PostgresStorage, SqliteStorage } from '@vaekit/study';

const BIN = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-sec-storage-'));
const STACK = /\n\s+at /;

/** Runs the CLI; `maxRssKiB` is the child's peak resident memory. */
function run(args: string[], cwd: string, o: { user?: string; timeout?: number } = {}) {
  const cmd = o.user ? 'runuser' : '/usr/bin/time';
  const pre = o.user ? ['-u', o.user, '--', '/usr/bin/time', '-f', 'RSS=%M', process.execPath, BIN] : ['-f', 'RSS=%M', process.execPath, BIN];
  const r = spawnSync(cmd, [...pre, ...args], { cwd, encoding: 'utf8', timeout: o.timeout ?? 20_000 });
  const m = /RSS=(\d+)\n?$/.exec(r.stderr ?? '');
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: (r.stderr ?? '').replace(/(Command exited with non-zero status \d+\n)?RSS=\d+\n?$/, ''), maxRssKiB: m ? Number(m[1]) : NaN };
}

/** A dashboard process and its URL (from its start line). */
async function startDashboard(args: string[], cwd: string): Promise<{ child: ChildProcess; url: string; out: () => string }> {
  const child = spawn(process.execPath, [BIN, 'dashboard', '--port', '0', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dashboard did not start: ${out}`)), 20_000);
    const check = () => {
      const m = /vaekit dashboard: (http:\/\/\S+\/) /.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', () => reject(new Error(`dashboard exited: ${out}`)));
  });
  return { child, url, out: () => out };
}

function get(url: string, host?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request(
      { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port, path: u.pathname, method: 'GET', headers: host === undefined || host === '' ? {} : { Host: host }, setHost: host !== '' },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

const EVIL_STUDY = 'evil\x1b]0;pwned\x07\x1b[2J\u202egnp.exe\x9b31m';
const EVIL_PARAM = 'model.beta\x1b[8m\u2066';
const EVIL_ERROR = 'boom\x1b[31m red \r\x00\u2029 next';
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]/; // what must never reach the terminal (tab and newline are the table's own)

/** A SQLite study database holding hostile strings (names, values, an error), closed cleanly (WAL mode, no side files left). */
async function hostileDb(file: string): Promise<void> {
  const s = new SqliteStorage(file);
  const id = await s.createStudy(EVIL_STUDY, 'minimize', { metric: 'negElbo\x1b[5m' });
  const dist = { type: 'categorical', choices: ['a\x1b[1mb', 'plain'] } as never;
  const t0 = await s.createTrial(id, { params: { [EVIL_PARAM]: 'a\x1b[1mb' }, distributions: { [EVIL_PARAM]: dist } });
  await s.finishTrial(id, t0!.number, 'COMPLETE', 12.5);
  const t1 = await s.createTrial(id, { params: { [EVIL_PARAM]: 'plain' }, distributions: { [EVIL_PARAM]: dist } });
  await s.finishTrial(id, t1!.number, 'FAIL', undefined, EVIL_ERROR);
  await s.createStudy('plain-study', 'maximize');
  await s.close();
}

function dirState(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir).sort()) {
    const st = fs.statSync(path.join(dir, f));
    out[f] = st.isFile() ? `${st.size}:${st.mtimeMs}:${fs.readFileSync(path.join(dir, f)).toString('base64')}` : 'dir';
  }
  return out;
}

const canRunAsNobody = (() => {
  try {
    return process.getuid?.() === 0 && spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, '-e', `require(${JSON.stringify(BIN)})`]).status === 0;
  } catch {
    return false;
  }
})();

describe('read-only commands on a study database the user cannot write', () => {
  let dir: string;
  let file: string;
  let before: Record<string, string>;
  beforeAll(async () => {
    const root = tmp();
    fs.chmodSync(root, 0o755);
    dir = path.join(root, 'shared');
    fs.mkdirSync(dir);
    file = path.join(dir, 'studies.db');
    await hostileDb(file);
    fs.chmodSync(file, 0o444);
    fs.chmodSync(dir, 0o555);
    before = dirState(dir);
  });
  afterAll(() => fs.chmodSync(dir, 0o755));

  it('studies and trials list it, write nothing (bytes, mtime, no -wal/-shm) and print stored strings escaped', () => {
    const st = run(['studies', '--storage', `sqlite:${file}`], os.tmpdir());
    expect(st.stderr).toBe('');
    expect(st.code).toBe(0);
    expect(st.stdout).not.toMatch(RAW);
    expect(st.stdout).toContain('evil\\x1b]0;pwned\\x07\\x1b[2J\\u202egnp.exe\\x9b31m  minimize');
    expect(st.stdout).toContain('plain-study  maximize');
    const js = run(['studies', '--storage', `sqlite:${file}`, '--json'], os.tmpdir());
    expect(js.code).toBe(0);
    expect(js.stdout).not.toMatch(RAW);
    expect(JSON.parse(js.stdout)[0].name).toBe(EVIL_STUDY);

    const tr = run(['trials', '--storage', `sqlite:${file}`, '--study', EVIL_STUDY], os.tmpdir());
    expect(tr.stderr).toBe('');
    expect(tr.code).toBe(0);
    expect(tr.stdout).not.toMatch(RAW);
    expect(tr.stdout).toContain('\\u001b[8m\\u2066'); // the parameter name, inside the JSON of the parameters
    expect(tr.stdout).toContain('boom\\x1b[31m red \\x0d\\x00\\u2029 next');
    const tj = run(['trials', '--storage', `sqlite:${file}`, '--study', EVIL_STUDY, '--json'], os.tmpdir());
    expect(tj.code).toBe(0);
    expect(tj.stdout).not.toMatch(RAW);
    expect(JSON.parse(tj.stdout)[1].error).toBe(EVIL_ERROR);

    const missing = run(['trials', '--storage', `sqlite:${file}`, '--study', 'x\x1b[2Jy'], os.tmpdir());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no study "x\\x1b[2Jy"');
    expect(missing.stderr).not.toMatch(RAW);
    expect(dirState(dir)).toEqual(before);
  });

  it('report writes its file elsewhere and nothing beside the database', () => {
    const out = path.join(tmp(), 'r.html');
    const r = run(['report', '--study', EVIL_STUDY, '--storage', `sqlite:${file}`, '--out', out], os.tmpdir());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toContain('Study evil');
    expect(dirState(dir)).toEqual(before);
  });

  (canRunAsNobody ? it : it.skip)('studies, trials and report work as a user who can write neither the file nor its folder', () => {
    const outDir = tmp();
    fs.chmodSync(outDir, 0o777);
    for (const args of [
      ['studies', '--storage', `sqlite:${file}`],
      ['trials', '--storage', `sqlite:${file}`, '--study', 'plain-study'],
      ['report', '--study', EVIL_STUDY, '--storage', `sqlite:${file}`, '--out', path.join(outDir, 'r.html')],
    ]) {
      const r = run(args, '/', { user: 'nobody' });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    expect(dirState(dir)).toEqual(before);
  });

  it('dashboard serves it without writing to it', async () => {
    const d = await startDashboard(['--storage', `sqlite:${file}`], os.tmpdir());
    try {
      const index = await get(d.url);
      expect(index.status).toBe(200);
      const api = await get(`${d.url}api/study/${encodeURIComponent(EVIL_STUDY)}`);
      expect(api.status).toBe(200);
      expect(JSON.parse(api.body).study.name).toBe(EVIL_STUDY);
    } finally {
      await stop(d.child);
    }
    expect(dirState(dir)).toEqual(before);
  });
});

describe('a file that is not a SQLite study database', () => {
  const kinds: Array<[string, (f: string) => void]> = [
    ['random bytes', (f) => fs.writeFileSync(f, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 2654435761) % 251)))],
    ['a text file', (f) => fs.writeFileSync(f, 'study,value\na,1\n')],
    ['an empty file', (f) => fs.writeFileSync(f, '')],
    [
      'a truncated database',
      (f) => {
        execFileSync(process.execPath, ['-e', makeBigDb(f)]);
        const b = fs.readFileSync(f);
        fs.writeFileSync(f, b.subarray(0, Math.floor(b.length / 3)));
      },
    ],
    ['a FIFO', (f) => execFileSync('mkfifo', [f])],
    ['a folder', (f) => fs.mkdirSync(f)],
  ];
  it.each(kinds)('%s: studies, trials, report and dashboard end with exit 2 naming it, no stack trace, within 20 s', (_kind, make) => {
    const dir = tmp();
    const file = path.join(dir, 'studies.db');
    make(file);
    for (const args of [['studies'], ['trials', '--study', 's0'], ['report', '--study', 's0', '--out', path.join(dir, 'r.html')], ['dashboard', '--port', '0']]) {
      const t0 = Date.now();
      const r = run([...args, '--storage', `sqlite:${file}`], dir);
      expect(r.signal).toBeNull();
      expect(Date.now() - t0).toBeLessThan(20_000);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toContain(file);
      expect(r.stderr).not.toMatch(STACK);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.maxRssKiB).toBeLessThan(600 * 1024);
    }
    expect(fs.existsSync(path.join(dir, 'r.html'))).toBe(false);
  });
});

/** A script that fills a SQLite study database with enough trials to span many pages. */
function makeBigDb(file: string): string {
  return `const D = require(${JSON.stringify(require.resolve('better-sqlite3'))});
    const db = new D(${JSON.stringify(file)});
    db.exec("CREATE TABLE IF NOT EXISTS filler (x TEXT)");
    const ins = db.prepare('INSERT INTO filler VALUES (?)');
    db.transaction(() => { for (let i = 0; i < 2000; i++) ins.run('x'.repeat(200) + i); })();
    db.close();`;
}

describe('the dashboard: headers and Host check on every route', () => {
  let dir: string;
  beforeAll(async () => {
    dir = tmp();
    await hostileDb(path.join(dir, 'studies.db'));
  });
  const routes = (study: string) => ['/', '/index.html', '/api/studies', `/study/${encodeURIComponent(study)}`, `/api/study/${encodeURIComponent(study)}`, '/assets/client.js', '/assets/vega.min.js', '/favicon.ico', '/nothing'];

  const binds: Array<[string, string]> = [
    ['127.0.0.1', '127.0.0.1'],
    ['127.0.0.2', '127.0.0.2'],
    ['localhost', 'localhost'],
    ['::1', '[::1]'],
  ];
  it.each(binds)('bound to %s: a foreign Host gets 403 everywhere; every response carries CSP, X-Frame-Options and nosniff', async (bind, shown) => {
    if (bind === '::1' && !os.networkInterfaces().lo?.some((i) => i.address === '::1')) return;
    const d = await startDashboard(['--storage', `sqlite:${path.join(dir, 'studies.db')}`, '--host', bind], dir);
    try {
      const port = new URL(d.url).port;
      for (const route of routes('plain-study')) {
        for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1.evil.example:${port}`, 'localhost.evil.example', '', `${shown === 'localhost' ? '127.0.0.1' : shown}@evil.example`]) {
          const r = await get(`${d.url.replace(/\/$/, '')}${route}`, host);
          expect({ route, host, status: r.status }).toEqual({ route, host, status: r.status === 400 ? 400 : 403 });
          expect(r.headers['x-frame-options']).toBe(r.status === 400 ? r.headers['x-frame-options'] : 'DENY');
        }
        const ok = await get(`${d.url.replace(/\/$/, '')}${route}`, `${shown}:${port}`);
        expect({ route, status: ok.status }).toEqual({ route, status: route === '/nothing' ? 404 : route === '/favicon.ico' ? 204 : 200 });
        const csp = String(ok.headers['content-security-policy']);
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).toContain("default-src 'none'");
        expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
        expect(ok.headers['x-frame-options']).toBe('DENY');
        expect(ok.headers['x-content-type-options']).toBe('nosniff');
        if (ok.headers['content-type']?.startsWith('text/html') && ok.status === 200) {
          // Every inline script carries this response's nonce.
          const nonce = /'nonce-([^']+)'/.exec(csp)![1];
          for (const tag of ok.body.match(/<script(?![^>]*type="application\/json")[^>]*>/g) ?? []) expect(tag).toContain(`nonce="${nonce}"`);
        }
      }
    } finally {
      await stop(d.child);
    }
  });

  it('bound to all interfaces, answers IP addresses and the machine name, refuses other DNS names', async () => {
    const d = await startDashboard(['--storage', `sqlite:${path.join(dir, 'studies.db')}`, '--host', '0.0.0.0'], dir);
    try {
      const port = new URL(d.url).port;
      expect((await get(d.url, `127.0.0.1:${port}`)).status).toBe(200);
      expect((await get(d.url, `localhost:${port}`)).status).toBe(200);
      expect((await get(d.url, `${os.hostname()}:${port}`)).status).toBe(200);
      expect((await get(d.url, `evil.example:${port}`)).status).toBe(403);
      expect((await get(`${d.url}api/studies`, 'rebind.evil.example')).status).toBe(403);
    } finally {
      await stop(d.child);
    }
  });
});

describe('no database password in any output', () => {
  const SECRET = 'Fake-Pa55word-q9';
  const QSECRET = 'Query-Secret-x7';
  const leaks = (text: string) => [SECRET, QSECRET, encodeURIComponent(SECRET)].filter((s) => text.includes(s));
  const tiny = `data: { use: mnist, limit: 200, validation: 100, testLimit: 100 }
model:
  latentDim: 2
  encoder: { use: mlp, hidden: [8] }
  decoder: { use: mlp, hidden: [8] }
train: { epochs: 1, batchSize: 100, seed: 1, backend: wasm }
output: { images: false }
study: { name: STUDY, sampler: { name: grid } }
search:
  model.beta: { grid: [1] }
`;

  it('a PostgreSQL URL that cannot connect: every command fails without echoing the password (userinfo or query string)', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'tiny.yaml'), tiny.replace('STUDY', 'leak'));
    const urls = [
      `postgres://vaekit:${SECRET}@127.0.0.1:1/vaekit`,
      `postgres://127.0.0.1:1/vaekit?user=vaekit&password=${QSECRET}`,
      `postgresql://vaekit:${encodeURIComponent(SECRET + '@/')}@127.0.0.1:1/vaekit?sslpassword=${QSECRET}`,
      `postgres://vaekit:${SECRET}@/vaekit?host=127.0.0.1&port=1`,
    ];
    for (const url of urls) {
      for (const args of [
        ['search', '--config', 'tiny.yaml', '--storage', url, '--trials', '1'],
        ['studies', '--storage', url],
        ['trials', '--storage', url, '--study', 'leak'],
        ['report', '--storage', url, '--study', 'leak'],
        ['dashboard', '--storage', url, '--port', '0'],
      ]) {
        const r = run(args, dir);
        expect({ args: args[0], url: url.slice(0, 12), code: r.code }).toEqual({ args: args[0], url: url.slice(0, 12), code: r.code === 2 ? 2 : 1 });
        expect(leaks(r.stdout + r.stderr)).toEqual([]);
        expect(r.stderr).not.toMatch(STACK);
      }
    }
    for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
      const p = path.join(dir, f);
      if (fs.statSync(p).isFile()) expect(leaks(fs.readFileSync(p, 'latin1'))).toEqual([]);
    }
  });

  const PG = process.env.VAEKIT_TEST_POSTGRES;
  (PG ? it : it.skip)('the real server: search, summary.json, report.html, studies, trials, report and the dashboard never show it', async () => {
    const real = new URL(PG!);
    const password = decodeURIComponent(real.password);
    const study = `sec-s3-${process.pid}`;
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'tiny.yaml'), tiny.replace('STUDY', study));
    // The password in the userinfo, plus a secret query parameter the server ignores; then in the query string.
    const withUserinfo = `postgres://${real.username}:${encodeURIComponent(password)}@${real.host}${real.pathname}?sslpassword=${QSECRET}`;
    const inQuery = `postgres://${real.host}${real.pathname}?user=${real.username}&password=${encodeURIComponent(password)}`;
    // The test server's password is also its user and database name: look for it where a password would be.
    const leaked = (text: string) => leaks(text).concat([`:${password}@`, `password=${password}`, `:${encodeURIComponent(password)}@`].filter((s) => text.includes(s)));
    const outputs: string[] = [];
    try {
      const s = run(['search', '--config', 'tiny.yaml', '--storage', withUserinfo, '--out', 'out'], dir, { timeout: 120_000 });
      expect(s.stderr).toBe('');
      expect(s.code).toBe(0);
      expect(s.stdout).toContain(`in postgres://${real.username}:***@${real.host}${real.pathname}?sslpassword=***:`);
      outputs.push(s.stdout, s.stderr);
      const summary = fs.readFileSync(path.join(dir, 'out', study, 'summary.json'), 'utf8');
      expect(JSON.parse(summary).storage).toBe(`postgres://${real.username}:***@${real.host}${real.pathname}?sslpassword=***`);
      outputs.push(summary, fs.readFileSync(path.join(dir, 'out', study, 'report.html'), 'utf8'));
      for (const url of [withUserinfo, inQuery]) {
        for (const args of [['studies'], ['studies', '--json'], ['trials', '--study', study], ['trials', '--study', 'no-such-study'], ['report', '--study', study, '--out', 'r.html'], ['report', '--study', 'no-such']]) {
          const r = run([...args, '--storage', url], dir);
          outputs.push(r.stdout, r.stderr);
        }
        outputs.push(fs.readFileSync(path.join(dir, 'r.html'), 'utf8'));
        const d = await startDashboard(['--storage', url], dir);
        try {
          for (const route of ['', 'api/studies', `study/${study}`, `api/study/${study}`, 'study/no-such', 'api/study/no-such']) outputs.push((await get(d.url + route)).body);
        } finally {
          await stop(d.child);
        }
        outputs.push(d.out());
      }
      for (const o of outputs) expect(leaked(o)).toEqual([]);
      expect(outputs.join('\n')).toContain(':***@');
    } finally {
      const st = new PostgresStorage(PG!);
      await st.deleteStudy(study).catch(() => undefined);
      await st.close();
    }
  });
});
