import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { authFromEnv } from "./api/auth";
import { ApiClient } from "./api/client";
import { ApiProvider } from "./api/context";
import { ErrorBoundary } from "./components/ErrorBoundary";
import "./styles.css";

const client = new ApiClient({ baseUrl: import.meta.env.VITE_API_BASE_URL ?? "", auth: authFromEnv() });
const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

createRoot(root).render(
  <StrictMode>
    <ErrorBoundary>
      <ApiProvider client={client}>
        <App />
      </ApiProvider>
    </ErrorBoundary>
  </StrictMode>,
);
