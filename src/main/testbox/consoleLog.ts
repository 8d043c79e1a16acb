import { readFileSync } from 'node:fs';

/** The last lines of a box's console log (QEMU writes every byte of ttyS0 there), \r-free. */
export function consoleLogTail(path: string, lines = 25): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return '(no console output was logged)';
  }
  const all = text.split('\n').map((l) => l.replace(/\r/g, ''));
  while (all.length && all[all.length - 1] === '') all.pop();
  return all.slice(-lines).join('\n') || '(the console stayed silent)';
}
