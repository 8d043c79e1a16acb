import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { repoRoot } from '../../../src/main/repoRoot';

export const GOLDEN_DIR = join(repoRoot(), 'test', 'fixtures', 'sim-golden');
/** Outputs above this size (the bench's long traces) are stored gzipped. */
const GZIP_ABOVE = 64 * 1024;

export function writeGolden(name: string, text: string): void {
  if (text.length > GZIP_ABOVE) writeFileSync(join(GOLDEN_DIR, `${name}.json.gz`), gzipSync(text, { level: 9 }));
  else writeFileSync(join(GOLDEN_DIR, `${name}.json`), text);
}

export function readGolden(name: string): string | undefined {
  const plain = join(GOLDEN_DIR, `${name}.json`);
  if (existsSync(plain)) return readFileSync(plain, 'utf8');
  const gz = `${plain}.gz`;
  return existsSync(gz) ? gunzipSync(readFileSync(gz)).toString('utf8') : undefined;
}
