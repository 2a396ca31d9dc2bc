"""Builds the stateful resources of template.yaml (DynamoDB tables, S3 buckets) in moto, so a schema
change in the template reaches the tests at once; and finds the same resources in a deployed stack."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

TEMPLATE_PATH = Path(__file__).resolve().parents[2] / "template.yaml"
_TABLE_PROPERTIES = ("KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes", "BillingMode")


class CloudFormationLoader(yaml.SafeLoader):
    """Reads short-form intrinsics (`!Ref X`, `!GetAtt A.B`, `!Sub ...`) as their long form
    (`{"Ref": "X"}`, `{"Fn::GetAtt": ["A", "B"]}`, `{"Fn::Sub": ...}`), as CloudFormation does."""


def _construct_intrinsic(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        assert isinstance(node, yaml.MappingNode)
        value = loader.construct_mapping(node, deep=True)
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{tag_suffix}": value}


CloudFormationLoader.add_multi_constructor("!", _construct_intrinsic)


def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as stream:
        template: dict[str, Any] = yaml.load(stream, Loader=CloudFormationLoader)  # nosec B506: SafeLoader subclass
    return template


@dataclass(frozen=True)
class TemplateResources:
    """Physical names by LogicalResourceId."""

    tables: dict[str, str] = field(default_factory=dict)
    buckets: dict[str, str] = field(default_factory=dict)


def resources_of_type(template: Mapping[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource.get("Properties") or {}
        for logical_id, resource in template.get("Resources", {}).items()
        if resource.get("Type") == resource_type
    }


def _literal(logical_id: str, name: str, value: Any) -> Any:
    """Refuse intrinsics where moto needs a literal, with a message that says where."""
    if isinstance(value, dict) and any(key == "Ref" or key.startswith("Fn::") for key in value):
        raise ValueError(f"{logical_id}.{name} uses an intrinsic function; moto needs a literal")
    return value


def create_template_resources(template: Mapping[str, Any] | None = None) -> TemplateResources:
    """Creates every AWS::DynamoDB::Table and AWS::S3::Bucket of the template under fresh unique names.
    Call inside an active moto mock_aws."""
    import boto3  # lazily: conftest imports this module, and unit tests check boto3 stays unimported

    template = load_template() if template is None else template
    suffix = uuid.uuid4().hex[:8]
    dynamodb = boto3.client("dynamodb")
    s3 = boto3.client("s3")
    tables: dict[str, str] = {}
    for logical_id, properties in resources_of_type(template, "AWS::DynamoDB::Table").items():
        name = f"amp-test-{logical_id.lower()}-{suffix}"
        arguments: dict[str, Any] = {
            key: _literal(logical_id, key, properties[key]) for key in _TABLE_PROPERTIES if key in properties
        }
        if arguments.get("BillingMode", "PROVISIONED") == "PROVISIONED":
            arguments["ProvisionedThroughput"] = _literal(
                logical_id, "ProvisionedThroughput", properties["ProvisionedThroughput"]
            )
        dynamodb.create_table(TableName=name, **arguments)
        ttl = properties.get("TimeToLiveSpecification")
        if ttl:
            dynamodb.update_time_to_live(
                TableName=name, TimeToLiveSpecification=_literal(logical_id, "TimeToLiveSpecification", ttl)
            )
        tables[logical_id] = name
    buckets: dict[str, str] = {}
    for logical_id in resources_of_type(template, "AWS::S3::Bucket"):
        name = f"amp-test-{logical_id.lower()}-{suffix}"
        region = s3.meta.region_name
        if region == "us-east-1":
            s3.create_bucket(Bucket=name)
        else:  # every other region must be named explicitly
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})  # type: ignore[typeddict-item]
        buckets[logical_id] = name
    return TemplateResources(tables=tables, buckets=buckets)


def deployed_resources(stack_name: str) -> TemplateResources:
    """The same resources in a deployed stack, found by LogicalResourceId (the `aws` test marker)."""
    import boto3

    template = load_template()
    table_ids = set(resources_of_type(template, "AWS::DynamoDB::Table"))
    bucket_ids = set(resources_of_type(template, "AWS::S3::Bucket"))
    physical: dict[str, str] = {}
    paginator = boto3.client("cloudformation").get_paginator("list_stack_resources")
    for page in paginator.paginate(StackName=stack_name):
        for summary in page["StackResourceSummaries"]:
            physical[summary["LogicalResourceId"]] = summary["PhysicalResourceId"]
    return TemplateResources(
        tables={logical: physical[logical] for logical in table_ids if logical in physical},
        buckets={logical: physical[logical] for logical in bucket_ids if logical in physical},
    )
