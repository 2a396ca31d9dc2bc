"""The Bedrock parser, driven by botocore's Stubber with Converse response shapes: a valid tool call is
validated and merged; invalid output, a refusal, a client error or a timeout fall back to the rules.
No test reaches the network (the conftest forces dummy credentials)."""

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ReadTimeoutError
from botocore.stub import Stubber

from amp.adapters.aws.bedrock_client import BEDROCK_READ_TIMEOUT_S, bedrock_runtime_client
from amp.domain.job import JobOptions
from amp.domain.spec import Mode, Provenance, SpecOverrides
from amp.prompt import parse_prompt
from amp.prompt.bedrock import TOOL_NAME, BedrockPromptParser, tool_input_schema
from tests.support.lengths import delivered_s

MODEL_ID = "anthropic.claude-3-5-haiku-20241022-v1:0"
JOB_ID = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def client() -> Any:
    return boto3.client("bedrock-runtime", region_name="us-east-1")


@pytest.fixture
def stubber(client: Any) -> Iterator[Stubber]:
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()


def _tool_response(tool_input: dict[str, Any]) -> dict[str, Any]:
    """A Converse response that calls the tool, shaped as in the Converse API reference."""
    return {
        "output": {
            "message": {
                "role": "assistant",
                "content": [{"toolUse": {"toolUseId": "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", "name": TOOL_NAME,
                                         "input": tool_input}}],
            }
        },
        "stopReason": "tool_use",
        "usage": {"inputTokens": 812, "outputTokens": 164, "totalTokens": 976},
        "metrics": {"latencyMs": 1840},
    }  # fmt: skip


LLM_SPEC = {
    "genre": "trip-hop",
    "bpm": 84,
    "key": "D",
    "mode": "minor",
    "time_signature": "4/4",
    "duration_s": 150,
    "instruments": [
        {"name": "drum machine", "role": "drums"},
        {"name": "upright bass", "role": "bass"},
        {"name": "strings", "role": "pad"},
        {"name": "female vocals", "role": "vocal-like"},
    ],
    "mood": ["moody", "melancholic"],
    "energy": 0.35,
    "excluded_roles": [],
    "structure_hints": ["intro"],
    "stated_fields": ["mood", "duration_s"],
}


def test_valid_tool_use_is_validated_and_merged_over_the_rules(client: Any, stubber: Stubber) -> None:
    parser = BedrockPromptParser(client, model_id=MODEL_ID)
    text = "something for a rainy night in the city, two and a half minutes"
    stubber.add_response("converse", _tool_response(LLM_SPEC), parser.request(text))
    spec = parser.parse(text, seed_source=JOB_ID)
    assert (spec.genre, spec.bpm, spec.key, spec.mode) == ("trip-hop", 84, "D", Mode.MINOR)
    assert spec.roles()[-1].value == "vocal-like"
    assert spec.provenance["genre"] == Provenance.INFERRED
    assert spec.provenance["mood"] == Provenance.STATED
    assert spec.seed == parse_prompt(text, seed_source=JOB_ID).seed
    assert any("LLM parser" in note for note in spec.notes)


def test_request_forces_the_tool_and_carries_the_spec_schema(client: Any) -> None:
    request = BedrockPromptParser(client, model_id=MODEL_ID).request("dnb")
    assert request["toolConfig"]["toolChoice"] == {"tool": {"name": TOOL_NAME}}
    schema = request["toolConfig"]["tools"][0]["toolSpec"]["inputSchema"]["json"]
    assert schema == tool_input_schema()
    assert {"seed", "provenance", "notes"}.isdisjoint(schema["properties"])
    assert "$ref" not in json.dumps(schema) and "$defs" not in json.dumps(schema)
    assert "drum and bass" in schema["properties"]["genre"]["enum"]


def test_literal_values_the_rules_found_stated_win_over_the_model(client: Any, stubber: Stubber) -> None:
    parser = BedrockPromptParser(client, model_id=MODEL_ID)
    text = "trip hop at 92 bpm in F minor"
    stubber.add_response("converse", _tool_response(LLM_SPEC), parser.request(text))
    spec = parser.parse(text)
    assert (spec.bpm, spec.key) == (92, "F")
    assert spec.provenance["bpm"] == Provenance.STATED


def test_options_win_over_the_model(client: Any, stubber: Stubber) -> None:
    parser = BedrockPromptParser(client, model_id=MODEL_ID)
    stubber.add_response("converse", _tool_response(LLM_SPEC), parser.request("x"))
    options = JobOptions(duration_s=20, overrides=SpecOverrides(genre="techno", bpm=131))
    spec = parser.parse("x", options=options)
    assert (spec.genre, spec.bpm, spec.duration_s) == ("techno", 131, delivered_s(spec, 20))
    assert spec.provenance["genre"] == Provenance.OVERRIDDEN


@pytest.mark.parametrize(
    "bad_input",
    [
        {**LLM_SPEC, "bpm": 999},
        {**LLM_SPEC, "key": "H"},
        {**LLM_SPEC, "genre": "polka-dub-xyz"},
        {**LLM_SPEC, "instruments": [{"name": "x", "role": "kazoo"}]},
        {**LLM_SPEC, "excluded_roles": ["drums", "bass", "pad", "vocal-like"]},
    ],
    ids=["bpm-out-of-range", "bad-key", "unknown-genre", "bad-role", "nothing-left-to-play"],
)
def test_invalid_model_output_falls_back_to_the_rules(
    client: Any, stubber: Stubber, bad_input: dict[str, Any]
) -> None:
    parser = BedrockPromptParser(client, model_id=MODEL_ID)
    text = "dark techno, no vocals"
    stubber.add_response("converse", _tool_response(bad_input), parser.request(text))
    spec = parser.parse(text, seed_source=JOB_ID)
    rules = parse_prompt(text, seed_source=JOB_ID)
    assert spec.model_dump(exclude={"notes"}) == rules.model_dump(exclude={"notes"})
    assert any("used rules" in note for note in spec.notes)


def test_a_text_answer_without_the_tool_call_falls_back(client: Any, stubber: Stubber) -> None:
    parser = BedrockPromptParser(client, model_id=MODEL_ID)
    response = {
        "output": {"message": {"role": "assistant", "content": [{"text": "I cannot help with that."}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 20, "outputTokens": 8, "totalTokens": 28},
        "metrics": {"latencyMs": 300},
    }
    stubber.add_response("converse", response, parser.request("house"))
    assert parser.parse("house").genre == "house"


@pytest.mark.parametrize(
    ("code", "status"),
    [("ThrottlingException", 429), ("ModelTimeoutException", 408), ("AccessDeniedException", 403),
     ("ValidationException", 400), ("InternalServerException", 500)],
)  # fmt: skip
def test_client_errors_fall_back_to_the_rules(client: Any, stubber: Stubber, code: str, status: int) -> None:
    parser = BedrockPromptParser(client, model_id=MODEL_ID)
    stubber.add_client_error("converse", service_error_code=code, http_status_code=status)
    spec = parser.parse("dnb at 172 bpm")
    assert (spec.genre, spec.bpm) == ("drum and bass", 172)
    assert any(code in note for note in spec.notes)


class _TimingOutClient:
    def converse(self, **_: Any) -> dict[str, Any]:
        raise ReadTimeoutError(endpoint_url="https://bedrock-runtime.us-east-1.amazonaws.com")


def test_a_timeout_falls_back_to_the_rules() -> None:
    spec = BedrockPromptParser(_TimingOutClient(), model_id=MODEL_ID).parse("lo-fi in F#m")
    assert (spec.genre, spec.key) == ("lo-fi hip hop", "F#")
    assert any("ReadTimeoutError" in note for note in spec.notes)


def test_the_adapter_builds_a_bedrock_runtime_client_with_short_timeouts() -> None:
    client = bedrock_runtime_client("eu-west-1")
    assert client.meta.service_model.service_name == "bedrock-runtime"
    assert client.meta.region_name == "eu-west-1"
    assert getattr(client.meta.config, "read_timeout", None) == BEDROCK_READ_TIMEOUT_S
    assert bedrock_runtime_client("eu-west-1") is client
