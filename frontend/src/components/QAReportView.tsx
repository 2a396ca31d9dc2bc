import type { QAReport } from "../api/types";

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

export function QAReportView({
  qa,
  waveformUrl,
  spectrogramUrl,
}: {
  qa: QAReport;
  waveformUrl: string | undefined;
  spectrogramUrl: string | undefined;
}) {
  const failed = qa.checks.filter((check) => !check.passed).length;
  return (
    <section className="result-section" aria-label="Quality report">
      <h4>
        Quality report{" "}
        <span className={`badge ${qa.passed ? "badge--SUCCEEDED" : "badge--FAILED"}`}>
          {qa.passed
            ? failed > 0
              ? `Passed, ${failed} check${failed === 1 ? "" : "s"} flagged`
              : "Passed"
            : `Failed: ${failed} check${failed === 1 ? "" : "s"} failed`}
        </span>
      </h4>
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
              <tr key={check.name} className={check.passed ? "" : "checks__failed"}>
                <th scope="row" data-check={check.name}>
                  {checkLabel(check.name)}
                  <span className="checks__message muted">{check.message}</span>
                </th>
                <td className="num checks__value">{checkValue(check.value)}</td>
                <td className="checks__threshold">{check.threshold}</td>
                <td className="checks__result">
                  <span className={check.passed ? "pass" : "fail"}>{check.passed ? "✓ pass" : "✗ fail"}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
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
