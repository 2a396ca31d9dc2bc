import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { QACheck, QAReport } from "../api/types";
import { advisorySuffix, QAReportView, verdictText } from "./QAReportView";

function check(name: string, passed: boolean, severity: QACheck["severity"], message: string): QACheck {
  return { name, value: -1, threshold: "x", passed, message, remasterable: false, severity };
}

function report(passed: boolean, checks: QACheck[]): QAReport {
  return { passed, integrated_lufs: -14, true_peak_dbtp: -1.2, target_lufs: -14, mastering_pass: 1, checks };
}

const WITH_NOTES = report(true, [
  check("true_peak", true, "hard", "True peak -1.20 dBTP is under the ceiling."),
  check("spectral_balance", false, "advisory", "Spectral balance is off for classical: high -1.0 dB."),
  check("key", false, "advisory", "The mix sounds in A minor but the spec asks for C mixolydian."),
]);

function rowOf(name: string): HTMLElement {
  const cell = document.querySelector(`[data-check="${name}"]`);
  if (!cell) throw new Error(`no row for ${name}`);
  return cell.closest("tr") as HTMLElement;
}

describe("QAReportView", () => {
  it("shows advisory notes as amber advisories with their sentence, not as red failures", () => {
    render(<QAReportView qa={WITH_NOTES} waveformUrl={undefined} spectrogramUrl={undefined} />);
    const section = screen.getByRole("region", { name: "Quality report" });
    expect(section).toHaveTextContent("Passed, 2 checks flagged");
    expect(section.querySelector(".badge")).toHaveClass("badge--SUCCEEDED");
    expect(screen.getByTestId("qa-advisory-note")).toHaveTextContent("2 advisory notes: these checks judge style");

    const balance = rowOf("spectral_balance");
    expect(balance).toHaveClass("checks__advisory");
    expect(balance).not.toHaveClass("checks__failed");
    expect(balance).toHaveAttribute("data-severity", "advisory");
    expect(within(balance).getByText("advisory", { selector: ".checks__kind" })).toBeInTheDocument();
    expect(balance).toHaveTextContent("⚠ advisory");
    expect(balance).not.toHaveTextContent("✗ fail");
    expect(balance).toHaveTextContent("Spectral balance is off for classical: high -1.0 dB.");
    expect(rowOf("key")).toHaveTextContent("C mixolydian");

    const peak = rowOf("true_peak");
    expect(peak).toHaveTextContent("✓ pass");
    expect(peak.querySelector(".checks__kind")).toBeNull();
  });

  it("fails only on hard checks and counts advisory notes beside the failures", () => {
    const failed = report(false, [
      check("stems_intact", false, "hard", "Broken stems: lead is silent throughout."),
      check("tempo", false, "advisory", "The mix plays at 120.0 bpm but the spec asks for 100 bpm."),
    ]);
    render(<QAReportView qa={failed} waveformUrl={undefined} spectrogramUrl={undefined} />);
    expect(screen.getByText("Failed: 1 check failed, 1 advisory note")).toHaveClass("badge--FAILED");
    expect(rowOf("stems_intact")).toHaveClass("checks__failed");
    expect(rowOf("stems_intact")).toHaveTextContent("✗ fail");
    expect(rowOf("tempo")).toHaveClass("checks__advisory");
  });

  it("words the verdict from the hard checks alone", () => {
    expect(verdictText(report(true, [check("tempo", true, "advisory", "ok")]))).toBe("Passed");
    expect(verdictText(report(false, [check("clipping", false, "hard", "clipped")]))).toBe("Failed: 1 check failed");
  });
});

describe("advisorySuffix", () => {
  it("counts the advisory notes for a job's one-line summary", () => {
    expect(advisorySuffix(WITH_NOTES)).toBe(", 2 advisory notes");
    expect(advisorySuffix(report(true, [check("key", true, "advisory", "ok")]))).toBe("");
  });

  it("lists each stem with where it was rendered and whether its result was carried over", () => {
    const stem = (role: string, carried: string | null, rendered: string | null) => ({
      role, frames: 10, peak_dbfs: -6.5, clipped_samples: 0, finite: true, sha256: "a", carried_from: carried, rendered_in: rendered,
    });
    const qa = {
      ...report(true, [check("stems_intact", true, "hard", "All 2 stems are present.")]),
      stems: [stem("bass", null, null), stem("drums", "parent-987654", "parent-987654")],
    };
    render(<QAReportView qa={qa} jobId="child-1234567" waveformUrl={undefined} spectrogramUrl={undefined} />);
    const table = screen.getByTestId("qa-stems");
    const bass = table.querySelector('[data-stem="bass"]') as HTMLElement;
    const drums = table.querySelector('[data-stem="drums"]') as HTMLElement;
    expect(bass).toHaveAttribute("data-carried", "false");
    expect(bass).toHaveTextContent("this job");
    expect(bass).toHaveTextContent("measured");
    expect(drums).toHaveAttribute("data-carried", "true");
    expect(drums).toHaveTextContent("reused from parent-9");
    expect(drums).toHaveTextContent("carried over from parent-9");
    expect(drums).toHaveTextContent("-6.5 dBFS");
  });
});
