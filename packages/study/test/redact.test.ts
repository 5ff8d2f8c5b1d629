import { parseStorageUrl, redactSecrets, redactStorageUrl, secretsOf } from '@vaekit/study';

const SECRET = 'Zq9-s3cr3t';

describe('redactStorageUrl', () => {
  const cases: Array<[string, string]> = [
    [`postgres://alice:${SECRET}@db.example:5432/studies`, 'postgres://alice:***@db.example:5432/studies'],
    [`postgresql://alice:${SECRET}@db.example/studies`, 'postgresql://alice:***@db.example/studies'],
    [`postgres://db.example/studies?user=alice&password=${SECRET}`, 'postgres://db.example/studies?user=alice&password=***'],
    [`postgres://db.example/studies?sslpassword=${SECRET}&sslkey=/home/a/key.pem`, 'postgres://db.example/studies?sslpassword=***&sslkey=/home/a/key.pem'],
    [`postgres://db.example/studies?PASSWORD=${SECRET}`, 'postgres://db.example/studies?PASSWORD=***'],
    [`postgres://db.example/studies?pass%77ord=${SECRET}`, 'postgres://db.example/studies?pass%77ord=***'],
    [`postgres://alice:${encodeURIComponent('p@ss/w?rd#' + SECRET)}@h/db`, 'postgres://alice:***@h/db'],
    [`postgres://alice:p@ss/${SECRET}@h/db`, 'postgres://alice:***@h/db'],
    [`postgres://alice:pa#${SECRET}@h/db`, 'postgres://alice:***@h/db'],
    [`postgres://alice:${SECRET}@h/db?user=bob@x&password=${SECRET}`, 'postgres://alice:***@h/db?user=bob@x&password=***'],
    ['postgres://alice@h/db', 'postgres://alice@h/db'],
    [`postgres://:${SECRET}@h/db`, 'postgres://:***@h/db'],
    [`postgres://alice:${SECRET}@/db`, 'postgres://alice:***@/db'],
    ['sqlite:runs/studies.db', 'sqlite:runs/studies.db'],
    ['memory:', 'memory:'],
  ];
  it.each(cases)('%s → %s', (url, shown) => {
    expect(redactStorageUrl(url)).toBe(shown);
    expect(redactStorageUrl(url)).not.toContain(SECRET);
  });

  it('keeps undefined', () => {
    expect(redactStorageUrl(undefined)).toBeUndefined();
  });

  it('finds the secrets of a URL in every spelling and removes them from any text', () => {
    const url = `postgres://alice:${encodeURIComponent('a b/' + SECRET)}@h/db?password=${SECRET}x`;
    expect(secretsOf(url)).toEqual(expect.arrayContaining(['a b/' + SECRET, `${SECRET}x`]));
    const message = `password authentication failed for "a b/${SECRET}" (${SECRET}x) connecting to ${url}`;
    const clean = redactSecrets(message, url);
    expect(clean).not.toContain(SECRET);
    expect(clean).toContain('postgres://alice:***@h/db?password=***');
  });

  it('parseStorageUrl error messages never show a password', () => {
    expect(() => parseStorageUrl(`mysql://alice:${SECRET}@h/db`, { defaultSqlitePath: 'x.db' })).toThrow(/mysql:\/\/alice:\*\*\*@h\/db/);
  });
});
