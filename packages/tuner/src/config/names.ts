import { ConfigError } from '@vaekit/core';

/** The longest study name: it is also a folder name, which file systems limit to 255 bytes. */
export const MAX_STUDY_NAME = 128;

const NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
// Names that Windows reserves for devices in every folder.
const RESERVED_RE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * Checks a study name, which is also the name of its folder under `--out`: letters, digits, `_`,
 * `.` and `-`, starting with a letter, digit or `_` (so never `.`, `..` or an option-like `-x`),
 * at most 128 characters, not a device name. `where` names its source in the message: `--study`
 * or `configs/x.yaml: study.name`. Throws a ConfigError.
 */
export function checkStudyName(name: unknown, where: string): string {
  const shown = JSON.stringify(String(name)).slice(0, MAX_STUDY_NAME + 10);
  if (typeof name !== 'string' || name.length === 0) throw new ConfigError(`${where}: a study name must not be empty`, 'study.name');
  if (name.length > MAX_STUDY_NAME) throw new ConfigError(`${where}: a study name has at most ${MAX_STUDY_NAME} characters, found ${name.length}`, 'study.name');
  if (!NAME_RE.test(name) || RESERVED_RE.test(name)) {
    throw new ConfigError(
      `${where}: a study name may hold letters, digits, _ . - only and must start with a letter, a digit or _ (it names a folder under --out), found ${shown}`,
      'study.name',
    );
  }
  return name;
}
