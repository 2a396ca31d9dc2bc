import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { ApiClient } from "../api/client";
import { ApiProvider } from "../api/context";

export function renderWithApi(ui: ReactElement, fetchImpl: typeof fetch) {
  const client = new ApiClient({ baseUrl: "", fetchImpl });
  return { client, ...render(<ApiProvider client={client}>{ui}</ApiProvider>) };
}
