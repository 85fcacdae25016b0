import type { ProgressEvent } from "@yardstick/pipeline";

/**
 * Progress of a sync on standard error: repositories done, pull requests fetched, GitHub points
 * spent and left, ETA. Redrawn in place on a terminal; on a pipe, one line every few seconds.
 */
export class SyncProgress {
  private repos = new Set<string>();
  private reposDone = new Set<string>();
  private pullRequests = 0;
  private points = 0;
  private remaining: number | null = null;
  private readonly started = Date.now();
  private lastDraw = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly quiet = false,
  ) {}

  readonly onProgress = (event: ProgressEvent): void => {
    if (event.kind === "repos") for (const repo of event.repos) this.repos.add(repo);
    if (event.kind === "page") {
      this.repos.add(event.repo);
      if (event.stream === "pull_requests") this.pullRequests += event.items;
      this.points += event.points;
      if (event.remaining !== null) this.remaining = event.remaining;
    }
    if (event.kind === "done" && event.stream === "pull_requests") this.reposDone.add(event.repo);
    this.draw(false);
  };

  line(): string {
    const total = Math.max(this.repos.size, 1);
    const done = this.reposDone.size;
    const width = 24;
    const filled = Math.round((done / total) * width);
    const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = done > 0 && done < total ? `${Math.round((elapsed / done) * (total - done))}s` : "-";
    const budget = this.remaining === null ? "" : `, ${this.remaining} left`;
    return `${bar} repos ${done}/${this.repos.size} · PRs ${this.pullRequests} · GitHub points ${this.points}${budget} · ETA ${eta}`;
  }

  draw(final: boolean): void {
    if (this.quiet) return;
    const now = Date.now();
    if (this.stream.isTTY) {
      if (!final && now - this.lastDraw < 100) return;
      this.stream.write(`\r\x1b[2K${this.line()}${final ? "\n" : ""}`);
    } else if (final || now - this.lastDraw > 5_000) {
      this.stream.write(`${this.line()}\n`);
    } else {
      return;
    }
    this.lastDraw = now;
  }

  get totals(): { repos: number; pullRequests: number; points: number } {
    return { repos: this.repos.size, pullRequests: this.pullRequests, points: this.points };
  }
}
