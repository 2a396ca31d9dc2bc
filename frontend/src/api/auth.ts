// Pluggable authentication. Locally `amp serve` on loopback maps keyless requests to the local
// owner, so no token is sent. Deployed behind Cognito, the Hosted UI redirects back with an
// `id_token` in the URL fragment (implicit grant); we keep it in sessionStorage until it expires.

export interface AuthProvider {
  /** The value for the Authorization header, or null to send none. */
  authorization(): string | null;
  /** Where to send the user to sign in, or null when no sign-in is needed. */
  signInUrl(): string | null;
  /** Forget the token (after a 401). */
  clear(): void;
}

export const anonymousAuth: AuthProvider = {
  authorization: () => null,
  signInUrl: () => null,
  clear: () => undefined,
};

const TOKEN_KEY = "amp.id_token";

interface CognitoConfig {
  domain: string;
  clientId: string;
  redirectUri: string;
}

function decodeExpiry(token: string): number | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const json = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as { exp?: unknown };
    return typeof json.exp === "number" ? json.exp * 1000 : null;
  } catch {
    return null;
  }
}

export function cognitoAuth(config: CognitoConfig, storage: Storage = sessionStorage): AuthProvider {
  const fromFragment = new URLSearchParams(window.location.hash.replace(/^#/, "")).get("id_token");
  if (fromFragment) {
    storage.setItem(TOKEN_KEY, fromFragment);
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  const current = (): string | null => {
    const token = storage.getItem(TOKEN_KEY);
    if (!token) return null;
    const expiry = decodeExpiry(token);
    if (expiry !== null && expiry <= Date.now()) {
      storage.removeItem(TOKEN_KEY);
      return null;
    }
    return token;
  };
  return {
    authorization: () => {
      const token = current();
      return token ? `Bearer ${token}` : null;
    },
    signInUrl: () => {
      if (current()) return null;
      const params = new URLSearchParams({
        client_id: config.clientId,
        response_type: "token",
        scope: "openid email",
        redirect_uri: config.redirectUri,
      });
      return `https://${config.domain}/login?${params.toString()}`;
    },
    clear: () => storage.removeItem(TOKEN_KEY),
  };
}

/** Chosen at build time: VITE_COGNITO_DOMAIN + VITE_COGNITO_CLIENT_ID turn Cognito on. */
export function authFromEnv(env: ImportMetaEnv = import.meta.env): AuthProvider {
  const domain = env.VITE_COGNITO_DOMAIN;
  const clientId = env.VITE_COGNITO_CLIENT_ID;
  if (domain && clientId) {
    return cognitoAuth({
      domain,
      clientId,
      redirectUri: env.VITE_COGNITO_REDIRECT_URI ?? window.location.origin + window.location.pathname,
    });
  }
  return anonymousAuth;
}
