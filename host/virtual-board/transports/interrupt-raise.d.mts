export declare const BLOCK_WORDS: number;
export declare const GRACE_MS: number;
export declare function raiseCtrlC(block: Int32Array, graceMs?: number): void;
