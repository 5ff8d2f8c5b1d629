/**
 * The pages' style sheet and the browser client. The client is TypeScript of its own
 * (src/client, compiled with tsconfig.client.json by the package build into
 * dist/client/vaekit-client.js); the pages inline it (report file) or serve it (dashboard).
 */
import * as fs from 'fs';
import * as path from 'path';
import { VaekitError } from '@vaekit/study';

export const CLIENT_CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #222; background: #fafafa; }
header { background: #243447; color: #fff; padding: 14px 28px; }
header h1 { margin: 0; font-size: 22px; font-weight: 600; word-break: break-all; }
header .meta { color: #c8d3df; font-size: 13px; margin-top: 4px; }
header a { color: #9cc8ff; }
main { padding: 8px 28px 40px; max-width: 1500px; }
section { background: #fff; border: 1px solid #e3e3e3; border-radius: 6px; padding: 12px 18px 16px; margin: 16px 0; }
section h2 { font-size: 17px; margin: 2px 0 6px; }
section p.note { color: #555; font-size: 12.5px; margin: 4px 0 10px; max-width: 1100px; }
.grid { display: flex; flex-wrap: wrap; gap: 12px 20px; }
.slice h3 { font-size: 13px; margin: 4px 0; font-weight: 600; word-break: break-all; }
.chart { overflow-x: auto; }
.table-box { overflow-x: auto; }
.chart-error { color: #b00020; white-space: pre-wrap; font-family: monospace; }
table.trials { border-collapse: collapse; font-size: 12.5px; width: 100%; }
table.trials th, table.trials td { border-bottom: 1px solid #eee; padding: 4px 8px; text-align: right; white-space: nowrap; }
table.trials th { cursor: pointer; user-select: none; background: #f3f5f7; position: sticky; top: 0; }
table.trials th.sorted-asc::after { content: " \\25B2"; font-size: 9px; }
table.trials th.sorted-desc::after { content: " \\25BC"; font-size: 9px; }
table.trials td.text, table.trials th.text { text-align: left; }
table.trials td.err { color: #b00020; white-space: normal; min-width: 240px; max-width: 420px; text-align: left; }
table.trials tr.best td { background: #eef7ee; }
.state-COMPLETE { color: #1f77b4; } .state-PRUNED { color: #d46a00; } .state-FAIL { color: #d62728; } .state-RUNNING { color: #666; }
.best-trial { margin: 10px 0 18px; }
.best-trial h3 { font-size: 14px; margin: 4px 0; }
.best-trial .params { color: #555; font-size: 12px; margin-bottom: 6px; word-break: break-all; }
.pics { display: flex; flex-wrap: wrap; gap: 14px; align-items: flex-start; }
.pics figure { margin: 0; }
.pics figcaption { font-size: 12px; color: #555; }
.pics img { image-rendering: pixelated; border: 1px solid #ddd; max-width: 100%; }
.status { font-size: 12px; color: #c8d3df; }
.status.error { color: #ffb4b4; }
table.studies { border-collapse: collapse; }
table.studies td, table.studies th { padding: 5px 12px; border-bottom: 1px solid #eee; text-align: left; }
.empty { color: #777; font-style: italic; }
`;

/** Where the compiled client is: beside this module in the built package, else in dist/ when this module runs from src/ (tests). */
const CLIENT_FILES = [path.join(__dirname, 'client', 'vaekit-client.js'), path.join(__dirname, '..', 'dist', 'client', 'vaekit-client.js')];

let client: string | undefined;

/** The browser client's JavaScript (read once). */
export function clientScript(): string {
  if (client === undefined) {
    const file = CLIENT_FILES.find((f) => fs.existsSync(f));
    if (!file) throw new VaekitError(`@vaekit/report: the browser client is not built (looked for ${CLIENT_FILES.join(' and ')}); run npx nx run report:build`);
    client = fs.readFileSync(file, 'utf8');
  }
  return client;
}
