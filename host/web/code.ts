// The page's code sources: dist/espdma.min.js, dist/espdma-nrf52.min.js and
// dist/espdma-agent.min.js as built (scripts/build-web.ts puts the files in, byte for byte),
// sent as the CLI sends them (code.ts: non-ASCII characters escaped).
import { driver, driverNrf52, agent } from "espdma:bundles";
import { asciiCode } from "../link/code";
import type { CodeSources } from "../scenarios/runner";

export const pageCode: CodeSources = {
  driver: (family?: string) => asciiCode(family === "NRF52" ? driverNrf52 : driver),
  agent: async () => asciiCode(agent),
};

/** The driver bundle as built (for flash), raw. */
export function driverFile(family?: string): { name: string; text: string } {
  return family === "NRF52" ? { name: "dist/espdma-nrf52.min.js", text: driverNrf52 } : { name: "dist/espdma.min.js", text: driver };
}
