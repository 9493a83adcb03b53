// Shows a URL someone configured without the password in it, for messages and logs. Works on
// text that is not a valid URL too (a configuration error must not echo a secret because the URL
// around it was malformed): it hides everything between `user:` and the last `@`, and `password=`
// query parameters, erring towards hiding too much.

const scheme = /^[a-z][a-z0-9+.-]*:\/\//i;
const passwordParameter = /([?&]password=)[^&#]*/gi;

/** "postgres://app:secret@db/platform" -> "postgres://app:***@db/platform"; text without a password is returned as is. */
export function redactUrl(url: string): string {
  const authorityStart = scheme.exec(url)?.[0].length ?? 0;
  const passwordStart = url.indexOf(":", authorityStart) + 1;
  const passwordEnd = url.lastIndexOf("@");
  const withoutUserPassword =
    passwordStart > 0 && passwordStart <= passwordEnd
      ? `${url.slice(0, passwordStart)}***${url.slice(passwordEnd)}`
      : url;
  return withoutUserPassword.replace(passwordParameter, "$1***");
}
