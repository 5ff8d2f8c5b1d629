/**
 * `vaekit dashboard`: a small HTTP server over a study storage. `/` lists the studies,
 * `/study/NAME` shows one study with the report's views, updated every second from
 * `/api/study/NAME` while a search runs.
 *
 * What protects it, on every response, page and API route alike:
 * - It binds 127.0.0.1 unless told otherwise.
 * - The Host header check (against DNS rebinding, where a web page's own domain is made to
 *   resolve to this machine): bound to a loopback address (127.0.0.0/8, ::1, localhost), it
 *   answers only requests addressed to a loopback name (localhost, 127.x.x.x, [::1]); bound to any
 *   other address (an explicit --host), it answers only requests addressed to an IP address,
 *   localhost or this machine's host name, never to another DNS name. Others get 403.
 * - Headers: a Content-Security-Policy allowing only this server's scripts and the page's own
 *   inline scripts by a nonce made for each response (plus the evaluation vega's expression
 *   compiler needs), no framing (`frame-ancestors 'none'`, `X-Frame-Options: DENY`),
 *   `X-Content-Type-Options: nosniff`, no referrer, no caching of pages.
 * - Only GET and HEAD; the storage is shown without its password, and stored strings are escaped.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { isIP, type AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { redactStorageUrl, redactUrlsIn, type VaekitStorage } from '@vaekit/study';
import { clientScript } from './assets';
import { buildReportData, PictureRef, pictureType } from './data';
import { escapeHtml } from './escape';
import { renderDashboardIndex, renderDashboardStudyPage, vegaBundles } from './html';
import { asSections, SectionsOption } from './sections';

export interface DashboardOptions {
  storage: VaekitStorage;
  /** The storage URL, shown on the pages. */
  storageLabel: string;
  /** 0 picks a free port. Default 8080. */
  port?: number;
  /** Bind address; default 127.0.0.1. */
  host?: string;
  /** The sections the study pages show (see ReportSections); none by default. */
  sections?: SectionsOption;
}

export interface Dashboard {
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

/** Whether a bind address is a loopback one (127.0.0.0/8, ::1, localhost, ::ffff:127.x.x.x). */
export function isLoopbackBind(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(h) || /^0*:(0*:)*0*1$/.test(h) && isIP(h) === 6;
}

/** The host name of a Host header (without its port, without the brackets of an IPv6 address), lower case; undefined if malformed. */
export function hostOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^(?:\[([0-9a-f:.]+)\]|([^:[\]\s]+))(?::(\d{1,5}))?$/i.exec(header.trim());
  if (!m) return undefined;
  return (m[1] ?? m[2]).toLowerCase().replace(/\.$/, '');
}

/** The Host header rule (see the module comment): whether a request addressed to `header` is answered. */
export function hostAllowed(header: string | undefined, loopback: boolean, names: ReadonlySet<string> = new Set()): boolean {
  const h = hostOf(header);
  if (h === undefined) return false;
  const loopbackName = h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
  if (loopback) return loopbackName;
  return loopbackName || isIP(h) !== 0 || names.has(h);
}

/** This machine's names a request may be addressed to when the dashboard is bound to a non-loopback address. */
function machineNames(): Set<string> {
  const names = new Set<string>();
  const h = os.hostname().toLowerCase();
  if (h) {
    names.add(h);
    names.add(h.split('.')[0]);
    names.add(`${h.split('.')[0]}.local`);
  }
  return names;
}

/** The Content-Security-Policy of a response; `nonce` allows the page's own inline scripts and style. */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    // 'unsafe-eval': vega compiles its chart expressions with new Function.
    `script-src 'self' 'nonce-${nonce}' 'unsafe-eval'`,
    // Inline styles: vega sets style attributes on what it draws (a nonce would turn 'unsafe-inline' off).
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function securityHeaders(nonce: string): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(nonce),
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}, nonce = newNonce()): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...securityHeaders(nonce),
    ...extra,
  });
  res.end(body);
}

function newNonce(): string {
  return randomBytes(16).toString('base64');
}

function errorPage(res: http.ServerResponse, status: number, message: string): void {
  send(res, status, 'text/html; charset=utf-8', `<!DOCTYPE html><meta charset="utf-8"><title>vaekit dashboard: ${status}</title><p>${escapeHtml(message)}</p><p><a href="/">all studies</a></p>\n`);
}

export async function startDashboard(o: DashboardOptions): Promise<Dashboard> {
  const host = o.host ?? '127.0.0.1';
  const loopbackOnly = isLoopbackBind(host);
  const names = loopbackOnly ? new Set<string>() : machineNames();
  const label = redactStorageUrl(o.storageLabel);
  const storage = o.storage;
  const sections = asSections(o.sections);

  /** A section's picture of a trial is served at /api/study/STUDY/trial/N/SECTION/FILE. */
  const pictureUrls =
    (study: string): PictureRef =>
    (t, section, picture) => {
      if (!pictureType(picture.path) || !fs.existsSync(picture.path)) return undefined;
      return `/api/study/${encodeURIComponent(study)}/trial/${t.number}/${encodeURIComponent(section)}/${encodeURIComponent(picture.file)}`;
    };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host, loopbackOnly, names)) {
      return errorPage(res, 403, loopbackOnly ? 'this dashboard only answers requests addressed to localhost' : 'this dashboard only answers requests addressed to an IP address or to this machine\'s name');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return errorPage(res, 405, `method ${req.method} not allowed`);
    const raw = (req.url ?? '/').split('?')[0];
    const parts = raw.split('/').slice(1);
    let seg: string[];
    try {
      seg = parts.map((p) => decodeURIComponent(p));
    } catch {
      return errorPage(res, 400, 'malformed URL');
    }
    if (raw === '/' || raw === '/index.html') {
      const nonce = newNonce();
      return send(res, 200, 'text/html; charset=utf-8', renderDashboardIndex(await storage.listStudies(), label, nonce), {}, nonce);
    }
    if (raw === '/favicon.ico') {
      res.writeHead(204, { 'Cache-Control': 'max-age=86400', ...securityHeaders(newNonce()) });
      return void res.end();
    }
    if (raw === '/api/studies') return send(res, 200, 'application/json', JSON.stringify(await storage.listStudies()));
    if (seg[0] === 'assets' && seg.length === 2) {
      const b = vegaBundles();
      const js = seg[1] === 'vega.min.js' ? b.vega : seg[1] === 'vega-lite.min.js' ? b.vegaLite : seg[1] === 'client.js' ? clientScript() : undefined;
      if (js === undefined) return errorPage(res, 404, `no asset ${seg[1]}`);
      return send(res, 200, 'text/javascript; charset=utf-8', js, { 'Cache-Control': 'max-age=3600' });
    }
    if (seg[0] === 'study' && seg.length === 2) {
      const st = await storage.getStudy(seg[1]);
      if (!st) return errorPage(res, 404, `no study "${seg[1]}" in ${label}`);
      const nonce = newNonce();
      return send(res, 200, 'text/html; charset=utf-8', renderDashboardStudyPage(st.name, nonce), {}, nonce);
    }
    if (seg[0] === 'api' && seg[1] === 'study' && seg.length >= 3) {
      const st = await storage.getStudy(seg[2]);
      if (!st) return send(res, 404, 'text/plain; charset=utf-8', `no study "${seg[2]}" in ${label}`);
      if (seg.length === 3) {
        const trials = await storage.getTrials(st.id);
        const info = { name: st.name, direction: st.direction, ...(st.directions?.length > 1 ? { directions: st.directions } : {}), attrs: st.attrs ?? {}, storage: label };
        const data = buildReportData(info, trials, { sections, pictures: pictureUrls(st.name) });
        return send(res, 200, 'application/json', JSON.stringify(data));
      }
      if (seg.length === 7 && seg[3] === 'trial' && /^\d+$/.test(seg[4])) {
        const pictures = sections.get(seg[5])?.pictures;
        const known = pictures?.files.find((p) => p.file === seg[6]);
        const type = pictureType(seg[6]);
        if (!pictures || !known || !type) return send(res, 404, 'text/plain; charset=utf-8', 'no such picture');
        const t = await storage.getTrial(st.id, Number(seg[4]));
        const folder = t ? pictures.folder(t) : undefined;
        if (folder === undefined) return send(res, 404, 'text/plain; charset=utf-8', 'the trial has no folder');
        let body: Buffer;
        try {
          body = fs.readFileSync(path.join(folder, known.file));
        } catch {
          return send(res, 404, 'text/plain; charset=utf-8', 'picture not found');
        }
        return send(res, 200, type, body, { 'Cache-Control': 'max-age=5' });
      }
    }
    return errorPage(res, 404, `nothing at ${raw}`);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `error: ${redactUrlsIn((e as Error)?.message ?? String(e))}`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 8080, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    server,
    url: `http://${shown === '0.0.0.0' || shown === '[::]' ? '127.0.0.1' : shown}:${addr.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
