/** A duplex byte stream to a tty on a host: a pty we spawned, or a socket to a serial port. */
export interface ByteStream {
  write(data: string | Uint8Array): void;
  onData(listener: (chunk: Buffer) => void): { dispose(): void };
  onClose(listener: (reason: string) => void): { dispose(): void };
  resize?(cols: number, rows: number): void;
  close(): void;
}
/** How the lab reaches one host. Every host kind (local, ssh, serial) implements it. */
export interface Transport {
  readonly target: string;
  /** A fresh shell for the lab's command channel; never shown to the user. May be called more than once. */
  openChannelStream(): Promise<ByteStream>;
  /** A shell for the user's terminal pane. */
  openTerminalStream(cols: number, rows: number): Promise<ByteStream>;
  close(): Promise<void>;
  /** Kinds with a connection of their own (ssh) establish it here, reporting prompts meanwhile. */
  connect?(hooks?: ConnectHooks): Promise<void>;
  /** Drops every stream and connection so that the next connect() starts afresh (reconnect). */
  reset?(): Promise<void>;
  /** Hosts whose console the lab reads (a QEMU guest) report kernel panics and oopses here. */
  onKernelCrash?(listener: (crash: { kind: string; message: string; text: string; at: Date }) => void): { dispose(): void };
}

export interface ConnectHooks {
  /** The host (ssh, sudo, a key) asks a question the user must answer in the terminal tab. */
  onNeedsInput?(prompt: string): void;
  onInputGiven?(): void;
}
