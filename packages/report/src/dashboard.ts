/**
 * `vaekit dashboard`: a small HTTP server over a study storage. `/` lists the studies,
 * `/study/NAME` shows one study with the report's views, updated every second from
 * `/api/study/NAME` while a search runs. It binds 127.0.0.1 unless told otherwise, and while
 * bound to a loopback address it also refuses requests whose Host header is not a loopback name
 * (so a web page cannot reach it through DNS rebinding).
 */
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import type { VaekitStorage } from '@vaekit/study';
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

const LOOPBACK_BIND = new Set(['127.0.0.1', 'localhost', '::1']);
const LOOPBACK_HOST_HEADER = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(body);
}

function errorPage(res: http.ServerResponse, status: number, message: string): void {
  send(res, status, 'text/html; charset=utf-8', `<!DOCTYPE html><meta charset="utf-8"><title>vaekit dashboard: ${status}</title><p>${escapeHtml(message)}</p><p><a href="/">all studies</a></p>\n`);
}

export async function startDashboard(o: DashboardOptions): Promise<Dashboard> {
  const host = o.host ?? '127.0.0.1';
  const loopbackOnly = LOOPBACK_BIND.has(host);
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
    if (loopbackOnly && !LOOPBACK_HOST_HEADER.test(req.headers.host ?? '')) return errorPage(res, 403, 'this dashboard only answers requests addressed to localhost');
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
      return send(res, 200, 'text/html; charset=utf-8', renderDashboardIndex(await storage.listStudies(), o.storageLabel));
    }
    if (raw === '/favicon.ico') {
      res.writeHead(204, { 'Cache-Control': 'max-age=86400' });
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
      if (!st) return errorPage(res, 404, `no study "${seg[1]}" in ${o.storageLabel}`);
      return send(res, 200, 'text/html; charset=utf-8', renderDashboardStudyPage(st.name));
    }
    if (seg[0] === 'api' && seg[1] === 'study' && seg.length >= 3) {
      const st = await storage.getStudy(seg[2]);
      if (!st) return send(res, 404, 'text/plain; charset=utf-8', `no study "${seg[2]}" in ${o.storageLabel}`);
      if (seg.length === 3) {
        const trials = await storage.getTrials(st.id);
        const data = buildReportData({ name: st.name, direction: st.direction, attrs: st.attrs ?? {}, storage: o.storageLabel }, trials, { sections, pictures: pictureUrls(st.name) });
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
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `error: ${(e as Error)?.message ?? String(e)}`);
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
