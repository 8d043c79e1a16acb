export declare const LAYERS: Array<{ name: string; dir: string; mayImport: string[]; packages: string[] | '*'; forbiddenPackages?: string[] }>;
export declare const ELECTRON_ENTRY: string;
export declare function checkLayers(root: string, files: string[]): string[];
