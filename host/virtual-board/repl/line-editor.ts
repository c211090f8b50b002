// The REPL's input line as Espruino edits it (jsinteractive.c, read for the facts; checked
// byte for byte against the 2v29 Linux build in a pty): a cursor that moves with Left/Right,
// Home/End, Up/Down between the lines of a multi-line input, PageUp/PageDown to its ends;
// insertion and deletion at the cursor (Backspace, Delete), redrawing the rest of the line and
// backing up over it; the command history (Up/Down when the line is empty or is a history
// entry, most recent last, duplicates moved to the end, lines over 500 characters not kept);
// Tab completion of the name under the cursor against the global object or `obj.` fields.
//
// The editor only edits and says what to draw: `out` gets the terminal bytes. It draws only
// while `shown()` (echo on, prompt and line on the terminal).

/** Terminal cursor moves: Espruino moves x first, then y (jsiMoveCursor). */
const RIGHT = "\x1b[C", LEFT = "\x1b[D", DOWN = "\x1b[B", UP = "\x1b[A", ERASE = "\x1b[J";
const HISTORY_MAX_LINE = 500;

/** 1-based line and column of index i in s (jsvGetLineAndCol). */
function lineCol(s: string, i: number): { y: number; x: number } {
  var y = 1, x = 1;
  for (var n = 0; n < i && n < s.length; n++) {
    if (s[n] === "\n") { y++; x = 1; } else x++;
  }
  return { y, x };
}

/** The index at line y, column x, clamped to that line (jsvGetIndexFromLineAndCol). */
function indexAt(s: string, y: number, x: number): number {
  var ly = 1, lx = 1;
  for (var n = 0; n < s.length; n++) {
    if ((ly === y && lx >= x) || ly > y) return ly > y ? n - 1 : n;
    lx++;
    if (s[n] === "\n") { lx = 1; ly++; }
  }
  return s.length;
}

function moveText(fromX: number, fromY: number, toX: number, toY: number): string {
  var t = "";
  for (; fromX < toX; fromX++) t += RIGHT;
  for (; fromX > toX; fromX--) t += LEFT;
  for (; fromY < toY; fromY++) t += DOWN;
  for (; fromY > toY; fromY--) t += UP;
  return t;
}

/** Text with its newlines as the terminal shows them: "\r\n" and the ':' continuation prompt. */
export function shownText(s: string): string {
  return s.replace(/\n/g, "\r\n:");
}

/** Names Tab offers on a value: own and inherited, enumerable or not (V8's legacy `__x__`
 * accessors, which Espruino does not have, left out). */
function namesOf(o: any): string[] {
  var out: string[] = [], seen = new Set<string>();
  for (var p = o; p !== null && p !== undefined; p = Object.getPrototypeOf(p)) {
    var names: string[];
    try { names = Object.getOwnPropertyNames(p); } catch (e) { break; }
    for (const k of names) if (!seen.has(k) && !/^__/.test(k)) { seen.add(k); out.push(k); }
  }
  return out;
}

export class LineEditor {
  line = "";
  cursor = 0;
  readonly history: string[] = [];

  constructor(private readonly out: (text: string) => void, private readonly shown: () => boolean) {}

  private draw(t: string): void {
    if (t && this.shown()) this.out(t);
  }

  private move(s: string, from: number, to: number): string {
    if (from === to) return "";
    var a = lineCol(s, from), b = lineCol(s, to);
    return moveText(a.x, a.y, b.x, b.y);
  }

  /** From the cursor to the end of its line, then a space over a deleted character and back. */
  private untilEolAndBack(from: number): string {
    var eol = this.line.indexOf("\n", from);
    var rest = this.line.slice(from, eol < 0 ? this.line.length : eol) + " ";
    return rest + "\b".repeat(rest.length);
  }

  /** jsiConsoleRemoveInputLine: cursor to the start of the input, then erase it (with the
   * prompt). The caller decides whether the line is shown. */
  removeText(): string {
    return this.move(this.line, this.cursor, 0) + "\r" + ERASE;
  }

  /** jsiConsoleReturnInputLine: the prompt, the input, the cursor back where it was. */
  returnText(): string {
    return ">" + shownText(this.line) + this.move(this.line, this.line.length, this.cursor);
  }

  clear(): void {
    this.line = "";
    this.cursor = 0;
  }

  /** Typed text at the cursor (jsiAppendStringToInputLine). */
  insert(text: string): void {
    if (this.cursor >= this.line.length) {
      this.line += text;
    } else {
      this.line = this.line.slice(0, this.cursor) + text + this.line.slice(this.cursor);
      this.draw(this.untilEolAndBack(this.cursor));
    }
    this.cursor += text.length;
    this.draw(text);
  }

  /** Backspace (before the cursor) or Delete (at it), newlines included (jsiHandleDelete). */
  delete(backspace: boolean): void {
    var s = this.line, l = s.length, c = this.cursor;
    if (backspace ? c === 0 : c >= l) return;
    var p = backspace ? c - 1 : c;
    var newline = s[p] === "\n";
    var t = "";
    if (newline) {
      t += ERASE;
      if (backspace) t += "\b " + this.move(s, c, c - 1);
    }
    this.line = s.slice(0, p) + s.slice(p + 1);
    if (backspace) this.cursor--;
    if (newline) t += shownText(this.line.slice(this.cursor)) + this.move(this.line, this.line.length, this.cursor);
    else t += (backspace ? "\b" : "") + this.untilEolAndBack(this.cursor);
    this.draw(t);
  }

  left(): void {
    if (this.cursor > 0 && this.line[this.cursor - 1] !== "\n") { this.cursor--; this.draw(LEFT); }
  }

  right(): void {
    if (this.cursor < this.line.length && this.line[this.cursor] !== "\n") { this.cursor++; this.draw(RIGHT); }
  }

  home(): void {
    var t = "";
    while (this.cursor > 0 && this.line[this.cursor - 1] !== "\n") { t += "\b"; this.cursor--; }
    this.draw(t);
  }

  end(): void {
    var t = "";
    while (this.cursor < this.line.length && this.line[this.cursor] !== "\n") t += this.line[this.cursor++];
    this.draw(t);
  }

  /** PageUp/PageDown: to the start or the end of the whole input. */
  page(down: boolean): void {
    var to = down ? this.line.length : 0;
    var t = this.move(this.line, this.cursor, to);
    this.cursor = to;
    this.draw(t);
  }

  /** Up/Down: through the history when the line is empty or a history entry with the cursor at
   * its end; otherwise between the lines of a multi-line input. */
  upDown(dir: -1 | 1): void {
    var l = this.line.length;
    if ((l === 0 || this.history.indexOf(this.line) >= 0) && this.cursor === l) this.toHistory(dir < 0);
    else {
      var a = lineCol(this.line, this.cursor);
      var lines = this.line.split("\n").length;
      var y = Math.min(Math.max(a.y + dir, 1), lines);
      this.cursor = indexAt(this.line, y, a.x);
      var b = lineCol(this.line, this.cursor);
      this.draw(moveText(a.x, a.y, b.x, b.y));
    }
  }

  private toHistory(previous: boolean): void {
    var i = this.history.indexOf(this.line), next: string | undefined;
    if (i >= 0) next = this.history[previous ? i - 1 : i + 1];
    else if (previous) next = this.history[this.history.length - 1];
    if (next !== undefined) {
      this.draw(this.move(this.line, this.cursor, 0) + ERASE + shownText(next));
      this.line = next;
      this.cursor = next.length;
    } else if (!previous) {
      this.draw(this.move(this.line, this.cursor, 0) + ERASE);
      this.clear();
    }
  }

  /** Only whitespace after the cursor: Enter executes (or continues) instead of splitting. */
  atEnd(): boolean {
    return /^\s*$/.test(this.line.slice(this.cursor));
  }

  /** Enter in the middle of the input: a newline at the cursor (jsiHandleNewLine). */
  splitLine(): void {
    this.line = this.line.slice(0, this.cursor) + "\n" + this.line.slice(this.cursor);
    this.draw(ERASE + shownText(this.line.slice(this.cursor)) + this.move(this.line, this.line.length, this.cursor + 1));
    this.cursor++;
  }

  /** An executed line goes to the end of the history (jsiHistoryAddLine). */
  remember(line: string): void {
    if (!line.length || line.length > HISTORY_MAX_LINE) return;
    var i = this.history.indexOf(line);
    if (i >= 0) this.history.splice(i, 1);
    this.history.push(line);
  }

  /**
   * Tab (jsiTabComplete): the identifier the cursor is in or just after, looked up on the
   * global object, or on the value before a `.` chain (`espdma.req`); nothing after another
   * token (an operator, a bracket). One match is completed; several print in two columns of
   * 20 characters, then the prompt and the line come back, completed to their common start.
   */
  complete(root: any): void {
    var s = this.line, c = this.cursor;
    var re = /[A-Za-z_$][\w$]*|\s+|\d[\w.]*|"(?:\\.|[^"\\])*"?|'(?:\\.|[^'\\])*'?|[\s\S]/g, m: RegExpExecArray | null;
    var obj: any = root, partial: string | null = null, start = 0;
    while ((m = re.exec(s)) && m.index < c) {
      var tok = m[0];
      if (/^\s/.test(tok)) continue;
      if (tok === ".") {
        var v: any;
        try { v = obj !== null && obj !== undefined ? obj[partial ?? ""] : undefined; } catch (e) { v = undefined; }
        obj = v !== null && v !== undefined ? v : {};
        partial = null;
      } else if (/^[A-Za-z_$]/.test(tok)) {
        partial = tok;
        start = m.index;
      } else {
        obj = null;
        partial = null;
      }
    }
    if (obj === null && partial === null) return;
    if (partial !== null) {
      var typed = c - start;
      if (typed > partial.length) return; // past the end of the name
      partial = partial.slice(0, typed);
    } else partial = "";
    if (obj === null) return;
    var names = namesOf(Object(obj)).filter((k) => k.length > partial!.length && k.indexOf(partial!) === 0);
    if (!names.length) return;
    var common = names.reduce((a, b) => { var i = 0; while (i < a.length && a[i] === b[i]) i++; return a.slice(0, i); });
    if (names.length > 1 && this.shown()) {
      var t = this.move(this.line, this.cursor, this.line.length) + "\r\n\r\n", col = 0;
      for (const k of names) {
        if (col === 0) { t += k; col = k.length; }
        else { t += " ".repeat(Math.max(20 - col, 1)) + k + "\r\n"; col = 0; }
      }
      if (col) t += "\r\n";
      t += "\r\n" + this.returnText();
      this.out(t);
    }
    if (common.length > partial.length) this.insert(common.slice(partial.length));
  }
}
