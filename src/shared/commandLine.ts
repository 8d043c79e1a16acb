/**
 * A command line as a user pastes it into a POSIX shell ("Copy as CLI"): words that need no
 * quoting stay bare so the line reads as typed; anything else is single-quoted (each ' as '\''),
 * so `$(…)`, spaces, globs and newlines reach `numa-lab` literally. Environment-free: the
 * renderer builds the line, the tests feed it to a real shell.
 */
export function shellWord(word: string): string {
  if (word.includes('\0')) throw new Error('a NUL byte cannot be passed in a command line');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `['numa-lab', 'sim', '--param', 'a b']` → `numa-lab sim --param 'a b'`. */
export function commandLine(words: readonly string[]): string {
  return words.map(shellWord).join(' ');
}
