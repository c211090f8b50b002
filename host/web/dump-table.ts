// espdma.dump() (the text `.dma` prints, decoded on the board by the driver) as rows for a
// table, one row per channel or stream. dump() prints, per channel in use, a queue line
// "NAME: DIRECTION q=QUEUE" and, while it is enabled, a register line "NAME: EN=1 DIR=...
// flags: A B"; the lines of one NAME are merged into its row, keys in order of appearance
// (a bare word becomes "mode"). Lines without KEY=VALUE ("no DMA stream enabled") are notes.

export interface DumpRow { name: string; fields: Record<string, string>; flags: string[] }
export interface DumpTable { columns: string[]; rows: DumpRow[]; notes: string[] }

export function parseDump(text: string): DumpTable {
  var columns: string[] = [], rows: DumpRow[] = [], notes: string[] = [];
  var add = (k: string) => { if (columns.indexOf(k) < 0) columns.push(k); };
  for (const raw of text.split(/\r?\n/)) {
    var line = raw.trim();
    if (!line) continue;
    var m = /^([^:]+):\s*(.*)$/.exec(line);
    var rest = m ? m[2] : "";
    if (!m || !/(^|\s)[A-Za-z0-9_]+=/.test(rest)) { notes.push(line); continue; }
    var name = m[1].trim(), row = rows.find((r) => r.name === name);
    if (!row) rows.push((row = { name, fields: {}, flags: [] }));
    var flagAt = rest.indexOf("flags:");
    if (flagAt >= 0) row.flags = rest.slice(flagAt + 6).split(/\s+/).filter((f) => f && f !== "-");
    for (const tok of (flagAt >= 0 ? rest.slice(0, flagAt) : rest).split(/\s+/)) {
      if (!tok) continue;
      var eq = tok.indexOf("=");
      var k = eq > 0 ? tok.slice(0, eq) : "mode";
      row.fields[k] = eq > 0 ? tok.slice(eq + 1) : tok;
      add(k);
    }
  }
  return { columns, rows, notes };
}
