// Redraws at most once per animation frame however often data arrives: request() marks the chart dirty and asks for
// one frame; the frame runs the draw once.

export interface FrameLoop {
  /** Asks for a draw in the next frame (no-op when one is already asked for). */
  request(): void;
  /** Drops a pending draw (on unmount). */
  cancel(): void;
  /** Draws issued so far. */
  readonly frames: number;
}

export function frameLoop(draw: () => void): FrameLoop {
  let pending = 0;
  let frames = 0;
  const raf: (cb: () => void) => number = typeof requestAnimationFrame === 'function' ? requestAnimationFrame : (cb) => setTimeout(cb, 16) as unknown as number;
  const caf: (h: number) => void = typeof cancelAnimationFrame === 'function' ? cancelAnimationFrame : (h) => clearTimeout(h);
  const run = () => {
    pending = 0;
    frames++;
    draw();
  };
  return {
    request() {
      if (!pending) pending = raf(run);
    },
    cancel() {
      if (pending) caf(pending);
      pending = 0;
    },
    get frames() {
      return frames;
    },
  };
}
