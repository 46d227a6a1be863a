"""``--output yaml`` / ``yaml-stream`` end to end, and the one accepted difference it brings.

aws v1 has no YAML output, so there is no byte oracle here.  What must hold:

* the YAML carries the same data as aws's JSON output for the same request
  and ``--query`` (read back with a YAML 1.2 reader, as aws v2 writes 1.2);
* it is selected by ``--output``, ``AWS_DEFAULT_OUTPUT`` and config ``output``
  with the usual precedence;
* the accepted, documented difference: the ``Invalid choice`` message for a
  bad ``--output`` lists yaml and yaml-stream too.  Everything else about
  that error (exit status 2, empty stdout, the message's first line, the
  "maybe you meant" suggestion) is still aws v1's.
"""

from __future__ import annotations

import json

import pytest

from tests.conformance.harness import Case, prepare, run_both, with_awsml_output_choices
from tests import helpers

pytestmark = pytest.mark.conformance

DTJ = ["sagemaker", "describe-training-job"]


def demo(job: str = "demo-job") -> list[str]:
    return [*DTJ, "--training-job-name", job, "--endpoint-url", "{url}"]


def read_yaml_1_2(text: str):
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(text)


QUERIES = [
    None,
    "TrainingJobName",
    "ResourceConfig.InstanceCount",
    "EnableNetworkIsolation",
    "Nope",
    "ResourceConfig",
    "HyperParameters",
    "{a: TrainingJobName, b: Nope}",
    "[TrainingJobName, Nope]",
    "`[]`",
    "SecondaryStatusTransitions[].Status",
]


SAME_DATA_CASES = [("demo-job", query) for query in QUERIES] + [
    (job, None) for job in ("gpu-job-2", "unicode-job", "empty-hp-job")
] + [("unicode-job", "HyperParameters")]


@pytest.mark.parametrize("job, query", SAME_DATA_CASES, ids=lambda value: value or "no-query")
def test_yaml_has_the_same_data_as_aws_json(job, query, moto_url, tmp_path):
    args = demo(job) + (["--query", query] if query else [])
    aws_json, _ = run_both(Case("json", args), moto_url, tmp_path)
    assert aws_json.returncode == 0, aws_json.err
    expected = json.loads(aws_json.out)
    for output in ("yaml", "yaml-stream"):
        cli_args, env, work = prepare(Case(output, [*args, "--output", output]), moto_url, tmp_path)
        result = helpers.run_awsml(cli_args, env, cwd=work)
        assert result.returncode == 0, result.err
        assert result.stderr == b""
        data = read_yaml_1_2(result.out)
        assert data == (expected if output == "yaml" else [expected]), output


def test_empty_object_result_prints_nothing_for_yaml(moto_url, tmp_path):
    args, env, work = prepare(Case("empty", [*demo(), "--query", "`{}`", "--output", "yaml"]), moto_url, tmp_path)
    result = helpers.run_awsml(args, env, cwd=work)
    assert (result.returncode, result.stdout) == (0, b"")
    args, env, work = prepare(Case("empty", [*demo(), "--query", "`{}`", "--output", "yaml-stream"]), moto_url, tmp_path)
    result = helpers.run_awsml(args, env, cwd=work)
    assert (result.returncode, result.stdout) == (0, b"- {}\n")


def test_scalar_result_is_json(moto_url, tmp_path):
    args, env, work = prepare(Case("scalar", [*demo(), "--query", "TrainingJobName", "--output", "yaml"]), moto_url, tmp_path)
    assert helpers.run_awsml(args, env, cwd=work).stdout == b'"demo-job"\n'


@pytest.mark.parametrize(
    "env, config, flag, expected_first_line",
    [
        ({"AWS_DEFAULT_OUTPUT": "yaml"}, None, [], "AlgorithmSpecification:"),
        ({}, "[default]\noutput = yaml-stream\n", [], "- AlgorithmSpecification:"),
        ({"AWS_DEFAULT_OUTPUT": "yaml"}, None, ["--output", "json"], "{"),
        ({"AWS_DEFAULT_OUTPUT": "json"}, "[default]\noutput = yaml\n", [], "{"),
        ({}, "[default]\noutput = json\n", ["--output", "yaml-stream"], "- AlgorithmSpecification:"),
        # Unique prefixes work as for every aws v1 option value... of the option name.
        ({}, None, ["--out", "yaml"], "AlgorithmSpecification:"),
    ],
)
def test_selected_by_flag_env_and_config(env, config, flag, expected_first_line, moto_url, tmp_path):
    case = Case("select", [*demo(), *flag], env=env, config=config)
    args, run_env, work = prepare(case, moto_url, tmp_path)
    result = helpers.run_awsml(args, run_env, cwd=work)
    assert result.returncode == 0, result.err
    assert result.out.splitlines()[0] == expected_first_line


@pytest.mark.parametrize(
    "args",
    [
        [*demo(), "--output", "xml"],
        [*demo(), "--output", "jsn"],
        [*demo(), "--output", "yml"],
        [*demo(), "--output", "summry"],
        ["--output", "xml", "sagemakr"],
    ],
    ids=["bad-choice", "close-match", "close-match-yaml", "close-match-summary", "before-bad-service"],
)
def test_invalid_output_choice_lists_yaml_too(args, moto_url, tmp_path):
    expected, actual = run_both(Case("bad-output", args), moto_url, tmp_path)
    assert actual.returncode == expected.returncode == 2
    assert actual.stdout == expected.stdout == b""
    value = args[args.index("--output") + 1]
    assert helpers.error_text(actual.stderr) == with_awsml_output_choices(helpers.error_text(expected.stderr), value)
