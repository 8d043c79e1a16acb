export declare function userNamespacesRestricted(read?: (path: string) => string): boolean;
export declare function suidHelperUsable(electronBinary: string): boolean;
export declare function explainExit(o: { code: number | null; signal: NodeJS.Signals | null; stderr: string; electronBinary: string; restricted?: boolean }): string[];
export declare function exitStatus(code: number | null, signal: NodeJS.Signals | null): number;
export declare function runElectron(electronBinary: string, args: string[], opts?: { env?: NodeJS.ProcessEnv; stderr?: NodeJS.WritableStream; restricted?: boolean }): Promise<number>;
