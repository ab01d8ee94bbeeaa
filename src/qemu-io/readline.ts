// The line editor qemu-io uses when stdin is a terminal (QEMU's readline): the terminal's echo is
// off and every key redraws the line with the same cursor escapes QEMU sends, with history
// (up/down arrows) and command-name completion on Tab.

const LEFT = '\x1b[D';
const RIGHT = '\x1b[C';
const CLEAR_EOL = '\x1b[K';
const MAX_HISTORY = 64;
const TERMINAL_WIDTH = 80;

type EscState = 'norm' | 'esc' | 'csi' | 'ss3';

export class ReadLine {
  private buf = '';
  private index = 0;
  private lastBuf = '';
  private lastIndex = 0;
  private readonly history: string[] = [];
  private histEntry = -1;
  private esc: EscState = 'norm';
  private escParam = 0;

  /**
   * @param print writes raw text (one char per byte) to stdout
   * @param prompt re-shown after a completion list
   * @param complete names that complete the first word
   */
  constructor(
    private readonly print: (text: string) => void,
    private readonly prompt: string,
    private readonly complete: () => readonly string[],
  ) {}

  /** A new line: nothing typed yet (the caller has printed the prompt). */
  start(): void {
    this.buf = '';
    this.index = 0;
    this.lastBuf = '';
    this.lastIndex = 0;
    this.histEntry = -1;
    this.esc = 'norm';
  }

  /** Feed one input byte; returns the finished line (bytes as chars) on Enter. */
  handleByte(ch: number): string | null {
    let line: string | null = null;
    switch (this.esc) {
      case 'norm':
        line = this.handleNormal(ch);
        break;
      case 'esc':
        if (ch === 0x5b) {
          this.esc = 'csi';
          this.escParam = 0;
        } else if (ch === 0x4f) {
          this.esc = 'ss3';
        } else {
          this.esc = 'norm';
        }
        break;
      case 'csi':
        this.handleCsi(ch);
        break;
      case 'ss3':
        this.esc = 'norm';
        if (ch === 0x46) this.index = this.buf.length; // F: end
        else if (ch === 0x48) this.index = 0; // H: home
        break;
    }
    if (line === null) this.update();
    return line;
  }

  private handleNormal(ch: number): string | null {
    switch (ch) {
      case 1: // Ctrl-A
        this.index = 0;
        break;
      case 4: // Ctrl-D (when it is not the terminal's EOF character)
        this.deleteChar();
        break;
      case 5: // Ctrl-E
        this.index = this.buf.length;
        break;
      case 9:
        this.completion();
        break;
      case 10:
      case 13: {
        const line = this.buf;
        this.addHistory(line);
        this.print('\n');
        this.start();
        return line;
      }
      case 23: // Ctrl-W
        this.backWord();
        break;
      case 27:
        this.esc = 'esc';
        break;
      case 8:
      case 127:
        if (this.index > 0) {
          this.buf = this.buf.slice(0, this.index - 1) + this.buf.slice(this.index);
          this.index--;
        }
        break;
      case 155:
        this.esc = 'csi';
        this.escParam = 0;
        break;
      default:
        if (ch >= 32) {
          this.buf = this.buf.slice(0, this.index) + String.fromCharCode(ch) + this.buf.slice(this.index);
          this.index++;
        }
    }
    return null;
  }

  private handleCsi(ch: number): void {
    if (ch >= 0x30 && ch <= 0x39) {
      this.escParam = this.escParam * 10 + (ch - 0x30);
      return;
    }
    this.esc = 'norm';
    switch (String.fromCharCode(ch)) {
      case 'A': this.historyUp(); break;
      case 'B': this.historyDown(); break;
      case 'C': if (this.index < this.buf.length) this.index++; break;
      case 'D': if (this.index > 0) this.index--; break;
      case '~':
        if (this.escParam === 1) this.index = 0;
        else if (this.escParam === 3) this.deleteChar();
        else if (this.escParam === 4) this.index = this.buf.length;
        break;
    }
  }

  private deleteChar(): void {
    if (this.index < this.buf.length) this.buf = this.buf.slice(0, this.index) + this.buf.slice(this.index + 1);
  }

  private backWord(): void {
    let start = this.index;
    while (start > 0 && this.buf[start - 1] === ' ') start--;
    while (start > 0 && this.buf[start - 1] !== ' ') start--;
    this.buf = this.buf.slice(0, start) + this.buf.slice(this.index);
    this.index = start;
  }

  private addHistory(line: string): void {
    if (line === '') return;
    const known = this.history.indexOf(line);
    if (known >= 0) this.history.splice(known, 1);
    else if (this.history.length === MAX_HISTORY) this.history.shift();
    this.history.push(line);
  }

  private historyUp(): void {
    if (this.histEntry === 0) return;
    if (this.histEntry === -1) {
      if (this.history.length === 0) return;
      this.histEntry = this.history.length - 1;
    } else {
      this.histEntry--;
    }
    this.buf = this.history[this.histEntry];
    this.index = this.buf.length;
  }

  private historyDown(): void {
    if (this.histEntry === -1) return;
    if (this.histEntry < this.history.length - 1) {
      this.buf = this.history[++this.histEntry];
    } else {
      this.histEntry = -1;
      this.buf = '';
    }
    this.index = this.buf.length;
  }

  /** Tab: complete the command name; several candidates are listed under the line. */
  private completion(): void {
    const typed = this.buf.slice(0, this.index);
    if (typed.includes(' ')) return;
    const matches = this.complete().filter((name) => name.startsWith(typed));
    if (matches.length === 0) return;
    if (matches.length === 1) {
      this.insert(`${matches[0].slice(typed.length)} `);
      return;
    }
    let common = matches[0];
    for (const m of matches) while (!m.startsWith(common)) common = common.slice(0, -1);
    this.insert(common.slice(typed.length));
    let width = Math.max(...matches.map((m) => m.length)) + 2;
    width = Math.min(Math.max(width, 10), TERMINAL_WIDTH);
    const columns = Math.floor(TERMINAL_WIDTH / width);
    let text = '\n';
    matches.forEach((m, i) => {
      text += m.padEnd(width);
      if ((i + 1) % columns === 0 || i === matches.length - 1) text += '\n';
    });
    this.print(text + this.prompt);
    // The line is drawn afresh after the prompt.
    this.lastBuf = '';
    this.lastIndex = 0;
  }

  private insert(text: string): void {
    this.buf = this.buf.slice(0, this.index) + text + this.buf.slice(this.index);
    this.index += text.length;
  }

  /** Redraw what changed: back to the line start, the line, clear to its end, then the cursor. */
  private update(): void {
    let out = '';
    if (this.buf !== this.lastBuf) {
      out += LEFT.repeat(this.lastIndex) + this.buf + CLEAR_EOL;
      this.lastBuf = this.buf;
      this.lastIndex = this.buf.length;
    }
    if (this.index !== this.lastIndex) {
      const delta = this.index - this.lastIndex;
      out += (delta > 0 ? RIGHT : LEFT).repeat(Math.abs(delta));
      this.lastIndex = this.index;
    }
    if (out) this.print(out);
  }
}
