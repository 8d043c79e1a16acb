import { endsWithSecretPrompt } from './prompts';

/**
 * What the lab keeps of a terminal tab: its output, and what the user typed, except what they
 * typed at a password/passphrase prompt. The tty has echo off there, so the output never holds
 * the secret; the input side is replaced by a marker from the prompt to the next newline.
 */
export interface TranscriptSink {
  write(dir: 'out' | 'in', data: string): void;
}

export const REDACTED = '[input at a password prompt: not recorded]';

export class TranscriptRecorder {
  private tail = '';
  private redacting = false;
  private redactedSomething = false;

  constructor(private readonly sink: TranscriptSink) {}

  output(text: string): void {
    if (!text) return;
    this.sink.write('out', text);
    this.tail = (this.tail + text).slice(-512);
    if (endsWithSecretPrompt(this.tail)) this.redacting = true;
  }

  input(text: string): void {
    let rest = text;
    while (rest.length) {
      if (!this.redacting) {
        // Typed before output shows a prompt? Check again: the prompt may have just arrived.
        if (endsWithSecretPrompt(this.tail)) this.redacting = true;
        else {
          this.sink.write('in', rest);
          return;
        }
      }
      const nl = rest.search(/[\r\n]/);
      if (!this.redactedSomething) {
        this.sink.write('in', REDACTED);
        this.redactedSomething = true;
      }
      if (nl < 0) return;
      // The answer is complete: stop redacting, and forget the prompt so it is not matched again.
      this.redacting = false;
      this.redactedSomething = false;
      this.tail = '';
      this.sink.write('in', rest[nl]);
      rest = rest.slice(nl + 1);
    }
  }
}
