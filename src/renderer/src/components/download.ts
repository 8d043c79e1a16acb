/** Saves bytes as a file through the browser's download (Electron shows its save dialog). */
export function downloadBytes(filename: string, mime: string, bytes: BlobPart): void {
  const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Saves text as a file the same way. */
export function downloadText(filename: string, mime: string, text: string): void {
  downloadBytes(filename, mime, text);
}
