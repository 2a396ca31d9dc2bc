// The API's shapes, from the generated OpenAPI types (src/api/schema.d.ts, `npm run api-types`).
// Lists the server fills by default (artifacts, checks, ...) are optional in the schema; the client
// normalises them (see normaliseJob) so the UI can rely on them.
import type { Plan } from "../lib/plan";
import type { components } from "./schema";

type Schemas = components["schemas"];

export type JobStatus = Schemas["JobStatus"];
export type Provenance = Schemas["Provenance"];
/**
 * Issue 16's `plan` and `loop` as the web app reads and sends them: optional (the server defaults
 * them), typed by lib/plan.ts, the same with or without them in the generated schema.
 */
type WithPlan<T> = Omit<T, "plan" | "loop"> & { plan?: Plan | null; loop?: boolean };

export type JobOptions = WithPlan<Schemas["JobOptions"]>;
export type SpecOverrides = Schemas["SpecOverrides"];
export type MasterPreset = NonNullable<Schemas["JobOptions"]["master_preset"]>;
export type ProviderName = NonNullable<Schemas["JobOptions"]["provider"]>;
export type JobError = Schemas["JobError"];
export type QACheck = Schemas["QACheck"];
export type StemCheck = Schemas["StemCheck"];
export type Instrument = Schemas["Instrument"];
export type CreateJobRequest = WithPlan<Schemas["CreateJobRequest"]>;
export type UploadRequest = Schemas["CreateUploadRequest"];
export type UploadTicket = Schemas["UploadResponse"];
export type ErrorBody = Schemas["ErrorResponse"];
export type Health = Schemas["HealthResponse"];
/** One edit of a finished job (POST /jobs/{id}/edits); `kind` says which. */
export type Edit = Schemas["EditRequest"];
export type Lineage = Schemas["LineageResponse"];

/** Artifact kinds the web app knows how to present (the API may add more). */
export type ArtifactKind =
  | "mix"
  | "preview"
  | "stem"
  | "midi"
  | "waveform"
  | "spectrogram"
  | "report"
  | "stems_zip"
  | "reference"
  | "source_stem"
  | "sections"
  | "prebus_stem"
  | "strips";

export type Artifact = Schemas["ArtifactResponse"];

type Required<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };

export type MusicSpec = WithPlan<
  Required<
    Schemas["MusicSpec"],
    "instruments" | "mood" | "excluded_roles" | "structure_hints" | "provenance" | "notes" | "energy" | "time_signature"
  >
>;
export type QAReport = Required<Schemas["QAReport"], "checks">;

export type Job = Omit<Schemas["JobResponse"], "artifacts" | "spec" | "qa" | "options"> & {
  options: JobOptions;
  artifacts: Artifact[];
  spec?: MusicSpec | null;
  qa?: QAReport | null;
};

export interface JobList {
  jobs: Job[];
  next_cursor?: string | null;
}

type WireJob = Schemas["JobResponse"];

/** Fills the lists and defaults the schema marks optional, so the UI never meets `undefined`. */
export function normaliseJob(job: WireJob): Job {
  const spec = job.spec
    ? {
        ...job.spec,
        instruments: job.spec.instruments ?? [],
        mood: job.spec.mood ?? [],
        excluded_roles: job.spec.excluded_roles ?? [],
        structure_hints: job.spec.structure_hints ?? [],
        provenance: job.spec.provenance ?? {},
        notes: job.spec.notes ?? [],
        energy: job.spec.energy ?? 0.5,
        time_signature: job.spec.time_signature ?? "4/4",
      }
    : null;
  const qa = job.qa ? { ...job.qa, checks: job.qa.checks ?? [] } : null;
  return { ...job, artifacts: job.artifacts ?? [], spec, qa };
}
