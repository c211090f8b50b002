// A realm: a separate global environment (its own Object, Array, Function...) to run the
// board's JavaScript in. The runtime only needs: create one, run code in it under a file name,
// call a function of it, drain its promise jobs, and a full garbage collection. Two
// implementations: realm-node.ts (node:vm contexts) and realm-browser.ts (a same-origin
// iframe's window), swapped by the page's bundler (scripts/build-web.ts).

export interface RunOptions {
  /** Wall-clock limit, ms (only where `limits.timeout`). */
  timeoutMs?: number;
  /** Let SIGINT stop the code (only where `limits.sigint`: Node, a worker's Ctrl-C). */
  breakOnSigint?: boolean;
}

export interface Realm {
  /** The realm's global object. */
  readonly global: any;
  /** Run a script in the realm; returns its completion value. */
  run(code: string, filename: string, opts?: RunOptions): unknown;
  /** Call fn(...args) as a script of its own, so a timeout or SIGINT reaches it. */
  call(fn: (...a: any[]) => void, args: any[], opts?: RunOptions): void;
  /** Run the promise jobs the realm has queued (its own queue in Node; in a page they run
   * when the page's current task ends, so this does nothing there). */
  drainJobs(): void;
  /** Free what the realm holds (an iframe). */
  dispose(): void;
}

export interface RealmHost {
  /** What this host can and cannot do (the page's cannot time out a runaway loop). */
  readonly limits: {
    timeout: boolean; sigint: boolean; ownJobQueue: boolean; syncGc: boolean;
    /** A WeakRef's target stays alive until the current task ends (the page: the HTML event
     * loop clears kept objects only then), so a gc in the same task cannot free it. */
    weakRefsHeldPerTask: boolean;
  };
  create(name: string): Realm;
  /** A full synchronous garbage collection where the host allows one (WeakRefs of dropped
   * typed arrays cleared: the runtime frees their SRAM blocks); false where it cannot. */
  gc(): boolean;
}
