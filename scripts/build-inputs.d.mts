export declare const MANIFEST: string;
export declare function buildInputs(root: string): Record<string, string>;
export declare function buildStaleness(root: string): { stale: boolean; why: string; changed: string[] };
export declare function recordBuildInputs(root: string, inputs?: Record<string, string>): void;
