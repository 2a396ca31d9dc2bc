import type { Artifact, ArtifactKind, Job, JobStatus } from "../api/types";

export const PIPELINE_STATUSES: readonly JobStatus[] = [
  "QUEUED",
  "PARSING",
  "ANALYZING",
  "GENERATING",
  "MIXING",
  "MASTERING",
  "CHECKING",
];

export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);

export const STATUS_LABELS: Record<JobStatus, string> = {
  QUEUED: "Queued",
  PARSING: "Parsing",
  ANALYZING: "Analysing",
  GENERATING: "Generating",
  MIXING: "Mixing",
  MASTERING: "Mastering",
  CHECKING: "Checking",
  SUCCEEDED: "Succeeded",
  FAILED: "Failed",
  CANCELLED: "Cancelled",
};

export function isActive(job: Pick<Job, "status">): boolean {
  return !TERMINAL_STATUSES.has(job.status);
}

/** The pipeline step (API stage name) each status belongs to, and the words for it. */
const STAGE_STATUS: Record<string, JobStatus> = {
  parse: "PARSING",
  analyze: "ANALYZING",
  analyse: "ANALYZING",
  generate: "GENERATING",
  mix: "MIXING",
  master: "MASTERING",
  qa: "CHECKING",
  check: "CHECKING",
  publish: "CHECKING",
};

const STAGE_WORDS: Record<string, string> = {
  parse: "parsing the prompt",
  analyze: "analysing",
  analyse: "analysing",
  generate: "generating the parts",
  mix: "mixing the stems",
  master: "mastering",
  qa: "checking quality",
  check: "checking quality",
  publish: "publishing the files",
  queued: "waiting in the queue",
};

/** Which of the pipeline statuses a stage name (or status name) belongs to, if any. */
export function statusOfStage(stage: string | null | undefined): JobStatus | null {
  if (!stage) return null;
  const lower = stage.toLowerCase();
  if (lower in STAGE_STATUS) return STAGE_STATUS[lower] ?? null;
  const upper = stage.toUpperCase() as JobStatus;
  return PIPELINE_STATUSES.includes(upper) ? upper : null;
}

/** "generate" -> "generating the parts"; unknown names are spelled out ("load_refs" -> "load refs"). */
export function humanizeStage(stage: string | null | undefined): string {
  if (!stage) return "an unknown stage";
  const lower = stage.toLowerCase();
  const words = STAGE_WORDS[lower];
  if (words) return words;
  const upper = stage.toUpperCase() as JobStatus;
  if (upper in STATUS_LABELS) return STATUS_LABELS[upper].toLowerCase();
  return stage.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/[_-]+/g, " ").toLowerCase().trim();
}

export function failureSentence(job: Job): string {
  if (!job.error) return "The job failed without a reason recorded.";
  const reason = job.error.reason.trim().replace(/\.?$/, ".");
  return `Failed while ${humanizeStage(job.error.stage)}: ${reason}`;
}

/** Whole seconds from creation to now (running) or to the last update (finished). */
export function elapsedSeconds(job: Pick<Job, "status" | "created_at" | "updated_at">, nowMs: number): number {
  const start = Date.parse(job.created_at);
  const end = isActive(job) ? nowMs : Date.parse(job.updated_at);
  if (Number.isNaN(start) || Number.isNaN(end)) return 0;
  return Math.max(0, Math.floor((end - start) / 1000));
}

export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const mm = h > 0 ? String(m).padStart(2, "0") : String(m);
  return `${h > 0 ? `${h}:` : ""}${mm}:${String(s).padStart(2, "0")}`;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (!bytes || bytes <= 0) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function artifactsOf(job: Job, kind: ArtifactKind): Artifact[] {
  return job.artifacts.filter((artifact) => artifact.kind === kind);
}

export function artifactOf(job: Job, kind: ArtifactKind): Artifact | undefined {
  return job.artifacts.find((artifact) => artifact.kind === kind);
}

/** Newest first, by creation time, then id for a stable order. */
export function sortNewestFirst(jobs: Job[]): Job[] {
  return [...jobs].sort((a, b) => {
    const diff = Date.parse(b.created_at) - Date.parse(a.created_at);
    return diff !== 0 ? diff : b.id.localeCompare(a.id);
  });
}

/** When a signed download URL stops working (ms since epoch), or null when it does not say. */
export function urlExpiresAt(url: string): number | null {
  let parsed: URL;
  try {
    parsed = new URL(url, "http://relative.invalid");
  } catch {
    return null;
  }
  const params = parsed.searchParams;
  const amzDate = params.get("X-Amz-Date");
  const amzExpires = params.get("X-Amz-Expires");
  if (amzDate && amzExpires) {
    const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
    if (!match) return null;
    const [, y, mo, d, h, mi, se] = match.map(Number) as [number, number, number, number, number, number, number];
    return Date.UTC(y, mo - 1, d, h, mi, se) + Number(amzExpires) * 1000;
  }
  const unix = params.get("expires") ?? params.get("Expires");
  if (unix && /^\d+$/.test(unix)) return Number(unix) * 1000;
  return null;
}

/** Keep a signed URL while it has this long to live, so players and images do not reload on every poll. */
export const URL_REUSE_MARGIN_MS = 120_000;

function samePath(a: string, b: string): boolean {
  return a.split("?")[0] === b.split("?")[0];
}

/**
 * The fresher copy of a job, but with the download URLs the page already uses wherever those are
 * still valid (each poll signs new ones), and the very same object when nothing changed.
 */
export function withStableUrls(previous: Job | undefined, next: Job, nowMs: number): Job {
  if (!previous) return next;
  const artifacts = next.artifacts.map((artifact) => {
    const old = previous.artifacts.find(
      (candidate) => candidate.kind === artifact.kind && (candidate.role ?? null) === (artifact.role ?? null),
    );
    if (!old) return artifact;
    const expiresAt = urlExpiresAt(old.url);
    const reuse =
      old.url === artifact.url ||
      (samePath(old.url, artifact.url) && expiresAt !== null && expiresAt - nowMs > URL_REUSE_MARGIN_MS);
    if (!reuse) return artifact;
    const sameOtherwise = old.content_type === artifact.content_type && old.size_bytes === artifact.size_bytes;
    return sameOtherwise ? old : { ...artifact, url: old.url };
  });
  const artifactsSame =
    artifacts.length === previous.artifacts.length && artifacts.every((artifact, index) => artifact === previous.artifacts[index]);
  const { artifacts: _next, ...nextRest } = next;
  const { artifacts: _previous, ...previousRest } = previous;
  if (artifactsSame && JSON.stringify(nextRest) === JSON.stringify(previousRest)) return previous;
  return { ...next, artifacts };
}

/** Replaces known jobs by id with fresher copies and adds new ones, newest first. */
export function mergeJobs(current: Job[], incoming: Job[], nowMs: number = Date.now()): Job[] {
  const byId = new Map(current.map((job) => [job.id, job] as const));
  for (const job of incoming) byId.set(job.id, withStableUrls(byId.get(job.id), job, nowMs));
  return sortNewestFirst([...byId.values()]);
}

export function fileNameFor(job: Job, artifact: Artifact): string {
  const extension = extensionFor(artifact.content_type, artifact.url);
  const short = job.id.slice(0, 8);
  const role = artifact.role ? `-${artifact.role}` : "";
  return `amp-${short}-${artifact.kind}${role}${extension}`;
}

function extensionFor(contentType: string, url: string): string {
  const fromUrl = /\.([a-z0-9]{2,5})(?:[?#]|$)/i.exec(url.split("?")[0] ?? "");
  if (fromUrl?.[1]) return `.${fromUrl[1].toLowerCase()}`;
  const table: Record<string, string> = {
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
    "audio/wave": ".wav",
    "audio/mpeg": ".mp3",
    "audio/ogg": ".ogg",
    "audio/flac": ".flac",
    "audio/midi": ".mid",
    "audio/x-midi": ".mid",
    "image/png": ".png",
    "application/json": ".json",
    "application/zip": ".zip",
  };
  return table[contentType.split(";")[0]?.trim().toLowerCase() ?? ""] ?? "";
}
