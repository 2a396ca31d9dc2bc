"""Static checks of template.yaml against the repository: handlers, Dockerfiles, the stage registry,
least privilege and CORS. Pure file reading, well under a second."""

import ast
import fnmatch
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.support.template_resources import load_template, resources_of_type

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = load_template()
FUNCTIONS = resources_of_type(TEMPLATE, "AWS::Serverless::Function")
ZIP_FUNCTIONS = {name: props for name, props in FUNCTIONS.items() if props.get("PackageType") != "Image"}
IMAGE_FUNCTIONS = {name: props for name, props in FUNCTIONS.items() if props.get("PackageType") == "Image"}
LAMBDA_BASE_IMAGE = "public.ecr.aws/lambda/python:3.13"

# Actions AWS documents as supporting no resource-level permissions: "*" is what they require.
ACTIONS_NEEDING_STAR_RESOURCE = {
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
}


def defines_lambda_handler(path: Path) -> bool:
    """`def lambda_handler`, `lambda_handler = ...` or `from x import lambda_handler` at module level."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "lambda_handler":
            return True
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "lambda_handler" for target in node.targets
        ):
            return True
        if isinstance(node, ast.ImportFrom) and any(
            (alias.asname or alias.name) == "lambda_handler" for alias in node.names
        ):
            return True
    return False


@pytest.mark.parametrize("logical_id", sorted(ZIP_FUNCTIONS))
def test_every_zip_function_handler_exists(logical_id: str) -> None:
    properties = ZIP_FUNCTIONS[logical_id]
    module, _, attribute = properties["Handler"].partition(".")
    source = ROOT / properties["CodeUri"] / f"{module}.py"
    assert source.is_file(), f"{logical_id}: {source.relative_to(ROOT)} is missing"
    assert attribute == "lambda_handler"
    assert defines_lambda_handler(source), (
        f"{logical_id}: {source.relative_to(ROOT)} defines no lambda_handler"
    )
    assert properties.get("Runtime") == "python3.13"


def test_the_librosa_stages_are_container_images() -> None:
    assert set(IMAGE_FUNCTIONS) == {"AnalyzeFunction", "QaFunction"}


def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    instructions = []
    for line in joined.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            keyword, _, arguments = stripped.partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def dockerignore_allows(relative: str) -> bool:
    """Evaluates the root .dockerignore (last matching pattern wins, `!` re-includes)."""
    allowed = True
    for raw in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines():
        pattern = raw.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!")
        parts = relative.split("/")
        prefixes = ["/".join(parts[: index + 1]) for index in range(len(parts))]
        if any(fnmatch.fnmatch(prefix, pattern) for prefix in prefixes):
            allowed = negate
    return allowed


@pytest.mark.parametrize("logical_id", sorted(IMAGE_FUNCTIONS))
def test_image_function_dockerfile_builds_from_files_in_the_repository(logical_id: str) -> None:
    metadata = TEMPLATE["Resources"][logical_id]["Metadata"]
    context = ROOT / metadata["DockerContext"]
    dockerfile = context / metadata["Dockerfile"]
    assert dockerfile.is_file(), f"{logical_id}: {dockerfile} is missing"
    assert metadata.get("DockerTag")
    instructions = dockerfile_instructions(dockerfile)
    assert instructions[0] == ("FROM", LAMBDA_BASE_IMAGE)
    copies = [shlex.split(arguments) for keyword, arguments in instructions if keyword == "COPY"]
    assert copies
    for *sources, _destination in copies:
        for source in sources:
            assert (context / source).exists(), (
                f"{dockerfile.name}: COPY source {source} is not in the repository"
            )
            assert dockerignore_allows(source), f"{dockerfile.name}: .dockerignore drops COPY source {source}"
    runs = " ".join(arguments for keyword, arguments in instructions if keyword == "RUN")
    assert "[analysis]" in runs, "the image must install the project with its analysis extra"
    environment = " ".join(arguments for keyword, arguments in instructions if keyword == "ENV")
    assert "NUMBA_CACHE_DIR=/tmp/numba" in environment
    [cmd] = [arguments for keyword, arguments in instructions if keyword == "CMD"]
    module, _, attribute = cmd.strip('[]" ').partition(".")
    app_copy = next(sources for *sources, _ in copies if any(s.endswith(f"{module}.py") for s in sources))
    assert attribute == "lambda_handler"
    assert defines_lambda_handler(context / app_copy[0])


def inline_statements() -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []

    def collect(owner: str, value: Any) -> None:
        if isinstance(value, dict):
            statements = value.get("Statement")
            if isinstance(statements, list):
                found.extend((owner, statement) for statement in statements)
            for child in value.values():
                collect(owner, child)
        elif isinstance(value, list):
            for child in value:
                collect(owner, child)

    for logical_id, resource in TEMPLATE["Resources"].items():
        collect(logical_id, resource.get("Properties", {}))
    return found


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_no_allow_statement_uses_wildcards_beyond_what_the_service_requires() -> None:
    statements = inline_statements()
    assert len(statements) > 10
    for owner, statement in statements:
        if statement.get("Effect") != "Allow":
            continue
        actions = as_list(statement["Action"])
        assert all("*" not in action for action in actions), f"{owner}: wildcard action in {actions}"
        if "*" in as_list(statement.get("Resource")):
            extra = set(actions) - ACTIONS_NEEDING_STAR_RESOURCE
            assert not extra, f"{owner}: Resource '*' for actions that support resource ARNs: {sorted(extra)}"


def test_stage_functions_reach_only_their_bucket_prefixes() -> None:
    allowed_prefixes = {"work/", "jobs/", "uploads/", "batch/", "assets/soundfonts/"}
    checked = 0
    for owner, statement in inline_statements():
        if statement.get("Effect") != "Allow":
            continue  # the bucket policy's deny-insecure-transport covers the whole bucket on purpose
        for resource in as_list(statement.get("Resource")):
            text = resource.get("Fn::Sub", "") if isinstance(resource, dict) else ""
            if isinstance(text, str) and text.startswith("${AudioBucket.Arn}/"):
                prefix = text.removeprefix("${AudioBucket.Arn}/").split("*")[0]
                assert any(prefix.startswith(p) for p in allowed_prefixes), f"{owner}: {text}"
                checked += 1
    assert checked >= 10


def test_no_function_uses_the_bucket_wide_s3_policy_templates() -> None:
    for logical_id, properties in FUNCTIONS.items():
        for policy in properties.get("Policies", []):
            if isinstance(policy, dict):
                assert not {"S3CrudPolicy", "S3FullAccessPolicy", "S3WritePolicy"} & set(policy), logical_id


def test_cors_allows_only_the_spa_origin() -> None:
    cors = TEMPLATE["Resources"]["Api"]["Properties"]["Cors"]
    assert "'*'" not in str(cors["AllowOrigin"])
    assert "SpaOrigin" in str(cors["AllowOrigin"]) and "SpaDistribution" in str(cors["AllowOrigin"])
    bucket_cors = TEMPLATE["Resources"]["AudioBucket"]["Properties"]["CorsConfiguration"]["CorsRules"]
    assert all("*" not in str(rule["AllowedOrigins"]) for rule in bucket_cors)


def test_the_audio_bucket_expires_work_files_uploads_and_batch_reports_but_no_published_file() -> None:
    """Published files live as long as their job (deleting the job deletes them): no rule may
    expire anything under jobs/, by prefix or by a tag filter that no writer sets."""
    rules = TEMPLATE["Resources"]["AudioBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    expiring = [rule for rule in rules if "ExpirationInDays" in rule]
    prefixes = {rule.get("Prefix") for rule in expiring}
    assert prefixes == {"work/", "uploads/", "batch/"}
    assert not any(rule.get("TagFilters") for rule in rules)


def test_the_batch_rule_listens_only_to_batch_objects_of_the_audio_bucket() -> None:
    event = FUNCTIONS["BatchFunction"]["Events"]["ManifestCreated"]
    pattern = event["Properties"]["Pattern"]
    assert pattern["detail"]["object"]["key"] == [{"prefix": "batch/"}]
    assert pattern["detail"]["bucket"]["name"] == [{"Ref": "AudioBucket"}]
    assert "DeadLetterConfig" in event["Properties"]
    assert FUNCTIONS["BatchFunction"]["DeadLetterQueue"]["Type"] == "SQS"


@pytest.mark.parametrize("environment", ["default", "prod"])
def test_samconfig_environments_deploy_with_valid_parameters(environment: str) -> None:
    config = tomllib.loads((ROOT / "samconfig.toml").read_text(encoding="utf-8"))
    deploy = config[environment]["deploy"]["parameters"]
    assert config[environment]["global"]["parameters"]["stack_name"].startswith("amp-")
    assert "CAPABILITY_IAM" in deploy["capabilities"]
    assert deploy["resolve_image_repos"] is True  # the two image functions need ECR repositories
    parameters = TEMPLATE["Parameters"]
    for pair in shlex.split(deploy["parameter_overrides"]):
        name, _, value = pair.partition("=")
        assert name in parameters, f"{environment}: unknown parameter {name}"
        allowed = parameters[name].get("AllowedValues")
        assert allowed is None or value in allowed, f"{environment}: {name}={value} not in {allowed}"
    stage = dict(pair.partition("=")[::2] for pair in shlex.split(deploy["parameter_overrides"]))["StageName"]
    assert stage == ("dev" if environment == "default" else "prod")
