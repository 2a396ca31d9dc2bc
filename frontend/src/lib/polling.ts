/**
 * How long to wait before the next refresh of the queue.
 * Fast while a job runs (the user watches it move), slower and slower while idle,
 * and backing off on errors so a down server is not hammered.
 */
export interface PollPolicy {
  activeMs: number;
  idleStartMs: number;
  idleMaxMs: number;
  errorStartMs: number;
  errorMaxMs: number;
}

export const DEFAULT_POLICY: PollPolicy = {
  activeMs: 1000,
  idleStartMs: 3000,
  idleMaxMs: 30000,
  errorStartMs: 2000,
  errorMaxMs: 60000,
};

export interface PollState {
  /** Polls in a row that found no active job. */
  idleStreak: number;
  /** Polls in a row that failed. */
  errorStreak: number;
}

export function nextDelayMs(state: PollState, anyActive: boolean, policy: PollPolicy = DEFAULT_POLICY): number {
  if (state.errorStreak > 0) {
    return Math.min(policy.errorMaxMs, policy.errorStartMs * 2 ** (state.errorStreak - 1));
  }
  if (anyActive) return policy.activeMs;
  return Math.min(policy.idleMaxMs, policy.idleStartMs * 2 ** Math.max(0, state.idleStreak - 1));
}

export function afterPoll(state: PollState, outcome: { ok: boolean; anyActive: boolean }): PollState {
  if (!outcome.ok) return { idleStreak: state.idleStreak, errorStreak: state.errorStreak + 1 };
  return { idleStreak: outcome.anyActive ? 0 : state.idleStreak + 1, errorStreak: 0 };
}
