/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Origin (and path prefix) of the API; empty means the same origin as the page. */
  readonly VITE_API_BASE_URL?: string;
  readonly VITE_COGNITO_DOMAIN?: string;
  readonly VITE_COGNITO_CLIENT_ID?: string;
  readonly VITE_COGNITO_REDIRECT_URI?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
