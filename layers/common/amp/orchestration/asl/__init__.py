"""An in-process interpreter for the subset of the Amazon States Language (JSONPath mode) AMP uses.

Locally, `statemachine/pipeline.asl.json` runs here, unchanged, with each Task resource routed to a
Python callable (the stage's Lambda handler). The cloud runs the same file on Step Functions; a parity
test runs it under moto's engine too.

Why our own interpreter: the options found were moto's Step Functions engine (a port of LocalStack's;
test-only, it routes Task resources through moto's patched boto3 Lambda client and so needs
`mock_aws` to be active for the whole process), Step Functions Local / LocalStack (a JVM or Docker
service, not in-process) and `pyaslengine` (a young single-maintainer package without the Map
concurrency, Retry backoff/jitter, task timeouts or cancellation we need). The subset below is small
enough to implement exactly from the spec and test state by state.

Modules: `paths` (reference paths, templates, ResultPath), `validation` (what a definition may use,
checked at load), `choice` (Choice rule operators and evaluation), `execution` (StateMachine and one
run of it), `errors` (ASL error names, StatesError, Retry/Catch matching).

Supported: Task, Pass, Choice, Map (INLINE; ItemsPath, ItemSelector/Parameters, ItemProcessor/Iterator,
MaxConcurrency), Succeed, Fail; InputPath, Parameters, ResultSelector, ResultPath, OutputPath with
reference paths (`$.a.b`, `$.a[0]`, `$['a']`) and the `$$` context object; Retry, Catch and Task
TimeoutSeconds; the state machine's own TimeoutSeconds. Anything else (intrinsic functions, Wait,
Parallel, JSONata, HeartbeatSeconds, ...) is rejected when the definition is loaded, so a definition can
never silently rely on something this runner does not execute.

Error semantics follow Step Functions: a handler's exception becomes Error = its class name and
Cause = a JSON string {"errorMessage", "errorType"} (what Lambda reports); `States.ALL` matches every
error except `States.Runtime`, which is never retried nor caught and fails the execution;
`States.TaskFailed` matches every error except `States.Timeout` and `States.Runtime`.
"""

from amp.orchestration.asl.errors import (
    STATES_ALL,
    STATES_NO_CHOICE_MATCHED,
    STATES_RUNTIME,
    STATES_TASK_FAILED,
    STATES_TIMEOUT,
    AslDefinitionError,
    StatesError,
    error_from_exception,
    lambda_error_payload,
)
from amp.orchestration.asl.execution import (
    EnterCallback,
    ExecutionResult,
    ExecutionStatus,
    StateCallback,
    StateMachine,
    StopCheck,
    TaskHandler,
)
from amp.orchestration.asl.paths import ReferencePath
from amp.orchestration.asl.validation import validate_definition

__all__ = [
    "STATES_ALL",
    "STATES_NO_CHOICE_MATCHED",
    "STATES_RUNTIME",
    "STATES_TASK_FAILED",
    "STATES_TIMEOUT",
    "AslDefinitionError",
    "EnterCallback",
    "ExecutionResult",
    "ExecutionStatus",
    "ReferencePath",
    "StateCallback",
    "StateMachine",
    "StatesError",
    "StopCheck",
    "TaskHandler",
    "error_from_exception",
    "lambda_error_payload",
    "validate_definition",
]
