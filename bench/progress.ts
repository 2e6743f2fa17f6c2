// A one-line progress indicator on stderr ("⏳ label 3s"), redrawn each second on a terminal;
// nothing at all when stderr is not a terminal (CI logs stay clean).
const encoder = new TextEncoder();

export interface Progress {
  done(): void;
}

export function startProgress(label: string): Progress {
  if (!Deno.stderr.isTerminal()) return { done: () => {} };
  const start = Date.now();
  const draw = () => {
    const s = Math.round((Date.now() - start) / 1000);
    Deno.stderr.writeSync(encoder.encode(`\r\x1b[2K  … ${label} ${s}s`));
  };
  draw();
  const timer = setInterval(draw, 1000);
  return {
    done: () => {
      clearInterval(timer);
      Deno.stderr.writeSync(encoder.encode("\r\x1b[2K"));
    },
  };
}
