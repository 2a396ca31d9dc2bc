import { afterEach, describe, expect, it } from "vitest";
import { ApiClient } from "./client";
import { anonymousAuth, cognitoAuth } from "./auth";
import { fakeFetch, json } from "../test/fixtures";

function jwt(expSeconds: number): string {
  const encode = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${encode({ alg: "none" })}.${encode({ sub: "u1", exp: expSeconds })}.sig`;
}

const config = { domain: "amp.auth.example", clientId: "client123", redirectUri: "https://amp.example/" };

describe("auth", () => {
  afterEach(() => {
    sessionStorage.clear();
    window.history.replaceState(null, "", "/");
  });

  it("sends no Authorization header locally", async () => {
    const { fetch, calls } = fakeFetch(() => json(200, { jobs: [], next_cursor: null }));
    await new ApiClient({ fetchImpl: fetch, auth: anonymousAuth }).listJobs(20);
    expect(calls[0]?.headers.authorization).toBeUndefined();
    expect(calls[0]?.url).toBe("/jobs?limit=20");
  });

  it("takes the Cognito token from the redirect fragment, hides it from the URL and sends it", async () => {
    const token = jwt(Math.floor(Date.now() / 1000) + 3600);
    window.history.replaceState(null, "", `/#id_token=${token}&token_type=Bearer`);
    const auth = cognitoAuth(config);
    expect(window.location.hash).toBe("");
    expect(auth.signInUrl()).toBeNull();
    const { fetch, calls } = fakeFetch(() => json(200, { jobs: [], next_cursor: null }));
    await new ApiClient({ baseUrl: "https://api.example/prod/", fetchImpl: fetch, auth }).listJobs(5);
    expect(calls[0]?.url).toBe("https://api.example/prod/jobs?limit=5");
    expect(calls[0]?.headers.authorization).toBe(`Bearer ${token}`);
  });

  it("drops an expired token and offers the hosted sign-in page", () => {
    sessionStorage.setItem("amp.id_token", jwt(Math.floor(Date.now() / 1000) - 10));
    const auth = cognitoAuth(config);
    expect(auth.authorization()).toBeNull();
    const url = new URL(auth.signInUrl() ?? "");
    expect(url.origin + url.pathname).toBe("https://amp.auth.example/login");
    expect(url.searchParams.get("client_id")).toBe("client123");
    expect(url.searchParams.get("response_type")).toBe("token");
  });

  it("forgets the token when the API answers 401", async () => {
    sessionStorage.setItem("amp.id_token", jwt(Math.floor(Date.now() / 1000) + 3600));
    const auth = cognitoAuth(config);
    const { fetch } = fakeFetch(() => json(401, { error: { code: "unauthorized", message: "Token expired.", details: null } }));
    await expect(new ApiClient({ fetchImpl: fetch, auth }).getJob("a".repeat(32))).rejects.toMatchObject({ status: 401, message: "Token expired." });
    expect(auth.authorization()).toBeNull();
  });
});
