/**
 * A one-line progress bar on stderr for seeding. On a terminal it redraws in place; elsewhere
 * (CI logs) it prints a line at every quarter so logs stay short.
 */
export class Progress {
  private done = 0;
  private lastQuarter = -1;
  private lastDraw = 0;
  private readonly started = performance.now();
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {
    this.draw(true);
  }

  tick(count = 1): void {
    this.done = Math.min(this.total, this.done + count);
    this.draw(false);
  }

  finish(): void {
    this.done = this.total;
    this.draw(true);
    if (this.tty) process.stderr.write('\n');
  }

  private draw(force: boolean): void {
    const fraction = this.total === 0 ? 1 : this.done / this.total;
    if (this.tty) {
      const now = performance.now();
      if (!force && now - this.lastDraw < 80 && this.done < this.total) return;
      this.lastDraw = now;
      const width = 28;
      const filled = Math.round(fraction * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      const seconds = ((now - this.started) / 1000).toFixed(1);
      process.stderr.write(
        `\r  ${this.label.padEnd(34)} ${bar} ${String(Math.floor(fraction * 100)).padStart(3)}%  ${this.done.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')}  ${seconds}s   `,
      );
      return;
    }
    const quarter = Math.floor(fraction * 4);
    if (quarter === this.lastQuarter) return;
    this.lastQuarter = quarter;
    const seconds = ((performance.now() - this.started) / 1000).toFixed(1);
    process.stderr.write(
      `  ${this.label}: ${quarter * 25}% (${this.done.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')}, ${seconds}s)\n`,
    );
  }
}

/** Runs `task` over `items` with at most `concurrency` in flight, ticking `progress` per item. */
export async function forEachLimited<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
  progress?: Progress,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index]!, index);
      progress?.tick();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
