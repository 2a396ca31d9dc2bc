"""MarkFailed turns a Catch payload into a reason a person can read."""

import json

import pytest

from amp.domain.stage_io import StepError
from amp.stages.mark_failed import MAX_REASON_CHARS, reason_from


def test_lambda_cause_json_gives_the_error_message() -> None:
    cause = json.dumps({"errorMessage": "reference file is empty (0 bytes)", "errorType": "InvalidAudio"})
    assert reason_from(StepError(Error="InvalidAudio", Cause=cause)) == "reference file is empty (0 bytes)"


def test_plain_text_cause_is_kept_as_is() -> None:
    summary = "true peak -0.4 dBTP is above -1.0 dBTP"
    assert reason_from(StepError(Error="QualityCheckFailed", Cause=summary)) == summary


@pytest.mark.parametrize(
    ("error_name", "expected_words"),
    [("States.Timeout", "time limit"), ("Lambda.Unknown", "out of memory"), ("Weird.Thing", "Weird.Thing")],
)
def test_missing_cause_is_explained_from_the_error_name(error_name: str, expected_words: str) -> None:
    assert expected_words in reason_from(StepError(Error=error_name, Cause=None))


def test_reason_is_capped() -> None:
    cause = json.dumps({"errorMessage": "x" * 5000})
    assert len(reason_from(StepError(Error="InvalidInput", Cause=cause))) == MAX_REASON_CHARS
