import { writeFile } from 'node:fs/promises';

/**
 * Bytes as they are (a PNG): to FILE, or to stdout with nothing added — no newline, no text
 * encoding — and waited for, so the process does not exit with the picture half written to a pipe.
 */
export async function writeBinaryOutput(bytes: Buffer, file?: string): Promise<void> {
  if (file) {
    await writeFile(file, bytes);
    return;
  }
  await new Promise<void>((resolve, reject) => process.stdout.write(bytes, (e) => (e ? reject(e) : resolve())));
}
