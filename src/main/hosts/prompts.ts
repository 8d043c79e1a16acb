/**
 * Recognises the questions ssh, sudo and PAM ask on a tty, from the tail of what it printed.
 * Secret prompts (passwords, passphrases, codes) switch the transcript to redacting the answer;
 * the host-key question is not secret but still means "the user has to answer".
 */
const SECRET = [
  /password:\s*$/i,
  /password for [^\n]{0,200}:\s*$/i,
  /passphrase for [^\n]{0,300}:\s*$/i,
  /passphrase:\s*$/i,
  /\[sudo\] password[^\n]{0,200}:\s*$/i,
  /verification code:\s*$/i,
  /(one-time|otp)[^\n]{0,60}:\s*$/i,
  /enter pin[^\n]{0,100}:\s*$/i,
];
const QUESTION = [/\(yes\/no(\/\[fingerprint\])?\)\?\s*$/i];

function lastLine(text: string): string {
  const t = text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  const nl = Math.max(t.lastIndexOf('\n'), t.lastIndexOf('\r'));
  return t.slice(nl + 1);
}

/** The prompt the output ends with, if any (its last line, trimmed). */
export function findPrompt(text: string): string | undefined {
  const l = lastLine(text);
  if ([...SECRET, ...QUESTION].some((r) => r.test(l))) return l.trim();
  return undefined;
}

/** True when the output ends with a prompt whose answer must never be stored. */
export function endsWithSecretPrompt(text: string): boolean {
  const l = lastLine(text);
  return SECRET.some((r) => r.test(l));
}
