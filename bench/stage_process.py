"""One stage handler in a fresh process, as one Lambda invocation runs it: the benches' cold stage.

Run (by bench/pipeline.py and bench/cost.py, not by hand):
  python bench/stage_process.py STAGE            payload JSON on stdin, report JSON on stdout
  python bench/stage_process.py STAGE --import-only

The report: import_s / import_cpu_s (the handler module and everything it pulls in, i.e. the cold
start's own share), run_s / cpu_s (the handler call), max_rss_mib (the process's RSS high-water
mark, what Lambda reports as "Max Memory Used"), and the handler's output. The child imports the
`amp` that PYTHONPATH names, so the same bench measures another tree (e.g. before a change).
"""

import json
import os
import resource
import sys
import time
from typing import Any

os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")


def max_rss_mib() -> float:
    """ru_maxrss is KiB on Linux."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    stage = sys.argv[1]
    import_only = "--import-only" in sys.argv[2:]
    payload: Any = None if import_only else json.loads(sys.stdin.read())
    wall, cpu = time.perf_counter(), time.process_time()
    from amp.entrypoints.stages import stage_handler
    from amp.lambda_context import LocalLambdaContext
    from amp.stages import STAGES

    handler = stage_handler(stage)
    report: dict[str, Any] = {
        "import_s": time.perf_counter() - wall,
        "import_cpu_s": time.process_time() - cpu,
        "import_rss_mib": max_rss_mib(),
    }
    if not import_only:
        wall, cpu = time.perf_counter(), time.process_time()
        output = handler(payload, LocalLambdaContext(STAGES[stage].function_id))
        report.update(run_s=time.perf_counter() - wall, cpu_s=time.process_time() - cpu, output=output)
    report["max_rss_mib"] = max_rss_mib()
    json.dump(report, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
