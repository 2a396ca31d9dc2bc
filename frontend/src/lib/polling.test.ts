import { describe, expect, it } from "vitest";
import { afterPoll, DEFAULT_POLICY, nextDelayMs, type PollState } from "./polling";

describe("poll backoff", () => {
  it("polls every second while a job runs", () => {
    expect(nextDelayMs({ idleStreak: 0, errorStreak: 0 }, true)).toBe(1000);
    expect(nextDelayMs({ idleStreak: 7, errorStreak: 0 }, true)).toBe(1000);
  });

  it("slows down doubling while idle, up to the idle ceiling", () => {
    let state: PollState = { idleStreak: 0, errorStreak: 0 };
    const delays: number[] = [];
    for (let poll = 0; poll < 6; poll += 1) {
      state = afterPoll(state, { ok: true, anyActive: false });
      delays.push(nextDelayMs(state, false));
    }
    expect(delays).toEqual([3000, 6000, 12000, 24000, 30000, 30000]);
  });

  it("goes back to fast polling as soon as a job is active again", () => {
    let state: PollState = { idleStreak: 5, errorStreak: 0 };
    state = afterPoll(state, { ok: true, anyActive: true });
    expect(state.idleStreak).toBe(0);
    expect(nextDelayMs(state, true)).toBe(DEFAULT_POLICY.activeMs);
  });

  it("backs off exponentially on errors, even with running jobs, and recovers on success", () => {
    let state: PollState = { idleStreak: 0, errorStreak: 0 };
    const delays: number[] = [];
    for (let poll = 0; poll < 7; poll += 1) {
      state = afterPoll(state, { ok: false, anyActive: true });
      delays.push(nextDelayMs(state, true));
    }
    expect(delays).toEqual([2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    state = afterPoll(state, { ok: true, anyActive: true });
    expect(nextDelayMs(state, true)).toBe(1000);
  });
});
