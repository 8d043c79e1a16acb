/**
 * The one way a value becomes a word in a POSIX sh script the lab sends to a host: wrapped in
 * single quotes, each ' written as '\'' . Inside single quotes no sh (dash, bash, busybox ash,
 * zsh) expands anything, so `$(...)`, backticks, `;`, newlines and globs stay literal. NUL cannot
 * be carried by any shell word, so it is refused rather than silently truncated.
 *
 * Quoting is the second line of defence: callers validate values against a closed alphabet first.
 */
export function shQuote(value: string): string {
  if (typeof value !== 'string') throw new TypeError('shQuote takes a string');
  if (value.includes('\0')) throw new Error('a NUL byte cannot be passed to a shell command');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Several words, each quoted, joined by spaces: `shQuoteAll(['ls', '-l', path])`. */
export function shQuoteAll(values: readonly string[]): string {
  return values.map(shQuote).join(' ');
}
