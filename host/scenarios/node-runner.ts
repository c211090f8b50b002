// The scenario runner in Node: boards reached with openLink (serial port, TCP, in-process
// virtual board), the driver and agent read from dist/ (built first when stale).
import { openLink } from "../link/open";
import { agentSource, driverSource, ensureBuilt } from "./bundle";
import { runSuite, CodeSources, RunOptions, RunReport } from "./runner";

export { selectScenarios, ScenarioError, runOne, runProgram } from "./runner";
export type { RunOptions, RunReport, CodeSources } from "./runner";

export const nodeCode: CodeSources = { driver: driverSource, agent: agentSource };

/** Run the selected scenarios on the target. Throws LinkError when the board cannot be reached. */
export async function runScenarios(o: Omit<RunOptions, "open" | "code"> & Partial<Pick<RunOptions, "open" | "code">>): Promise<RunReport> {
  ensureBuilt(o.log);
  return runSuite({ open: openLink, code: nodeCode, ...o });
}
