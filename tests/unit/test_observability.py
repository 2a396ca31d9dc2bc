"""`count` emits one self-contained EMF metric, and nothing when metrics are disabled."""

import json

import pytest

from amp.observability import count


def test_count_prints_one_emf_blob_with_its_dimensions(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    count("StageCompleted", stage="mix")
    blob = json.loads(capsys.readouterr().out.strip())
    assert blob["StageCompleted"] == [1.0]
    assert blob["stage"] == "mix"
    assert "stage" in blob["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0]


def test_count_is_silent_when_metrics_are_disabled(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    count("JobCreated")
    assert capsys.readouterr().out == ""
