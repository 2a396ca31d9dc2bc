import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { SPEC } from "../test/fixtures";
import { SpecView, durationText } from "./SpecView";

describe("SpecView's length", () => {
  it("says the delivered length in whole bars and the length asked when the bar grid moved it", () => {
    // 6 s asked at 132 BPM in 4/4: 3.3 bars, delivered as 3 whole bars = 5.45 s.
    const rounded = { ...SPEC, duration_s: 5.454545, asked_duration_s: 6, total_bars: 3 };
    expect(durationText(rounded)).toBe("5.5 s · 3 bars (asked 6 s)");
    expect(durationText({ ...rounded, asked_duration_s: 5.454545 })).toBe("5.5 s · 3 bars");
    expect(durationText({ ...rounded, asked_duration_s: null, total_bars: 1 })).toBe("5.5 s · 1 bar");
    expect(durationText(SPEC)).toBe("6 s");
    render(<SpecView spec={rounded} />);
    expect(screen.getByText("5.5 s · 3 bars (asked 6 s)")).toBeInTheDocument();
  });
});
