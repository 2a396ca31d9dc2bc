import { memo, useMemo } from "react";
import { useApi } from "../api/context";
import type { Job } from "../api/types";
import { artifactOf, artifactsOf, fileNameFor, formatBytes } from "../lib/jobs";
import { SeekBus, SeekProvider } from "../lib/seek";
import { DownloadLink } from "./DownloadLink";
import { MixPlayer } from "./MixPlayer";
import { ReusePlanButton } from "./PlanEditor";
import { QAReportView } from "./QAReportView";
import { SectionTimeline, useSectionsFile } from "./SectionTimeline";
import { SpecView } from "./SpecView";
import { StemMixer, type StemTrack } from "./StemMixer";

function titleCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Everything a finished job produced: spec, players, QA and downloads. Memoised: polls hand back the
 * same job object while nothing changed (see withStableUrls), so players are left alone.
 */
export const JobResult = memo(function JobResult({ job }: { job: Job }) {
  const api = useApi();
  const mix = artifactOf(job, "mix");
  const preview = artifactOf(job, "preview");
  const waveform = artifactOf(job, "waveform");
  const spectrogram = artifactOf(job, "spectrogram");
  const report = artifactOf(job, "report");
  const stemsZip = artifactOf(job, "stems_zip");
  const midis = artifactsOf(job, "midi");
  const sectionsArtifact = artifactOf(job, "sections");
  const { file: sections } = useSectionsFile(sectionsArtifact ? api.resolve(sectionsArtifact.url) : undefined);
  // One seek bus per job: the section timeline moves this job's mix and stem players together.
  const seekBus = useMemo(() => new SeekBus(), []);
  const stems: StemTrack[] = artifactsOf(job, "stem").map((artifact, index) => {
    const id = artifact.role ?? `stem-${index + 1}`;
    return { id, label: titleCase(id), url: api.resolve(artifact.url), artifact };
  });

  const downloads = [
    mix && { key: "mix", label: "Mix (WAV)", artifact: mix },
    preview && { key: "preview", label: "Preview", artifact: preview },
    ...stems.map((stem) => ({ key: `stem-${stem.id}`, label: `Stem: ${stem.label}`, artifact: stem.artifact })),
    ...midis.map((artifact, index) => ({
      key: `midi-${artifact.role ?? index}`,
      label: artifact.role ? `MIDI: ${titleCase(artifact.role)}` : "MIDI",
      artifact,
    })),
    report && { key: "report", label: "QA report (JSON)", artifact: report },
    sectionsArtifact && { key: "sections", label: "Sections (JSON)", artifact: sectionsArtifact },
  ].filter((item): item is { key: string; label: string; artifact: NonNullable<typeof mix> } => Boolean(item));

  return (
    <SeekProvider bus={seekBus}>
    <div className="result" data-testid="job-result">
      {mix ? (
        <MixPlayer
          src={api.resolve(mix.url)}
          peaksSrc={api.resolve((preview ?? mix).url)}
          fallbackImageUrl={waveform ? api.resolve(waveform.url) : undefined}
          label={`Mix of “${job.prompt}”`}
          overlay={sections ? (durationS) => <SectionTimeline sections={sections} durationS={durationS} /> : undefined}
        />
      ) : null}
      <ReusePlanButton job={job} />
      {stems.length > 0 ? (
        <StemMixer stems={stems} />
      ) : job.stems_unavailable ? (
        // Whole-mix mode: the model made the song in one piece; say so where the stem players would be.
        <section className="result-section" aria-label="Stems" data-testid="stems-unavailable">
          <h4>Stems unavailable (whole-mix mode)</h4>
          <p className="muted small">{job.stems_unavailable}</p>
        </section>
      ) : null}
      {job.spec ? <SpecView spec={job.spec} /> : null}
      {job.qa ? (
        <QAReportView
          qa={job.qa}
          jobId={job.id}
          waveformUrl={waveform ? api.resolve(waveform.url) : undefined}
          spectrogramUrl={spectrogram ? api.resolve(spectrogram.url) : undefined}
        />
      ) : null}
      <section className="result-section" aria-label="Downloads">
        <h4>Downloads</h4>
        <ul className="downloads">
          {downloads.map((item) => (
            <li key={item.key}>
              <DownloadLink href={api.resolve(item.artifact.url)} fileName={fileNameFor(job, item.artifact)}>
                {item.label}
              </DownloadLink>{" "}
              <span className="muted small">{formatBytes(item.artifact.size_bytes)}</span>
            </li>
          ))}
          {stems.length > 0 ? (
            <li>
              {stemsZip ? (
                <DownloadLink href={api.resolve(stemsZip.url)} fileName={fileNameFor(job, stemsZip)}>
                  All stems (ZIP)
                </DownloadLink>
              ) : (
                <DownloadLink href={api.stemsZipUrl(job.id)} fileName={`amp-${job.id.slice(0, 8)}-stems.zip`} needsAuth>
                  All stems (ZIP)
                </DownloadLink>
              )}{" "}
              <span className="muted small">{stemsZip ? formatBytes(stemsZip.size_bytes) : ""}</span>
            </li>
          ) : null}
        </ul>
      </section>
    </div>
    </SeekProvider>
  );
});
