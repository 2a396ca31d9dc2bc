import { describe, expect, it } from "vitest";
import {
  barSeconds,
  blockSpan,
  defaultPlan,
  draftsFrom,
  hasPlanErrors,
  moveSection,
  nearestBars,
  parseSectionsFile,
  planErrorsFromServer,
  planFieldOf,
  planFromDrafts,
  totalBars,
  validatePlan,
} from "./plan";

const summary = (bars: number) =>
  defaultPlan(bars * 2, 120, "4/4").sections.map((section) => [section.name, section.bars, section.energy]);

describe("section plan rules", () => {
  it("counts bar length as the composer does (quarter-note BPM, any metre)", () => {
    expect(barSeconds(120, "4/4")).toBe(2);
    expect(barSeconds(120, "3/4")).toBe(1.5);
    expect(barSeconds(120, "6/8")).toBe(1.5);
    expect(barSeconds(90, "7/8")).toBeCloseTo(7 * 0.5 * (60 / 90));
  });

  it("defaults to the composer's own template (compose/arrangement.py plan_sections, energy 0.6)", () => {
    // Expected values printed by amp.compose.arrangement.plan_sections(bars, 0.6).
    expect(summary(30)).toEqual([
      ["intro", 4, 0.44],
      ["groove", 8, 0.6],
      ["drop", 12, 0.7],
      ["outro", 6, 0.47],
    ]);
    expect(summary(64).map(([name, bars]) => [name, bars])).toEqual([
      ["intro", 8],
      ["groove", 12],
      ["build", 4],
      ["drop", 12],
      ["breakdown", 8],
      ["build", 4],
      ["drop", 12],
      ["outro", 4],
    ]);
    expect(summary(150).map(([, bars]) => bars)).toEqual([16, 28, 12, 28, 20, 8, 24, 14]);
    expect(summary(12).map(([, bars]) => bars)).toEqual([2, 4, 4, 2]);
    expect(summary(3)).toEqual([
      ["groove", 1, 0.6],
      ["drop", 2, 0.7],
    ]);
    // 60 s at 124 BPM in 4/4 is 31 whole bars (the float 30.99... is 31).
    expect(defaultPlan(60, 124, "4/4").sections.reduce((sum, section) => sum + section.bars, 0)).toBe(31);
  });

  it("rounds the length to the nearest whole bars inside 5 s..10 min, as the server does", () => {
    const bars = (plan: ReturnType<typeof defaultPlan>) => plan.sections.reduce((sum, section) => sum + section.bars, 0);
    expect(bars(defaultPlan(30, 174, "4/4"))).toBe(22); // 21.75 bars -> 22 (30.34 s)
    expect(nearestBars(30, barSeconds(120, "4/4"))).toBe(15);
    expect(nearestBars(31, barSeconds(120, "4/4"))).toBe(16); // a half bar rounds up
    expect(nearestBars(30.9, barSeconds(120, "4/4"))).toBe(15);
    expect(nearestBars(5, barSeconds(120, "4/4"))).toBe(3); // 2.5 -> 3 bars
    expect(nearestBars(4.5, barSeconds(100, "4/4"))).toBe(3); // 2 bars would be 4.8 s, under 5 s
    expect(nearestBars(600, barSeconds(173, "4/4"))).toBe(432); // 432.5 bars, but 433 would be 600.7 s
  });

  it("checks every limit the server checks and names the field", () => {
    const drafts = draftsFrom({
      sections: [
        { name: "", bars: 8, energy: 0.3 },
        { name: "x".repeat(41), bars: 0, energy: 0.5 },
        { name: "drop", bars: 257, energy: 1 },
        { name: "outro", bars: 4, energy: 0.2, add_roles: ["pad"], mute_roles: ["pad"], text: "y".repeat(201) },
      ],
    });
    const errors = validatePlan(drafts, 120, "4/4");
    expect(errors.sections[0]).toEqual({ name: "Name the section." });
    expect(errors.sections[1]).toEqual({ name: "At most 40 characters.", bars: "Bars must be between 1 and 256." });
    expect(errors.sections[2]).toEqual({ bars: "Bars must be between 1 and 256." });
    expect(errors.sections[3]).toEqual({ text: "At most 200 characters.", mute_roles: "pad cannot be both added and muted." });
    expect(errors.plan).toBeUndefined();
    expect(hasPlanErrors(errors)).toBe(true);
    // Invalid bars do not count towards the total.
    expect(totalBars(drafts)).toBe(12);

    const half = draftsFrom({ sections: [{ name: "a", bars: 8, energy: 0.5 }] });
    expect(validatePlan([{ ...half[0]!, bars: "2.5" }], 120, "4/4").sections[0]?.bars).toBe("Bars must be a whole number.");
    expect(validatePlan([], 120, "4/4").plan).toBe("A plan needs at least one section.");
    const many = draftsFrom({ sections: Array.from({ length: 33 }, () => ({ name: "verse", bars: 1, energy: 0.5 })) });
    expect(validatePlan(many, 120, "4/4").plan).toBe("A plan has at most 32 sections; this one has 33.");
  });

  it("allows exactly 10 minutes and refuses one bar more, at the tempo shown", () => {
    const exact = draftsFrom({ sections: [{ name: "a", bars: 256, energy: 0.5 }, { name: "b", bars: 44, energy: 0.5 }] });
    expect(validatePlan(exact, 120, "4/4").plan).toBeUndefined(); // 300 bars * 2 s = 10:00
    const over = draftsFrom({ sections: [{ name: "a", bars: 256, energy: 0.5 }, { name: "b", bars: 45, energy: 0.5 }] });
    expect(validatePlan(over, 120, "4/4").plan).toBe("The plan lasts 10:02 at 120 BPM; songs can be at most 10:00.");
    // The same bars at a faster tempo are short enough.
    expect(validatePlan(over, 140, "4/4").plan).toBeUndefined();
    // Shown at 120 BPM but checked at 220 (no tempo stated: the server may raise it that far).
    expect(validatePlan(over, 120, "4/4", 220).plan).toBeUndefined();
    const huge = draftsFrom({ sections: Array.from({ length: 3 }, () => ({ name: "a", bars: 256, energy: 0.5 })) });
    expect(validatePlan(huge, 120, "4/4", 220).plan).toBe("The plan lasts 13:57 at 220 BPM; songs can be at most 10:00.");
  });

  it("sends trimmed names, whole bars and only the optional parts that are set", () => {
    const drafts = draftsFrom({
      sections: [
        { name: " intro ", bars: 8, energy: 0.333 },
        { name: "drop", bars: 16, energy: 1, add_roles: ["lead"], text: " half-time " },
      ],
    });
    expect(planFromDrafts(drafts)).toEqual({
      sections: [
        { name: "intro", bars: 8, energy: 0.33 },
        { name: "drop", bars: 16, energy: 1, add_roles: ["lead"], text: "half-time" },
      ],
    });
  });

  it("moves sections and ignores moves past either end", () => {
    expect(moveSection(["a", "b", "c"], 0, 2)).toEqual(["b", "c", "a"]);
    expect(moveSection(["a", "b", "c"], 2, 1)).toEqual(["a", "c", "b"]);
    expect(moveSection(["a", "b", "c"], 0, -1)).toEqual(["a", "b", "c"]);
  });

  it("reads the server's field names for plan problems in each spelling", () => {
    expect(planFieldOf("plan.sections.3.bars")).toEqual({ index: 3, field: "bars" });
    expect(planFieldOf("plan.sections[3].bars")).toEqual({ index: 3, field: "bars" });
    expect(planFieldOf("sections[0].name")).toEqual({ index: 0, field: "name" });
    expect(planFieldOf("plan.sections.2.mute_roles.0")).toEqual({ index: 2, field: "mute_roles" });
    expect(planFieldOf("plan.sections.2")).toEqual({ index: 2, field: null });
    expect(planFieldOf("plan.sections")).toEqual({ index: null, field: null });
    expect(planFieldOf("plan")).toEqual({ index: null, field: null });
    expect(planFieldOf("duration_s")).toBeNull();
    expect(planFieldOf("prompt")).toBeNull();

    const errors = planErrorsFromServer({
      fields: [
        { field: "plan.sections.3.bars", message: "Input should be less than or equal to 256" },
        { field: "plan", message: "The plan lasts 10:30; the limit is 10 minutes." },
        { field: "prompt", message: "too long" },
      ],
    });
    expect(errors).toEqual({
      plan: "The plan lasts 10:30; the limit is 10 minutes.",
      sections: { 3: { bars: "Input should be less than or equal to 256" } },
    });
    expect(planErrorsFromServer({ fields: [{ field: "prompt", message: "too long" }] })).toBeNull();
    expect(planErrorsFromServer([{ loc: ["body", "plan", "sections", 1, "energy"], msg: "too big" }])).toEqual({
      sections: { 1: { energy: "too big" } },
    });
  });

  it("reads sections.json and places blocks by time", () => {
    const file = parseSectionsFile({
      bpm: 120,
      time_signature: "4/4",
      sections: [
        { name: "intro", bars: 4, energy: 0.3, start_bar: 0, start_s: 0, end_s: 8 },
        { name: "drop", bars: 8, energy: 1, start_bar: 4, start_s: 8, end_s: 24 },
      ],
    });
    expect(file.sections[1]).toEqual({ name: "drop", bars: 8, energy: 1, start_bar: 4, start_s: 8, end_s: 24 });
    expect(blockSpan(file.sections[1]!, 32)).toEqual({ left: 0.25, width: 0.5 });
    expect(blockSpan({ start_s: 30, end_s: 40 }, 32)).toEqual({ left: 30 / 32, width: 2 / 32 });
    expect(() => parseSectionsFile({ bpm: 120, sections: [{ name: "x", bars: 1, energy: 1, start_bar: 0, start_s: "0", end_s: 1 }] })).toThrow(
      "sections[0].start_s is not a number",
    );
    expect(() => parseSectionsFile([])).toThrow();
  });
});
