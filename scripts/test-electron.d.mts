export declare const EXIT_NOT_RUN: number;
export declare const BINARY_ENV: string;
export declare const ELECTRON_CONFIG: string;
export type ElectronLocation = { path: string; exists: boolean; override: string | undefined; installed: boolean };
export type ElectronProbe = { ok: true; electron: string } | { ok: false; why: string };
export type ElectronRunVerdict = { run: true; binary: string; wrap: string[]; notes: string[] } | { run: false; reason: string[] };
export declare function locateElectron(root: string, env?: NodeJS.ProcessEnv): ElectronLocation;
export declare function fetchElectron(root: string, env?: NodeJS.ProcessEnv): string | undefined;
export declare function probeElectron(binary: string, env?: NodeJS.ProcessEnv): ElectronProbe;
export declare function onPath(name: string, env?: NodeJS.ProcessEnv): string | undefined;
export declare function electronRunVerdict(facts: {
  binary: ElectronLocation;
  fetchError?: string;
  probe?: ElectronProbe;
  wanted: string;
  platform: NodeJS.Platform;
  display?: string;
  xvfbRun?: string;
}): ElectronRunVerdict;
