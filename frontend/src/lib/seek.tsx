// One job's players seek together: the section timeline asks for a position and every player of
// that job (the mix's <audio>, the stem transport) jumps there. A tiny publish/subscribe owned by
// the job's result view, so the players need no reference to each other or to the timeline.
import { createContext, useContext, useEffect, useRef, type ReactNode } from "react";

type SeekListener = (positionS: number) => void;

export class SeekBus {
  private readonly listeners = new Set<SeekListener>();

  subscribe(listener: SeekListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  seek(positionS: number): void {
    for (const listener of this.listeners) listener(positionS);
  }
}

const SeekContext = createContext<SeekBus | null>(null);

export function SeekProvider({ bus, children }: { bus: SeekBus; children: ReactNode }) {
  return <SeekContext.Provider value={bus}>{children}</SeekContext.Provider>;
}

/** The bus of the surrounding job result, or null outside one (a player shown on its own). */
export function useSeekBus(): SeekBus | null {
  return useContext(SeekContext);
}

/** Calls `onSeek` whenever something in the same job result asks the players to seek. */
export function useSeekTarget(onSeek: SeekListener): void {
  const bus = useContext(SeekContext);
  const latest = useRef(onSeek);
  useEffect(() => {
    latest.current = onSeek;
  });
  useEffect(() => bus?.subscribe((positionS) => latest.current(positionS)), [bus]);
}
