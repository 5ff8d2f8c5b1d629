/**
 * Text from untrusted input (a study database, a data file, a config) as it may be printed on a
 * terminal: control characters (C0, DEL, C1, so every escape sequence), bidi overrides and
 * isolates, zero-width and line or paragraph separators are shown as `\xNN` / `\uNNNN` instead
 * of acting on the terminal.
 */
export function printable(text: string): string {
  return String(text).replace(UNPRINTABLE, (c) => {
    const code = c.codePointAt(0)!;
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** The characters `printable` escapes (a global pattern). */
// eslint-disable-next-line no-control-regex
export const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;
