"""One module per pipeline stage. Each exposes `run(payload, ctx) -> output` over the ports in
`StageContext`; the Lambda handlers and the local runner call nothing else."""

from dataclasses import dataclass

from pydantic import BaseModel

from amp.domain.stage_io import GenerateInput, JobRef, MarkFailedInput, MixInput, PublishInput, QAInput


@dataclass(frozen=True)
class StageDefinition:
    name: str
    function_id: str
    """The logical id in template.yaml; the ASL refers to `${<function_id>Arn}`."""
    module: str
    input_model: type[BaseModel]


STAGES: dict[str, StageDefinition] = {
    stage.name: stage
    for stage in (
        StageDefinition("parse", "ParseFunction", "amp.stages.parse", JobRef),
        StageDefinition("analyze", "AnalyzeFunction", "amp.stages.analyze", JobRef),
        StageDefinition("generate", "GenerateFunction", "amp.stages.generate", GenerateInput),
        StageDefinition("mix", "MixFunction", "amp.stages.mix", MixInput),
        StageDefinition("qa", "QaFunction", "amp.stages.qa", QAInput),
        StageDefinition("publish", "PublishFunction", "amp.stages.publish", PublishInput),
        StageDefinition("mark_failed", "MarkFailedFunction", "amp.stages.mark_failed", MarkFailedInput),
    )
}
