// The demo's progress display on stderr, so that stdout carries only the outcome. On a terminal
// the current step is one line rewritten in place (with a ticking clock, because some steps wait
// on the chain); piped or in CI it prints plain lines that read well in a log.

const TICK_MS = 250;

export class Progress {
  private readonly started = Date.now();
  private current = 0;
  private title = '';
  private detailText = '';
  private ticker: NodeJS.Timeout | undefined;
  private muted = false;
  private readonly tty: boolean;

  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = (stream.isTTY as boolean | undefined) === true; // undefined when not a terminal, whatever the type says
  }

  /** Seconds since the demo started, one decimal. */
  elapsed(): string {
    return ((Date.now() - this.started) / 1000).toFixed(1);
  }

  /** Starts step n+1; on a terminal the previous step stays above, marked ✓ (or ✗ when it failed). */
  step(title: string, previousFailed = false): void {
    this.finishLine(previousFailed ? '✗' : '✓');
    this.current += 1;
    this.title = title;
    this.detailText = '';
    if (this.tty) {
      this.render();
      this.ticker ??= setInterval(() => this.render(), TICK_MS).unref();
    } else {
      this.stream.write(`[${this.current}/${this.total}] ${title} (${this.elapsed()} s)\n`);
    }
  }

  /** What the current step is doing right now (e.g. "3 of 5 balances credited"). */
  detail(text: string): void {
    if (text === this.detailText) return;
    this.detailText = text;
    if (this.tty) this.render();
    else this.stream.write(`      ${text} (${this.elapsed()} s)\n`);
  }

  /** Drops later log() lines: after Ctrl-C the service logs only the consequences of stopping. */
  mute(): void {
    this.muted = true;
  }

  /** A line from elsewhere (a log message) printed without tearing the progress line. */
  log(line: string): void {
    if (this.muted) return;
    if (this.tty) this.stream.write('\r\x1b[K');
    this.stream.write(`${line}\n`);
    if (this.tty && this.current > 0 && this.ticker !== undefined) this.render();
  }

  /** Ends the display: the last step gets ✓ (or ✗ when the run failed). */
  done(ok: boolean): void {
    this.finishLine(ok ? '✓' : '✗');
    if (this.ticker !== undefined) clearInterval(this.ticker);
    this.ticker = undefined;
    if (!this.tty && this.current > 0) this.stream.write(`[${ok ? 'done' : 'failed'}] after ${this.elapsed()} s\n`);
    this.current = this.total + 1; // nothing more to render
  }

  private finishLine(mark: string): void {
    if (!this.tty || this.current === 0 || this.current > this.total) return;
    this.stream.write(`\r\x1b[K${mark} [${this.current}/${this.total}] ${this.title} (${this.elapsed()} s)\n`);
  }

  private render(): void {
    if (this.current === 0 || this.current > this.total) return;
    const detail = this.detailText === '' ? '' : `: ${this.detailText}`;
    const line = `… [${this.current}/${this.total}] ${this.title}${detail} (${this.elapsed()} s)`;
    const width = this.stream.columns > 10 ? this.stream.columns - 1 : line.length;
    this.stream.write(`\r\x1b[K${line.slice(0, width)}`);
  }
}
