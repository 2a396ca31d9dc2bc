import { fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { fakeFetch, json, makeJob } from "../test/fixtures";
import { renderWithApi } from "../test/render";
import { PromptForm } from "./PromptForm";

function setup(handler: Parameters<typeof fakeFetch>[0] = () => json(202, makeJob())) {
  const { fetch, calls } = fakeFetch(handler);
  const onCreated = vi.fn();
  const user = userEvent.setup();
  renderWithApi(<PromptForm onCreated={onCreated} />, fetch);
  return { user, calls, onCreated };
}

function audioFile(name: string, bytes = 1024, type = "audio/wav"): File {
  return new File([new Uint8Array(bytes)], name, { type });
}

function drop(file: File) {
  fireEvent.drop(screen.getByTestId("reference-dropzone"), { dataTransfer: { files: [file] } });
}

describe("PromptForm", () => {
  it("refuses an empty prompt without calling the API and says why", async () => {
    const { user, calls, onCreated } = setup();
    await user.click(screen.getByRole("button", { name: "Generate" }));
    const prompt = screen.getByLabelText("Prompt");
    expect(prompt).toHaveAttribute("aria-invalid", "true");
    expect(prompt).toHaveAccessibleDescription(/Describe the music you want/);
    expect(calls).toHaveLength(0);
    expect(onCreated).not.toHaveBeenCalled();
  });

  it("checks option ranges and opens the options to show the problem", async () => {
    const { user, calls } = setup();
    await user.type(screen.getByLabelText("Prompt"), "ambient drone");
    await user.click(screen.getByText("Options"));
    await user.type(screen.getByLabelText("Tempo (BPM)"), "300");
    await user.type(screen.getByLabelText("Duration (seconds)"), "2");
    await user.type(screen.getByLabelText("Seed"), "1.5");
    await user.click(screen.getByRole("button", { name: "Generate" }));
    expect(screen.getByText("Tempo (BPM) must be between 40 and 220.")).toBeInTheDocument();
    expect(screen.getByText("Duration (seconds) must be between 5 and 600.")).toBeInTheDocument();
    expect(screen.getByText("Seed must be a whole number.")).toBeInTheDocument();
    expect(calls).toHaveLength(0);
  });

  it("posts the prompt with options and overrides and an idempotency key", async () => {
    const created = makeJob({ prompt: "Dark techno" });
    const { user, calls, onCreated } = setup(() => json(202, created));
    await user.type(screen.getByLabelText("Prompt"), "  Dark techno  ");
    await user.click(screen.getByText("Options"));
    await user.type(screen.getByLabelText("Duration (seconds)"), "6");
    await user.type(screen.getByLabelText("Tempo (BPM)"), "132");
    await user.selectOptions(screen.getByLabelText("Key"), "A");
    await user.selectOptions(screen.getByLabelText("Mode"), "minor");
    await user.selectOptions(screen.getByLabelText("Mastering preset"), "club");
    await user.type(screen.getByLabelText("Seed"), "42");
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(onCreated).toHaveBeenCalledWith(created));
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.method).toBe("POST");
    expect(call?.url).toBe("/jobs");
    expect(call?.headers["idempotency-key"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(call?.body).toEqual({
      prompt: "Dark techno",
      duration_s: 6,
      seed: 42,
      master_preset: "club",
      provider: "procedural",
      overrides: { bpm: 132, key: "A", mode: "minor" },
    });
    expect(screen.getByLabelText("Prompt")).toHaveValue("");
  });

  it("shows the API's error and field details, and resends with the same idempotency key", async () => {
    let attempt = 0;
    const { user, calls, onCreated } = setup(() => {
      attempt += 1;
      if (attempt === 1) {
        return json(422, {
          error: {
            code: "validation_error",
            message: "The request is not valid.",
            details: {
              fields: [
                { field: "prompt", location: "body", message: "String should have at most 2000 characters", type: "string_too_long" },
              ],
            },
          },
        });
      }
      return json(202, makeJob());
    });
    await user.type(screen.getByLabelText("Prompt"), "trap beat");
    await user.click(screen.getByRole("button", { name: "Generate" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The job was not created");
    expect(alert).toHaveTextContent("The request is not valid.");
    expect(alert).toHaveTextContent("prompt: String should have at most 2000 characters");
    expect(alert).toHaveTextContent("422 · validation_error");
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(calls[0]?.headers["idempotency-key"]).toBe(calls[1]?.headers["idempotency-key"]);
  });

  it("tells the user when the server cannot be reached", async () => {
    const { user } = setup(() => {
      throw new TypeError("Failed to fetch");
    });
    await user.type(screen.getByLabelText("Prompt"), "lofi");
    await user.click(screen.getByRole("button", { name: "Generate" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Could not reach the AMP server (Failed to fetch).");
  });

  it("rejects reference tracks of the wrong type or over 50 MB before uploading", async () => {
    const { user, calls } = setup();
    await user.click(screen.getByText("Options"));
    drop(new File(["hello"], "notes.txt", { type: "text/plain" }));
    expect(screen.getByRole("alert")).toHaveTextContent("notes.txt is not a WAV, FLAC, OGG, MP3 or AIFF file.");
    const huge = audioFile("huge.wav");
    Object.defineProperty(huge, "size", { value: 60 * 1024 * 1024 });
    drop(huge);
    expect(screen.getByRole("alert")).toHaveTextContent("huge.wav is 60.0 MB; reference tracks can be at most 50 MB.");
    expect(calls).toHaveLength(0);
  });

  it("uploads a dropped reference with a raw PUT (local server) and sends its upload id", async () => {
    const { user, calls, onCreated } = setup((call) => {
      if (call.url === "/uploads") {
        return json(201, { upload_id: "up123", url: "/uploads/up123", method: "PUT", fields: null, headers: null });
      }
      if (call.url === "/uploads/up123") return new Response(null, { status: 204 });
      return json(202, makeJob());
    });
    await user.type(screen.getByLabelText("Prompt"), "like this one");
    await user.click(screen.getByText("Options"));
    drop(audioFile("ref.flac", 2048, ""));
    expect(screen.getByText(/ref\.flac/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(calls.map((call) => `${call.method} ${call.url}`)).toEqual(["POST /uploads", "PUT /uploads/up123", "POST /jobs"]);
    expect(calls[0]?.body).toEqual({ filename: "ref.flac", content_type: "audio/flac", size_bytes: 2048 });
    expect(calls[1]?.headers["content-type"]).toBe("audio/flac");
    expect(calls[2]?.body).toMatchObject({ reference_upload_id: "up123" });
  });

  it("uploads through a presigned POST form (cloud) with the fields first and the file last", async () => {
    const { user, calls, onCreated } = setup((call) => {
      if (call.url === "/uploads") {
        return json(201, {
          upload_id: "up9",
          url: "https://bucket.example/",
          method: "POST",
          fields: { key: "uploads/up9", policy: "p" },
        });
      }
      if (call.url === "https://bucket.example/") return new Response(null, { status: 204 });
      return json(202, makeJob());
    });
    await user.type(screen.getByLabelText("Prompt"), "like this one");
    await user.click(screen.getByText("Options"));
    drop(audioFile("ref.mp3", 100, "audio/mpeg"));
    await user.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    const form = calls[1]?.body as FormData;
    expect(calls[1]?.method).toBe("POST");
    expect([...form.keys()]).toEqual(["key", "policy", "file"]);
    expect(calls[1]?.headers.authorization).toBeUndefined();
  });
});
