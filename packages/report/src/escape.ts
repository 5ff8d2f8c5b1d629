/** Escaping for every place the report puts a user-supplied string. */

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => HTML[c]);
}

/**
 * JSON that can sit inside `<script type="application/json">` (or a script body): every `<`, `>`
 * and `&` is written as a \u escape, so no string in it can close the script element or open a
 * comment, and U+2028/2029 cannot end a JS line.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A JavaScript file's text made safe to inline in a `<script>` element (`</script` and `<!--` cannot occur). */
export function inlineScript(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}
