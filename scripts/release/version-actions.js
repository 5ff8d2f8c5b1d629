// Version actions for `nx release version` on plain npm packages (package.json manifests).
// Nx's default implementation lives in @nx/js, which this workspace does not install; this file is
// the small part of it vaekit needs: read and write "version", and keep the exact pins between the
// @vaekit packages (dependencies, peerDependencies, optionalDependencies, devDependencies) in step.
'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { VersionActions } = require('nx/release');

const COLLECTIONS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'];

function readJson(tree, file) {
  return JSON.parse(tree.read(file, 'utf-8'));
}

function packageNameOf(tree, projectGraph, projectName) {
  const node = projectGraph.nodes[projectName];
  const fromMeta = node?.data?.metadata?.js?.packageName;
  if (fromMeta) return fromMeta;
  return readJson(tree, path.posix.join(node.data.root, 'package.json')).name;
}

class NpmVersionActions extends VersionActions {
  validManifestFilenames = ['package.json'];

  async readCurrentVersionFromSourceManifest(tree) {
    const manifestPath = path.posix.join(this.projectGraphNode.data.root, 'package.json');
    if (!tree.exists(manifestPath)) return null;
    return { currentVersion: readJson(tree, manifestPath).version, manifestPath };
  }

  // Only used with currentVersionResolver: "registry" (nx.json uses "disk", so a dry run needs no network).
  async readCurrentVersionFromRegistry(tree, metadata) {
    const manifestPath = path.posix.join(this.projectGraphNode.data.root, 'package.json');
    const name = readJson(tree, manifestPath).name;
    const tag = metadata?.tag ?? 'latest';
    const args = ['view', `${name}@${tag}`, 'version'];
    if (metadata?.registry) args.push('--registry', metadata.registry);
    try {
      const v = execFileSync('npm', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      return { currentVersion: v || null, logText: `npm view ${name}@${tag}` };
    } catch {
      return { currentVersion: null, logText: `npm view ${name}@${tag} (not found)` };
    }
  }

  async readCurrentVersionOfDependency(tree, projectGraph, dependencyProjectName) {
    const manifestPath = path.posix.join(this.projectGraphNode.data.root, 'package.json');
    const json = readJson(tree, manifestPath);
    const depName = packageNameOf(tree, projectGraph, dependencyProjectName);
    for (const c of COLLECTIONS) {
      if (json[c]?.[depName] !== undefined) return { currentVersion: json[c][depName], dependencyCollection: c };
    }
    return { currentVersion: null, dependencyCollection: null };
  }

  async updateProjectVersion(tree, newVersion) {
    const logs = [];
    for (const { manifestPath } of this.manifestsToUpdate) {
      const json = readJson(tree, manifestPath);
      json.version = newVersion;
      tree.write(manifestPath, JSON.stringify(json, null, 2) + '\n');
      logs.push(`✍️  New version ${newVersion} written to manifest: ${manifestPath}`);
    }
    return logs;
  }

  async updateProjectDependencies(tree, projectGraph, dependenciesToUpdate) {
    const names = Object.entries(dependenciesToUpdate).map(([project, version]) => [packageNameOf(tree, projectGraph, project), version]);
    if (names.length === 0) return [];
    const logs = [];
    for (const { manifestPath } of this.manifestsToUpdate) {
      const json = readJson(tree, manifestPath);
      let n = 0;
      for (const [name, version] of names) {
        for (const c of COLLECTIONS) {
          if (json[c]?.[name] !== undefined) {
            json[c][name] = version;
            n++;
          }
        }
      }
      tree.write(manifestPath, JSON.stringify(json, null, 2) + '\n');
      logs.push(`✍️  Updated ${n} dependenc${n === 1 ? 'y' : 'ies'} in manifest: ${manifestPath}`);
    }
    return logs;
  }
}

module.exports = NpmVersionActions;
module.exports.default = NpmVersionActions;
