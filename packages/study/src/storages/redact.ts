/**
 * Storage URLs can carry a database password, in the userinfo (`postgres://user:secret@host/db`)
 * or in the query string (`?password=secret`, `?sslpassword=secret`). Nothing vaekit prints or
 * stores shows it: every place that shows a storage URL shows `redactStorageUrl(url)`, and every
 * message that may echo the connection parameters (a driver's own error) goes through
 * `redactSecrets(text, url)`.
 */

/** The text that replaces a secret. */
export const REDACTED = '***';

/** Query parameters whose value is a secret (password, sslpassword, passwd, pwd, token, secret, ...). */
const SECRET_PARAM = /pass|pwd|secret|token|credential/i;

/**
 * The URL with every password replaced by `***`: the userinfo's password and the value of every
 * query parameter that names a secret. Anything else (user, host, port, database, `sslkey` or
 * `sslcert` paths) stays as given. A URL that does not parse is redacted generously rather than
 * shown. Non-URL storage names (`sqlite:PATH`, `memory:`) come back unchanged.
 */
export function redactStorageUrl(url: string): string;
export function redactStorageUrl(url: string | undefined): string | undefined;
export function redactStorageUrl(url: string | undefined): string | undefined {
  if (url === undefined || url === null) return url;
  const s = String(url);
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([\s\S]*)$/i.exec(s);
  if (!m) return s;
  const [, scheme, rest] = m;
  const { userinfoEnd, passwordStart } = userinfoBounds(s, rest);
  let head = '';
  let tail = rest;
  if (userinfoEnd >= 0) {
    head = passwordStart >= 0 ? `${rest.slice(0, passwordStart)}${REDACTED}@` : rest.slice(0, userinfoEnd + 1);
    tail = rest.slice(userinfoEnd + 1);
  }
  return scheme + head + redactQuery(tail);
}

/**
 * `text` with every secret of `url` (its password in any of the spellings a driver may echo:
 * as written, percent-decoded, percent-encoded) replaced by `***`, and any copy of the URL itself
 * redacted. For wrapping the messages of database drivers, which may repeat connection parameters.
 */
export function redactSecrets(text: string, url: string | undefined): string {
  let out = String(text);
  if (!url) return out;
  if (url.length > 0) out = out.split(url).join(redactStorageUrl(url));
  for (const secret of secretsOf(url).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** The secrets a storage URL carries, in the spellings they may be echoed in. */
export function secretsOf(url: string): string[] {
  const found = new Set<string>();
  const add = (v: string | undefined | null): void => {
    if (!v) return;
    for (const form of [v, safeDecode(v), encodeURIComponent(safeDecode(v))]) if (form) found.add(form);
  };
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([\s\S]*)$/i.exec(url);
  if (!m) return [];
  const rest = m[2];
  const { userinfoEnd, passwordStart } = userinfoBounds(url, rest);
  if (userinfoEnd >= 0 && passwordStart >= 0) add(rest.slice(passwordStart, userinfoEnd));
  const tail = userinfoEnd >= 0 ? rest.slice(userinfoEnd + 1) : rest;
  const q = tail.indexOf('?');
  if (q >= 0) {
    for (const part of tail.slice(q + 1).split(/[&;]/)) {
      const eq = part.indexOf('=');
      if (eq > 0 && SECRET_PARAM.test(safeDecode(part.slice(0, eq)))) add(part.slice(eq + 1).split('#')[0]);
    }
  }
  return [...found];
}

/**
 * Where the userinfo of `rest` (the URL after `scheme://`) ends (the index of its `@`, -1 if none)
 * and where its password starts (-1 if none). The WHATWG parser decides when it can; a URL it
 * rejects (a password with `/`, `?` or `#` in it, say) is cut at its last `@`, hiding more rather
 * than less.
 */
function userinfoBounds(full: string, rest: string): { userinfoEnd: number; passwordStart: number } {
  let parsed: URL | undefined;
  try {
    parsed = new URL(full);
  } catch {
    parsed = undefined;
  }
  if (parsed && parsed.host !== '') {
    if (parsed.username === '' && parsed.password === '') {
      // "@" may still be in the authority with an empty userinfo ("postgres://@host/db", "postgres://:@host").
      const at = authorityAt(rest);
      if (at < 0) return { userinfoEnd: -1, passwordStart: -1 };
      const colon = rest.indexOf(':');
      return { userinfoEnd: at, passwordStart: colon >= 0 && colon < at ? colon + 1 : -1 };
    }
    const first = authorityAt(rest);
    if (first >= 0) {
      // A password with an unencoded "@" and "/" parses as a path: hide up to the last "@" before the query.
      const q = rest.indexOf('?', first);
      const at = (q < 0 ? rest : rest.slice(0, q)).lastIndexOf('@');
      const colon = rest.indexOf(':');
      return { userinfoEnd: at, passwordStart: colon >= 0 && colon < at ? colon + 1 : -1 };
    }
  }
  // Unparsed (or parsed without a host): hide everything from the first ":" to the last "@".
  const at = rest.lastIndexOf('@');
  if (at < 0) return { userinfoEnd: -1, passwordStart: -1 };
  const colon = rest.indexOf(':');
  return { userinfoEnd: at, passwordStart: colon >= 0 && colon < at ? colon + 1 : -1 };
}

/** The last "@" before the authority ends (at the first "/", "?" or "#" after it), or -1. */
function authorityAt(rest: string): number {
  const end = rest.search(/[/?#]/);
  const authority = end < 0 ? rest : rest.slice(0, end);
  return authority.lastIndexOf('@');
}

/** `tail` (host, path, query) with the value of every secret query parameter replaced. */
function redactQuery(tail: string): string {
  const q = tail.indexOf('?');
  if (q < 0) return tail;
  const hash = tail.indexOf('#', q);
  const query = hash < 0 ? tail.slice(q + 1) : tail.slice(q + 1, hash);
  const fragment = hash < 0 ? '' : tail.slice(hash);
  const parts = query.split(/([&;])/).map((part) => {
    const eq = part.indexOf('=');
    if (eq <= 0) return part;
    return SECRET_PARAM.test(safeDecode(part.slice(0, eq))) ? `${part.slice(0, eq)}=${REDACTED}` : part;
  });
  return `${tail.slice(0, q + 1)}${parts.join('')}${fragment ? redactQuery(fragment) : ''}`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** `text` with every PostgreSQL URL in it redacted (see redactStorageUrl): a last guard for messages of unknown origin. */
export function redactUrlsIn(text: string): string {
  return String(text).replace(/postgres(?:ql)?:\/\/[^\s"'<>`]+/gi, (u) => redactStorageUrl(u));
}
