import { useCallback, useState } from "react";
import { useApi } from "./api/context";
import type { Job } from "./api/types";
import { ErrorBoundary } from "./components/ErrorBoundary";
import { PromptForm } from "./components/PromptForm";
import { Queue } from "./components/Queue";
import { useJobQueue } from "./hooks/useJobQueue";
import { PlanOfferProvider, type PlanOffer } from "./lib/planOffer";

export function App() {
  const api = useApi();
  const queue = useJobQueue(api);
  const [watched, setWatched] = useState<ReadonlySet<string>>(() => new Set());
  const signIn = api.signInUrl();
  const { upsert } = queue;
  const [planOffer, setPlanOffer] = useState<PlanOffer | null>(null);
  const offerPlan = useCallback(
    (offer: Omit<PlanOffer, "id">) => setPlanOffer((current) => ({ ...offer, id: (current?.id ?? 0) + 1 })),
    [],
  );

  const onCreated = useCallback(
    (job: Job) => {
      setWatched((current) => new Set(current).add(job.id));
      upsert(job);
    },
    [upsert],
  );

  return (
    <div className="app">
      <a className="skip-link" href="#queue-title">
        Skip to the queue
      </a>
      <header className="app__header">
        <h1>
          AMP <span className="muted app__subtitle">AI Music Production</span>
        </h1>
        {signIn ? (
          <a className="button" href={signIn}>
            Sign in
          </a>
        ) : null}
      </header>
      <PlanOfferProvider offer={offerPlan}>
      <main className="app__main">
        <ErrorBoundary label="The prompt form failed">
          <PromptForm onCreated={onCreated} planOffer={planOffer} />
        </ErrorBoundary>
        <ErrorBoundary label="The queue failed to render">
          <Queue queue={queue} watched={watched} />
        </ErrorBoundary>
      </main>
      </PlanOfferProvider>
      <footer className="app__footer muted small">
        Prompt in; mastered mix, stems, MIDI and a QA report out. <a href={api.resolve("/docs")}>API docs</a>
      </footer>
    </div>
  );
}
