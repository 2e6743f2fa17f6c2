// Server CPU time from /proc and its cost per acknowledged push.

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on Linux). */
export const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) in a /proc/<pid>/stat line. The command name in parentheses may
 * hold spaces or ")", so fields are counted after its last ")".
 */
export function cpuSecondsFromStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the name: state is field 3 of the line, utime 14 and stime 15 (1-based).
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / CLOCK_TICKS_PER_SECOND;
}

/** Milliseconds of server CPU per acknowledged push; NaN when nothing was acknowledged. */
export function cpuMsPerPush(cpuSeconds: number, acknowledged: number): number {
  if (!(acknowledged > 0) || !Number.isFinite(cpuSeconds)) return NaN;
  return round3((cpuSeconds * 1000) / acknowledged);
}

/** Rounded to three decimals (microsecond resolution for a value in ms). */
export function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
