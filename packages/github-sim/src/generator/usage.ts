/** Usage records: AI tools' daily token use per person, following the AI work they shipped. */
import type { WorldRecord } from "../world/schema.js";
import { type Context, DAY, HOUR, iso } from "./model.js";
import { Prng } from "./prng.js";

/**
 * Each AI user's tokens per working day and tool (stream `usage`): in proportion to the merged AI
 * changes they opened that day (`ctx.aiWork`, counted as the repositories' ground truth is
 * written, so usage comes after every repository), now and then a little on other days;
 * `token-heavy` gamers burn millions every working day with nothing shipped.
 */
export function* usageRecords(ctx: Context): Generator<WorldRecord> {
  const rng = new Prng(ctx.o.seed, "usage");
  const firstDay = Math.floor(ctx.start / DAY);
  const lastDay = Math.floor(ctx.now / DAY);
  for (const p of ctx.people) {
    if (p.aiRate === 0 && p.gaming !== "token-heavy") continue;
    for (let day = firstDay; day < lastDay; day++) {
      const t = day * DAY + 12 * HOUR;
      const dow = new Date(t * 1000).getUTCDay();
      if (dow === 0 || dow === 6) continue;
      if (t < p.joinedAt || (p.leftAt !== null && t >= p.leftAt) || p.leave.some(([a, b]) => a <= t && t < b)) continue;
      for (const tool of p.tools) {
        const work = ctx.aiWork.get(`${p.idx}|${day}|${tool}`) ?? 0;
        let tokensIn = 0;
        if (p.gaming === "token-heavy") tokensIn = rng.int(8_000_000, 30_000_000);
        else if (work > 0) tokensIn = work * rng.int(150_000, 1_500_000);
        else if (rng.chance(0.35)) tokensIn = rng.int(20_000, 300_000);
        if (tokensIn === 0) continue;
        const tokensOut = Math.round(tokensIn * (0.03 + rng.float() * 0.07));
        yield {
          type: "usage",
          login: p.login,
          day: iso(day * DAY).slice(0, 10),
          tool,
          tokensIn,
          tokensOut,
          costUsd: Math.round((tokensIn * 3e-6 + tokensOut * 15e-6) * 100) / 100,
        };
      }
    }
  }
}
