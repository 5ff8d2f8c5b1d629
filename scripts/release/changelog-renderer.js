// Changelog renderer for `nx release`: vaekit's commit subjects are plain sentences or "Area: what
// changed", not conventional commits, and Nx's parser would drop or truncate most of them. This
// renderer ignores Nx's parsed changes and lists, for each package, every commit since the last
// release tag (v*, or the whole history before the first release) that touched the package's folder,
// with its short hash. It only reads the local git history: no remote and no network.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const DefaultChangelogRenderer = require('nx/release/changelog-renderer').default;

const root = path.resolve(__dirname, '..', '..');

function git(args) {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

/** The folder of an Nx project, found from the package.json files of packages/* (nx.name or the unscoped name). */
function projectRoot(project) {
  for (const dir of fs.readdirSync(path.join(root, 'packages'))) {
    const file = path.join(root, 'packages', dir, 'package.json');
    if (!fs.existsSync(file)) continue;
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    const name = json.nx?.name ?? json.name.replace(/^@[^/]+\//, '');
    if (name === project) return `packages/${dir}`;
  }
  return null;
}

function lastReleaseTag() {
  try {
    return git(['describe', '--tags', '--abbrev=0', '--match', 'v[0-9]*', 'HEAD']);
  } catch {
    return null; // first release: the whole history
  }
}

class VaekitChangelogRenderer extends DefaultChangelogRenderer {
  async render() {
    const date = new Date().toISOString().slice(0, 10);
    const title = `## ${this.changelogEntryVersion}${this.changelogRenderOptions.versionTitleDate === false ? '' : ` (${date})`}`;
    const dir = this.project ? projectRoot(this.project) : null;
    const tag = lastReleaseTag();
    const range = tag ? [`${tag}..HEAD`] : ['HEAD'];
    const log = git(['log', '--no-merges', '--format=%h%x09%s', ...range, '--', ...(dir ? [dir] : ['.'])]);
    const lines = log ? log.split('\n').map((l) => {
      const [hash, subject] = l.split('\t');
      return this.changelogRenderOptions.commitReferences === false ? `- ${subject}` : `- ${subject} (${hash})`;
    }) : [];
    const deps = (this.dependencyBumps ?? []).map((d) => `- ${d.dependencyName} ${d.newVersion}`);
    const out = [title, ''];
    if (lines.length === 0 && deps.length === 0) {
      out.push(this.entryWhenNoChanges || 'No changes to this package; released with the others (fixed versioning).');
    }
    if (lines.length) out.push(`### Changes${tag ? ` since ${tag}` : ''}`, '', ...lines, '');
    if (deps.length) out.push('### Dependencies', '', ...deps, '');
    return out.join('\n').trimEnd();
  }
}

module.exports = VaekitChangelogRenderer;
module.exports.default = VaekitChangelogRenderer;
