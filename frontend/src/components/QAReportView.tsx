import type { QACheck, QAReport, StemCheck } from "../api/types";

function db(value: number | null | undefined, unit: string): string {
  return value === null || value === undefined ? "—" : `${value.toFixed(1)} ${unit}`;
}

function checkValue(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return Math.abs(value) >= 100 ? value.toFixed(1) : value.toFixed(2);
}

/** "stems_sum_to_mix" -> "Stems sum to mix". */
export function checkLabel(name: string): string {
  const words = name.replace(/[_-]+/g, " ").trim().replace(/\b(dc|lufs|bpm|rms)\b/gi, (word) => word.toUpperCase());
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Advisory checks judge style (spectral balance, tempo, key): a flag is a note, never a failure.
 * A check without a severity comes from a report stored before the split and counts as hard. */
export function isAdvisory(check: QACheck): boolean {
  return check.severity === "advisory";
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** How many advisory checks flagged something. */
function advisoryCount(qa: QAReport): number {
  return qa.checks.filter((check) => !check.passed && isAdvisory(check)).length;
}

/** ", 2 advisory notes" for a job's one-line summary, or nothing when no advisory check flagged. */
export function advisorySuffix(qa: QAReport): string {
  const notes = advisoryCount(qa);
  return notes > 0 ? `, ${plural(notes, "advisory note")}` : "";
}

/** The badge text: only hard failures make a report fail; advisory notes are counted beside it. */
export function verdictText(qa: QAReport): string {
  const flagged = qa.checks.filter((check) => !check.passed).length;
  const notes = advisoryCount(qa);
  if (qa.passed) return flagged > 0 ? `Passed, ${plural(flagged, "check")} flagged` : "Passed";
  const failed = `Failed: ${plural(flagged - notes, "check")} failed`;
  return notes > 0 ? `${failed}, ${plural(notes, "advisory note")}` : failed;
}

function shortId(id: string): string {
  return id.slice(0, 8);
}

/** Where a stem's QA result comes from: measured by this job's QA, or carried over from the parent
 * for a byte-identical stem file (the mix-level checks are always this job's own). */
export function stemSource(stem: StemCheck): string {
  return stem.carried_from ? `carried over from ${shortId(stem.carried_from)}` : "measured";
}

/** Which job rendered the stem: this one, or the edit's parent (or an ancestor) it was reused from. */
function renderedIn(stem: StemCheck, jobId: string | undefined): string {
  if (!stem.rendered_in || stem.rendered_in === jobId) return "this job";
  return `reused from ${shortId(stem.rendered_in)}`;
}

function StemTable({ stems, jobId }: { stems: StemCheck[]; jobId: string | undefined }) {
  return (
    <div className="table-scroll" tabIndex={0} aria-label="Stem checks">
      <table className="checks" data-testid="qa-stems">
        <thead>
          <tr>
            <th scope="col">Stem</th>
            <th scope="col">Peak</th>
            <th scope="col">Rendered</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {stems.map((stem) => (
            <tr key={stem.role} data-stem={stem.role} data-carried={stem.carried_from ? "true" : "false"}>
              <th scope="row">{stem.role}</th>
              <td className="num">{db(stem.peak_dbfs, "dBFS")}</td>
              <td>{renderedIn(stem, jobId)}</td>
              <td className="muted">{stemSource(stem)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CheckResult({ check }: { check: QACheck }) {
  if (check.passed) return <span className="pass">✓ pass</span>;
  if (isAdvisory(check)) return <span className="advisory">⚠ advisory</span>;
  return <span className="fail">✗ fail</span>;
}

function rowClass(check: QACheck): string {
  if (check.passed) return "";
  return isAdvisory(check) ? "checks__advisory" : "checks__failed";
}

export function QAReportView({
  qa,
  waveformUrl,
  spectrogramUrl,
  jobId,
}: {
  qa: QAReport;
  waveformUrl: string | undefined;
  spectrogramUrl: string | undefined;
  jobId?: string;
}) {
  const notes = advisoryCount(qa);
  return (
    <section className="result-section" aria-label="Quality report">
      <h4>
        Quality report{" "}
        <span className={`badge ${qa.passed ? "badge--SUCCEEDED" : "badge--FAILED"}`}>
          {verdictText(qa)}
        </span>
      </h4>
      {notes > 0 ? (
        <p className="qa-advisory-note muted small" data-testid="qa-advisory-note">
          {plural(notes, "advisory note")}: these checks judge style (spectral balance, tempo, key) and never fail a
          song; only broken audio or broken stems do.
        </p>
      ) : null}
      <dl className="qa-summary">
        <div>
          <dt>Loudness</dt>
          <dd>{db(qa.integrated_lufs, "LUFS")}</dd>
        </div>
        <div>
          <dt>Target</dt>
          <dd>{db(qa.target_lufs, "LUFS")}</dd>
        </div>
        <div>
          <dt>True peak</dt>
          <dd>{db(qa.true_peak_dbtp, "dBTP")}</dd>
        </div>
        <div>
          <dt>Mastering passes</dt>
          <dd>{qa.mastering_pass ?? 1}</dd>
        </div>
      </dl>
      <div className="table-scroll" tabIndex={0} aria-label="Quality checks">
        <table className="checks">
          <thead>
            <tr>
              <th scope="col">Check</th>
              <th scope="col">Value</th>
              <th scope="col">Threshold</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {qa.checks.map((check) => (
              <tr key={check.name} className={rowClass(check)} data-severity={check.severity ?? "hard"}>
                <th scope="row" data-check={check.name}>
                  {checkLabel(check.name)}
                  {isAdvisory(check) ? <span className="checks__kind">advisory</span> : null}
                  <span className="checks__message muted">{check.message}</span>
                </th>
                <td className="num checks__value">{checkValue(check.value)}</td>
                <td className="checks__threshold">{check.threshold}</td>
                <td className="checks__result">
                  <CheckResult check={check} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {qa.stems && qa.stems.length > 0 ? <StemTable stems={qa.stems} jobId={jobId} /> : null}
      <div className="figures">
        {waveformUrl ? (
          <figure className="figure">
            <img src={waveformUrl} alt="Waveform plot of the mastered mix, left and right channels" />
            <figcaption className="muted small">Waveform, left and right channels</figcaption>
          </figure>
        ) : null}
        {spectrogramUrl ? (
          <figure className="figure">
            <img src={spectrogramUrl} alt="Spectrogram of the mastered mix" />
            <figcaption className="muted small">Spectrogram of the mastered mix</figcaption>
          </figure>
        ) : null}
      </div>
    </section>
  );
}
