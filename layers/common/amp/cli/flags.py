"""How the CLI words a refused request: pydantic's per-field problems named by the flag that set the
field (`--duration`, not `duration_s`), and range errors said as such, so `amp generate` and
`amp parse` report bad flags alike."""

from pydantic import ValidationError

from amp.domain.job import field_path

FLAGS: dict[str, str] = {
    "prompt": "the prompt",
    "duration_s": "--duration",
    "seed": "--seed",
    "master_preset": "--master",
    "provider": "--provider",
    "bpm": "--bpm",
    "key": "--key",
    "mode": "--mode",
    "genre": "--genre",
}
_RANGE_ERRORS = frozenset({"greater_than", "greater_than_equal", "less_than", "less_than_equal"})


def flag_problems(error: ValidationError) -> str:
    """`--duration 400 is out of range (Input should be ...); --key: ...`, one part per problem."""
    parts = []
    for problem in error.errors(include_url=False):
        if problem["loc"][:1] == ("plan",):  # inside the plan file: the path a client writes
            parts.append(f"--plan: {field_path(problem['loc'])}: {problem['msg']}")
            continue
        field = next((str(p) for p in reversed(problem["loc"]) if isinstance(p, str)), "")
        flag = FLAGS.get(field, f"--{field.replace('_', '-')}")
        if problem["type"] in _RANGE_ERRORS:
            value = problem["input"]
            shown = f"{value:g}" if isinstance(value, float) else str(value)
            parts.append(f"{flag} {shown} is out of range ({problem['msg']})")
        else:
            parts.append(f"{flag}: {problem['msg']}")
    return "; ".join(parts)
