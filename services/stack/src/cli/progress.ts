/**
 * A progress bar on stderr (so stdout stays clean for --json and --csv). On a
 * terminal it redraws in place; elsewhere it prints a line at each quarter.
 */
export class ProgressBar {
  private lastQuarter = -1;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number): void {
    const ratio = this.total === 0 ? 1 : done / this.total;
    if (this.stream.isTTY) {
      const width = 30;
      const filled = Math.round(ratio * width);
      this.stream.write(
        `\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${this.total}`,
      );
      if (done >= this.total) this.stream.write('\n');
      return;
    }
    const quarter = Math.floor(ratio * 4);
    if (quarter !== this.lastQuarter) {
      this.lastQuarter = quarter;
      this.stream.write(`${this.label}: ${done}/${this.total}\n`);
    }
  }
}
