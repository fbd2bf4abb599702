// Types of build.js (plain JavaScript so that it runs with node alone; see its header).
export declare const ROOT: string;
export declare const WEB_SRC: string;
export declare const WEB_DIST: string;
export declare const SERVER_DIST: string;
export declare const PAGES: readonly ['wallet', 'verifier', 'console'];
export declare function serverIsStale(): boolean;
export declare function webIsStale(): boolean;
export declare function compileServer(): Promise<void>;
export declare function buildWeb(opts?: { quiet?: boolean }): Promise<void>;
export declare function buildIfStale(opts?: { force?: boolean; only?: 'web' | 'server'; quiet?: boolean }): Promise<string[]>;
