// Shapes the public API returns. Kept in step with docs/openapi.json (see src/api/schema.d.ts).
export type JobStatus =
  | "QUEUED"
  | "PARSING"
  | "ANALYZING"
  | "GENERATING"
  | "MIXING"
  | "MASTERING"
  | "CHECKING"
  | "SUCCEEDED"
  | "FAILED"
  | "CANCELLED";

export type Provenance = "stated" | "inferred" | "defaulted" | "overridden" | "reference";
export type MasterPreset = "streaming" | "club" | "broadcast";
export type ProviderName = "procedural" | "stability";
export type ArtifactKind =
  | "mix"
  | "preview"
  | "stem"
  | "midi"
  | "waveform"
  | "spectrogram"
  | "report"
  | "stems_zip"
  | "reference";

export interface Instrument {
  name: string;
  role: string;
}

export interface MusicSpec {
  genre: string;
  bpm: number;
  key: string;
  mode: string;
  time_signature: string;
  duration_s: number;
  instruments: Instrument[];
  mood: string[];
  energy: number;
  excluded_roles: string[];
  structure_hints: string[];
  seed: number;
  provenance: Record<string, Provenance>;
  notes: string[];
}

export interface SpecOverrides {
  genre?: string | null;
  bpm?: number | null;
  key?: string | null;
  mode?: string | null;
  time_signature?: string | null;
  energy?: number | null;
  excluded_roles?: string[] | null;
}

export interface JobOptions {
  duration_s?: number | null;
  seed?: number | null;
  master_preset?: MasterPreset;
  provider?: ProviderName;
  overrides?: SpecOverrides;
}

export interface QACheck {
  name: string;
  value?: number | null;
  threshold: string;
  passed: boolean;
  message: string;
  remasterable?: boolean;
}

export interface QAReport {
  passed: boolean;
  integrated_lufs?: number | null;
  true_peak_dbtp?: number | null;
  target_lufs?: number | null;
  mastering_pass?: number;
  checks: QACheck[];
}

export interface JobError {
  stage: string;
  reason: string;
  error_type?: string;
}

export interface Artifact {
  kind: ArtifactKind;
  role?: string | null;
  content_type: string;
  size_bytes?: number;
  url: string;
}

export interface Job {
  id: string;
  prompt: string;
  status: JobStatus;
  stage?: string | null;
  progress: number;
  options: JobOptions;
  spec?: MusicSpec | null;
  qa?: QAReport | null;
  error?: JobError | null;
  created_at: string;
  updated_at: string;
  reference_key?: string | null;
  artifacts: Artifact[];
  status_url: string;
  parent_job_id?: string | null;
}

export interface JobList {
  jobs: Job[];
  next_cursor?: string | null;
}

export interface CreateJobRequest {
  prompt: string;
  duration_s?: number | null;
  seed?: number | null;
  master_preset?: MasterPreset;
  provider?: ProviderName;
  overrides?: SpecOverrides;
  reference_upload_id?: string | null;
}

export interface UploadRequest {
  filename: string;
  content_type: string;
  size_bytes: number;
}

export interface UploadTicket {
  upload_id: string;
  url: string;
  method: string;
  fields?: Record<string, string> | null;
  headers?: Record<string, string> | null;
  max_bytes?: number;
  expires_in_s?: number;
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}
