import { anonymousAuth, type AuthProvider } from "./auth";
import type { components } from "./schema";
import {
  normaliseJob,
  type CreateJobRequest,
  type Edit,
  type ErrorBody,
  type Job,
  type JobList,
  type Lineage,
  type UploadRequest,
  type UploadTicket,
} from "./types";

type WireJob = components["schemas"]["JobResponse"];
type WireJobList = components["schemas"]["JobListResponse"];

/** An error answered by the API ({error: {code, message, details}}) or a network failure. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** Field-level problems from a validation error, as "field: message" lines. */
  fieldMessages(): string[] {
    const details = this.details;
    const items: unknown[] = Array.isArray(details)
      ? details
      : details && typeof details === "object" && Array.isArray((details as { errors?: unknown }).errors)
        ? (details as { errors: unknown[] }).errors
        : details && typeof details === "object" && Array.isArray((details as { fields?: unknown }).fields)
          ? (details as { fields: unknown[] }).fields
          : [];
    return items.flatMap((item) => {
      if (typeof item === "string") return [item];
      if (!item || typeof item !== "object") return [];
      const record = item as { loc?: unknown; field?: unknown; msg?: unknown; message?: unknown };
      const where = Array.isArray(record.loc)
        ? record.loc.filter((part) => part !== "body").join(".")
        : typeof record.field === "string"
          ? record.field
          : "";
      const what = typeof record.msg === "string" ? record.msg : typeof record.message === "string" ? record.message : "";
      if (!what) return [];
      return [where ? `${where}: ${what}` : what];
    });
  }
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (!value || typeof value !== "object") return false;
  const error = (value as { error?: unknown }).error;
  return !!error && typeof error === "object" && typeof (error as { message?: unknown }).message === "string";
}

export interface ApiClientOptions {
  baseUrl?: string;
  auth?: AuthProvider;
  fetchImpl?: typeof fetch;
}

export class ApiClient {
  readonly baseUrl: string;
  private readonly auth: AuthProvider;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ApiClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? "").replace(/\/+$/, "");
    this.auth = options.auth ?? anonymousAuth;
    this.fetchImpl = options.fetchImpl ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** Absolute or base-relative URL for a path the API returned (status_url, artifact url). */
  resolve(pathOrUrl: string): string {
    if (/^[a-z][a-z0-9+.-]*:/i.test(pathOrUrl)) return pathOrUrl;
    return `${this.baseUrl}${pathOrUrl.startsWith("/") ? "" : "/"}${pathOrUrl}`;
  }

  signInUrl(): string | null {
    return this.auth.signInUrl();
  }

  authorizationHeader(): string | null {
    return this.auth.authorization();
  }

  /** GETs a file with the caller's credentials (for API endpoints a plain link cannot authorise). */
  async downloadBlob(pathOrUrl: string): Promise<Blob> {
    const headers: Record<string, string> = {};
    const authorization = this.auth.authorization();
    if (authorization) headers.Authorization = authorization;
    const response = await this.fetchImpl(this.resolve(pathOrUrl), { headers });
    if (!response.ok) {
      const text = await response.text();
      let message = `The download failed (${response.status}).`;
      try {
        const parsed: unknown = JSON.parse(text);
        if (isErrorBody(parsed)) message = parsed.error.message;
      } catch {
        // not JSON: keep the status line
      }
      throw new ApiError(response.status, "download_failed", message);
    }
    return response.blob();
  }

  private async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const allHeaders: Record<string, string> = { Accept: "application/json", ...headers };
    if (body !== undefined) allHeaders["Content-Type"] = "application/json";
    const authorization = this.auth.authorization();
    if (authorization) allHeaders.Authorization = authorization;
    let response: Response;
    try {
      response = await this.fetchImpl(this.resolve(path), {
        method,
        headers: allHeaders,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new ApiError(0, "network_error", `Could not reach the AMP server (${reason}).`);
    }
    const text = await response.text();
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    if (!response.ok) {
      if (response.status === 401) this.auth.clear();
      if (isErrorBody(parsed)) {
        throw new ApiError(response.status, parsed.error.code, parsed.error.message, parsed.error.details);
      }
      throw new ApiError(
        response.status,
        `http_${response.status}`,
        `The server answered ${response.status} ${response.statusText || ""}`.trim() + ".",
      );
    }
    return parsed as T;
  }

  private async job(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Job> {
    return normaliseJob(await this.request<WireJob>(method, path, body, headers));
  }

  createJob(body: CreateJobRequest, idempotencyKey: string): Promise<Job> {
    return this.job("POST", "/jobs", body, { "Idempotency-Key": idempotencyKey });
  }

  async listJobs(limit: number, cursor?: string | null): Promise<JobList> {
    const params = new URLSearchParams({ limit: String(limit) });
    if (cursor) params.set("cursor", cursor);
    const page = await this.request<WireJobList>("GET", `/jobs?${params.toString()}`);
    return { jobs: page.jobs.map(normaliseJob), next_cursor: page.next_cursor ?? null };
  }

  getJob(id: string): Promise<Job> {
    return this.job("GET", `/jobs/${encodeURIComponent(id)}`);
  }

  cancelJob(id: string): Promise<Job> {
    return this.job("POST", `/jobs/${encodeURIComponent(id)}/cancel`);
  }

  retryJob(id: string): Promise<Job> {
    return this.job("POST", `/jobs/${encodeURIComponent(id)}/retry`);
  }

  /** A new job that edits a finished one (its child); the parent is not changed. */
  createEdit(id: string, edit: Edit, idempotencyKey: string): Promise<Job> {
    return this.job("POST", `/jobs/${encodeURIComponent(id)}/edits`, edit, { "Idempotency-Key": idempotencyKey });
  }

  getLineage(id: string): Promise<Lineage> {
    return this.request<Lineage>("GET", `/jobs/${encodeURIComponent(id)}/lineage`);
  }

  async deleteJob(id: string): Promise<void> {
    await this.request<unknown>("DELETE", `/jobs/${encodeURIComponent(id)}`);
  }

  stemsZipUrl(id: string): string {
    return this.resolve(`/jobs/${encodeURIComponent(id)}/stems.zip`);
  }

  createUpload(body: UploadRequest): Promise<UploadTicket> {
    return this.request<UploadTicket>("POST", "/uploads", body);
  }

  /** Sends the file where the ticket says: a presigned POST form (cloud) or a raw PUT (local). */
  async upload(ticket: UploadTicket, file: File, contentType: string): Promise<void> {
    const url = this.resolve(ticket.url);
    const sameOrigin = !/^[a-z]+:/i.test(ticket.url) || ticket.url.startsWith(this.baseUrl || "\u0000");
    let response: Response;
    try {
      if (ticket.fields && Object.keys(ticket.fields).length > 0) {
        const form = new FormData();
        for (const [name, value] of Object.entries(ticket.fields)) form.append(name, value);
        form.append("file", file);
        response = await this.fetchImpl(url, { method: ticket.method || "POST", body: form });
      } else {
        const headers: Record<string, string> = { "Content-Type": contentType, ...(ticket.headers ?? {}) };
        const authorization = this.auth.authorization();
        if (authorization && sameOrigin) headers.Authorization = authorization;
        response = await this.fetchImpl(url, { method: ticket.method || "PUT", headers, body: file });
      }
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new ApiError(0, "network_error", `The upload did not reach the server (${reason}).`);
    }
    if (!response.ok) {
      let message = `The upload was refused (${response.status}).`;
      try {
        const parsed: unknown = JSON.parse(await response.text());
        if (isErrorBody(parsed)) message = parsed.error.message;
      } catch {
        // S3 answers XML; the status line says enough.
      }
      throw new ApiError(response.status, "upload_failed", message);
    }
  }
}
