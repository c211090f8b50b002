// espdma.dump() (the text `.dma` prints, decoded on the board by the driver) as rows for a
// table: one row per line "NAME: KEY=VALUE ... flags: A B", keys in order of appearance.
// Lines without KEY=VALUE pairs (the channel queue lines, "no DMA stream enabled") are notes.

export interface DumpRow { name: string; fields: Record<string, string>; flags: string[] }
export interface DumpTable { columns: string[]; rows: DumpRow[]; notes: string[] }

export function parseDump(text: string): DumpTable {
  var columns: string[] = [], rows: DumpRow[] = [], notes: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    var line = raw.trim();
    if (!line) continue;
    var m = /^([^:]+):\s*(.*)$/.exec(line);
    var rest = m ? m[2] : "";
    if (!m || !/\b[A-Za-z0-9_]+=\S/.test(rest)) { notes.push(line); continue; }
    var flagAt = rest.indexOf("flags:");
    var flagText = flagAt >= 0 ? rest.slice(flagAt + 6) : "";
    var fields: Record<string, string> = {};
    for (const tok of (flagAt >= 0 ? rest.slice(0, flagAt) : rest).split(/\s+/)) {
      var eq = tok.indexOf("=");
      if (eq <= 0) continue;
      var k = tok.slice(0, eq);
      fields[k] = tok.slice(eq + 1);
      if (columns.indexOf(k) < 0) columns.push(k);
    }
    rows.push({ name: m[1].trim(), fields, flags: flagText.split(/\s+/).filter((f) => f && f !== "-") });
  }
  return { columns, rows, notes };
}
