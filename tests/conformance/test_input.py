"""Conformance with aws v1 on the input side: --cli-input-json, paramfiles, skeletons, validation.

Each case runs the real ``aws`` and ``awsml`` with the same argv, environment,
files and working directory (see :mod:`tests.conformance.harness`) and needs
the same stdout bytes, exit code and stderr error text.  ``{web}`` is a plain
HTTP file server on 127.0.0.1, ``{webs}`` the same over HTTPS with a
certificate nobody trusts, ``{closed}`` a loopback port nobody listens on.

awsml's additions (``--cli-input-yaml``, ``--generate-cli-skeleton
yaml-input`` and a working ``--generate-cli-skeleton output``) are not aws v1
behaviour; they are tested in tests/unit/test_input_additions.py.  Here they
only appear where they must *not* change what aws v1 does (prefix matching,
choice messages).
"""

from __future__ import annotations

import dataclasses

import pytest

from tests import loopback_http
from tests.conformance.harness import Case, check

pytestmark = pytest.mark.conformance

DTJ = ["sagemaker", "describe-training-job"]
AT = ["--endpoint-url", "{url}"]


def cij(value: str, *more: str) -> list[str]:
    """describe-training-job --cli-input-json VALUE [more…] against the emulator."""
    return [*DTJ, "--cli-input-json", value, *more, *AT]


def name(value: str, *more: str) -> list[str]:
    return [*DTJ, "--training-job-name", value, *more, *AT]


BOM = b"\xef\xbb\xbf"
DEMO_DOC = '{"TrainingJobName": "demo-job"}'

# Served by the loopback web server, for http(s):// values.
WEB_PAGES = {
    "/name.txt": b"demo-job",
    "/name-newline.txt": b"demo-job\n",
    "/in.json": DEMO_DOC.encode(),
    "/empty.txt": b"",
}

INLINE_JSON_CASES = [
    Case("inline", cij(DEMO_DOC)),
    Case("inline-whitespace-around", cij(f"\n  {DEMO_DOC} \n\t")),
    Case("inline-compact", cij('{"TrainingJobName":"gpu-job-2"}', "--query", "ResourceConfig")),
    Case("inline-cli-wins", [*DTJ, "--cli-input-json", '{"TrainingJobName":"nope"}', "--training-job-name", "demo-job", *AT]),
    Case("inline-cli-wins-even-when-empty-name", [*DTJ, "--training-job-name", "", "--cli-input-json", DEMO_DOC, *AT]),
    Case("inline-duplicate-keys-last-wins", cij('{"TrainingJobName": "nope", "TrainingJobName": "demo-job"}')),
    Case("inline-unicode-escape", cij('{"TrainingJobName": "demo\\u002djob"}')),
    Case("inline-unicode-raw-not-found", cij('{"TrainingJobName": "jöb-日本"}')),
    Case("inline-with-output-text", cij(DEMO_DOC, "--output", "text")),
    Case("inline-with-query", cij(DEMO_DOC, "--query", "TrainingJobStatus")),
    Case("inline-equals-form-after-name", [*DTJ, "--training-job-name", "demo-job", f"--cli-input-json={DEMO_DOC}", *AT]),
    Case("inline-abbreviated-option-with-name", [*DTJ, "--cli-in", '{"Bogus": 1}', "--training-job-name", "demo-job", *AT]),
]

VALIDATION_CASES = [
    Case("unknown-key", cij('{"TrainingJobName":"a","Bogus":1}')),
    Case("unknown-key-only", cij('{"Bogus":1}')),
    Case("unknown-keys-several", cij('{"Zeta":1,"Alpha":2,"TrainingJobName":"a"}')),
    Case("unknown-key-with-cli-name", [*DTJ, "--training-job-name", "demo-job", "--cli-input-json", '{"Bogus": null}', *AT]),
    Case("empty-object", cij("{}")),
    Case("empty-name", cij('{"TrainingJobName": ""}')),
    Case("type-int", cij('{"TrainingJobName": 5}')),
    Case("type-big-int", cij('{"TrainingJobName": 123456789012345678901234567890}')),
    Case("type-float", cij('{"TrainingJobName": 1.5}')),
    Case("type-float-exponent", cij('{"TrainingJobName": 1e400}')),
    Case("type-nan", cij('{"TrainingJobName": NaN}')),
    Case("type-null", cij('{"TrainingJobName": null}')),
    Case("type-true", cij('{"TrainingJobName": true}')),
    Case("type-list", cij('{"TrainingJobName": ["a"]}')),
    Case("type-empty-list", cij('{"TrainingJobName": []}')),
    Case("type-object", cij('{"TrainingJobName": {"a": [1, null]}}')),
    Case("type-and-unknown", cij('{"TrainingJobName": 5, "Bogus": {"x": 1}}')),
    Case("unknown-key-non-ascii", cij('{"Nämé": "x"}')),
    Case("unknown-key-empty", cij('{"": "x", "TrainingJobName": "demo-job"}')),
]

NON_OBJECT_CASES = [
    Case("list", cij("[1]")),
    Case("empty-list", cij("[]")),
    Case("string", cij('"str"')),
    Case("null", cij("null")),
    Case("int", cij("5")),
    Case("float", cij("1.5")),
    Case("true", cij("true")),
    Case("false", cij("false")),
    Case("list-of-objects", cij(f"[{DEMO_DOC}]")),
]

BAD_JSON_CASES = [
    Case("bad", cij("{bad")),
    Case("empty-string", cij("")),
    Case("whitespace-only", cij("  \n ")),
    Case("trailing-data", cij('{"TrainingJobName": "a"} trailing')),
    Case("two-documents", cij(f"{DEMO_DOC}\n{DEMO_DOC}")),
    Case("single-quotes", cij("{'TrainingJobName': 'demo-job'}")),
    Case("trailing-comma", cij('{"TrainingJobName": "demo-job",}')),
    Case("unterminated-string", cij('{"TrainingJobName": "demo')),
    Case("control-char-in-string", cij('{"TrainingJobName": "a\tb"}')),
    Case("lone-surrogate-escape", cij('{"TrainingJobName": "\\ud800"}')),
    Case("invalid-escape", cij('{"TrainingJobName": "\\x41"}')),
    Case("yaml-is-not-json", cij("TrainingJobName: demo-job")),
    Case("non-ascii-garbage", cij("{é日本😀")),
    Case("deep-nesting-recursion", cij("[" * 100000)),
    Case("deep-object-nesting", cij('{"a":' * 20000)),
    Case("http-looking-inline", cij("http//not-a-url")),
]

FILE_CASES = [
    Case("file-relative", cij("file://in.json"), files={"in.json": DEMO_DOC + "\n"}),
    Case("file-subdir", cij("file://sub/dir/in.json"), files={"sub/dir/in.json": DEMO_DOC}),
    Case("file-dot-relative", cij("file://./sub/../in.json"), files={"in.json": DEMO_DOC, "sub/x": ""}),
    Case("file-absolute", cij("file://{tmp}/work/in.json"), files={"in.json": DEMO_DOC}),
    Case("file-tilde", cij("file://~/in.json"), files={"../home/in.json": DEMO_DOC}),
    Case("file-env-var", cij("file://$MYDIR/in.json"), env={"MYDIR": "{tmp}/work/sub"}, files={"sub/in.json": DEMO_DOC}),
    Case("file-env-var-braces", cij("file://${MYDIR}/in.json"), env={"MYDIR": "{tmp}/work/sub"}, files={"sub/in.json": DEMO_DOC}),
    Case("file-undefined-env-var", cij("file://$NOPE_NOT_SET/in.json")),
    Case("file-missing", cij("file://nope.json")),
    Case("file-no-path", cij("file://")),
    Case("file-directory", cij("file://sub"), files={"sub/x": ""}),
    Case("file-empty", cij("file://empty.json"), files={"empty.json": b""}),
    Case("file-whitespace", cij("file://ws.json"), files={"ws.json": b" \n\n"}),
    Case("file-crlf", cij("file://crlf.json"), files={"crlf.json": b'{\r\n  "TrainingJobName": "demo-job"\r\n}\r\n'}),
    Case("file-bom-fails", cij("file://bom.json"), files={"bom.json": BOM + b'{"TrainingJobName":"bom"}'}),
    Case("file-latin1-undecodable", cij("file://latin1.json"), files={"latin1.json": '{"TrainingJobName":"café"}'.encode("latin-1")}),
    Case("file-utf16-undecodable", cij("file://utf16.json"), files={"utf16.json": DEMO_DOC.encode("utf-16")}),
    Case("file-non-object", cij("file://list.json"), files={"list.json": b"[1, 2]\n"}),
    Case("file-bad-json-multiline", cij("file://bad.json"), files={"bad.json": b'{\n  "TrainingJobName": "a",\n  oops\n}\n'}),
    Case("file-unknown-key", cij("file://u.json"), files={"u.json": b'{"TrainingJobName": "demo-job", "Extra": [1]}'}),
    Case("file-non-ascii-name", cij("file://u.json"), files={"u.json": '{"TrainingJobName": "jöb-日本"}'.encode()}),
    Case("file-prefix-is-case-sensitive", cij("FILE://in.json"), files={"in.json": DEMO_DOC}),
    Case("file-cli-wins", [*DTJ, "--training-job-name", "demo-job", "--cli-input-json", "file://in.json", *AT], files={"in.json": b'{"TrainingJobName": "nope"}'}),
]

FILEB_CASES = [
    Case("fileb-valid", cij("fileb://in.json"), files={"in.json": DEMO_DOC}),
    Case("fileb-bom-works", cij("fileb://bom.json"), files={"bom.json": BOM + DEMO_DOC.encode()}),
    Case("fileb-utf16-works", cij("fileb://utf16.json"), files={"utf16.json": DEMO_DOC.encode("utf-16")}),
    Case("fileb-latin1-fails", cij("fileb://latin1.json"), files={"latin1.json": '{"TrainingJobName":"café"}'.encode("latin-1")}),
    Case("fileb-bad-json", cij("fileb://bad.json"), files={"bad.json": b"{bad\n"}),
    Case("fileb-empty", cij("fileb://empty.json"), files={"empty.json": b""}),
    Case("fileb-missing", cij("fileb://nope.json")),
    Case("fileb-no-path", cij("fileb://")),
    Case("fileb-non-object", cij("fileb://n.json"), files={"n.json": b"null"}),
    Case("fileb-binary-garbage", cij("fileb://g.bin"), files={"g.bin": bytes(range(256))}),
]

NAME_PARAMFILE_CASES = [
    Case("name-file", name("file://name.txt"), files={"name.txt": "demo-job"}),
    Case("name-file-trailing-newline-sent", name("file://name.txt"), files={"name.txt": "demo-job\n"}),
    Case("name-file-tilde", name("file://~/name.txt"), files={"../home/name.txt": "demo-job"}),
    Case("name-file-env-var", name("file://$MYDIR/name.txt"), env={"MYDIR": "{tmp}/work"}, files={"name.txt": "demo-job"}),
    Case("name-file-empty", name("file://empty.txt"), files={"empty.txt": b""}),
    Case("name-file-missing", name("file://missing.txt")),
    Case("name-file-no-path", name("file://")),
    Case("name-file-directory", name("file://sub"), files={"sub/x": ""}),
    Case("name-file-undecodable", name("file://latin1.txt"), files={"latin1.txt": "café".encode("latin-1")}),
    Case("name-file-bom-is-sent", name("file://bom.txt"), files={"bom.txt": BOM + b"demo-job"}),
    Case("name-fileb-is-bytes", name("fileb://name.txt"), files={"name.txt": "demo-job"}),
    Case("name-fileb-binary", name("fileb://b.bin"), files={"b.bin": b"\x00\xff\xfe"}),
    Case("name-fileb-missing", name("fileb://missing.txt")),
    Case("name-file-beats-bad-input-json", [*DTJ, "--training-job-name", "file://missing.txt", "--cli-input-json", "{bad", *AT]),
    Case("name-file-missing-with-skeleton", [*DTJ, "--generate-cli-skeleton", "--training-job-name", "file://missing.txt"]),
    Case("name-equals-file", [*DTJ, "--training-job-name=file://name.txt", *AT], files={"name.txt": "demo-job"}),
    Case("name-looks-like-prefix-only", name("file:/name.txt")),
    Case("input-json-file-missing-beats-name-file", [*DTJ, "--cli-input-json", "file://nope.json", "--training-job-name", "file://name.txt", *AT], files={"name.txt": "demo-job"}),
]

URL_CASES = [
    Case("name-http", name("{web}/name.txt")),
    Case("name-http-newline-sent", name("{web}/name-newline.txt")),
    Case("name-http-empty-body", name("{web}/empty.txt")),
    Case("name-http-404", name("{web}/missing.txt")),
    Case("name-http-refused", name("{closed}/name.txt")),
    Case("name-https-untrusted", name("{webs}/name.txt")),
    Case("name-http-not-followed", name("{web}/name.txt"), config="[default]\ncli_follow_urlparam = false\n"),
    Case("name-http-follow-true", name("{web}/name.txt"), config="[default]\ncli_follow_urlparam = true\n"),
    Case("name-http-follow-other-value", name("{web}/name.txt"), config="[default]\ncli_follow_urlparam = False\n"),
    Case("name-http-profile-setting", [*DTJ, "--training-job-name", "{web}/name.txt", "--profile", "p", *AT], config="[profile p]\ncli_follow_urlparam = false\n"),
    Case("name-http-missing-profile", [*DTJ, "--training-job-name", "{web}/name.txt", "--profile", "nosuch", *AT]),
    Case("input-json-http-fetched-then-invalid", cij("{web}/in.json")),
    Case("input-json-http-404", cij("{web}/missing.json")),
    Case("input-json-http-refused", cij("{closed}/in.json")),
    Case("input-json-https-untrusted", cij("{webs}/in.json")),
    Case("input-json-http-not-followed", cij("{web}/in.json"), config="[default]\ncli_follow_urlparam = false\n"),
    Case("input-json-http-404-not-followed", cij("{web}/missing.json"), config="[default]\ncli_follow_urlparam = false\n"),
    Case("name-http-prefix-case-sensitive", name("HTTP://127.0.0.1:1/x")),
]

SKELETON_CASES = [
    Case("skeleton-bare", [*DTJ, "--generate-cli-skeleton"]),
    Case("skeleton-input", [*DTJ, "--generate-cli-skeleton", "input"]),
    Case("skeleton-equals-input", [*DTJ, "--generate-cli-skeleton=input"]),
    Case("skeleton-abbreviated", [*DTJ, "--gen", "input"]),
    Case("skeleton-before-other-options", [*DTJ, "--generate-cli-skeleton", "--training-job-name", "x"]),
    Case("skeleton-ignores-output-query-color", [*DTJ, "--generate-cli-skeleton", "--output", "text", "--query", "a.b", "--color", "on"]),
    Case("skeleton-output-from-env-ignored", [*DTJ, "--generate-cli-skeleton"], env={"AWS_DEFAULT_OUTPUT": "yaml"}),
    Case("skeleton-no-region-no-credentials", [*DTJ, "--generate-cli-skeleton"], env={"AWS_DEFAULT_REGION": None, "AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None}),
    Case("skeleton-bad-region-ignored", [*DTJ, "--generate-cli-skeleton", "--region", "bad region!"]),
    Case("skeleton-missing-profile", [*DTJ, "--generate-cli-skeleton", "--profile", "nosuch"]),
    Case("skeleton-valid-input-json-ignored", [*DTJ, "--generate-cli-skeleton", "--cli-input-json", '{"Bogus": 1}']),
    Case("skeleton-bad-input-json-first", [*DTJ, "--generate-cli-skeleton", "--cli-input-json", "{bad"]),
    Case("skeleton-non-object-input-json-first", [*DTJ, "--generate-cli-skeleton", "--cli-input-json", "[1]"]),
    Case("skeleton-input-json-missing-file-first", [*DTJ, "--generate-cli-skeleton", "--cli-input-json", "file://nope.json"]),
    Case("skeleton-bad-query-first", [*DTJ, "--generate-cli-skeleton", "--query", "a["]),
    Case("skeleton-unknown-option", [*DTJ, "--generate-cli-skeleton", "--bogus"]),
    Case("skeleton-help-word-is-a-bad-choice", [*DTJ, "--generate-cli-skeleton", "help"]),
    Case("skeleton-bad-choice", [*DTJ, "--generate-cli-skeleton", "bogus"]),
    Case("skeleton-choice-is-case-sensitive", [*DTJ, "--generate-cli-skeleton", "INPUT"]),
    # awsml accepts yaml-input (an aws v2 choice); the message for a bad choice stays aws v1's.
    Case("skeleton-bad-choice-close-to-yaml-input", [*DTJ, "--generate-cli-skeleton", "yaml-inpt"]),
    Case("skeleton-bad-choice-yaml", [*DTJ, "--generate-cli-skeleton", "yaml"]),
    Case("skeleton-bad-choice-close-to-output", [*DTJ, "--generate-cli-skeleton", "outpt"]),
    Case("skeleton-output-needs-name", [*DTJ, "--generate-cli-skeleton", "output"]),
    # awsml prints a sample for "output" where aws always fails (docs/input.md), but
    # whatever fails before that point fails the same way in both.
    Case("skeleton-output-bad-input-json-first", [*DTJ, "--generate-cli-skeleton", "output", "--training-job-name", "x", "--cli-input-json", "{bad"]),
    Case("skeleton-output-non-object-input-json-first", [*DTJ, "--generate-cli-skeleton", "output", "--training-job-name", "x", "--cli-input-json", "[1]"]),
    Case("skeleton-output-missing-paramfile-first", [*DTJ, "--generate-cli-skeleton", "output", "--training-job-name", "file://missing.txt"]),
    Case("skeleton-output-missing-profile-first", [*DTJ, "--generate-cli-skeleton", "output", "--training-job-name", "x", "--profile", "nosuch"]),
    Case("skeleton-output-bad-query-first", [*DTJ, "--generate-cli-skeleton", "output", "--training-job-name", "x", "--query", "a["]),
    Case("skeleton-output-unknown-option-first", [*DTJ, "--generate-cli-skeleton", "output", "--training-job-name", "x", "--bogus"]),
    Case("skeleton-output-equals-form-needs-no-name", [*DTJ, "--generate-cli-skeleton=output", "--output", "json", "--region", "us-east-1", "--query", "`1`"], env={"AWS_DEFAULT_REGION": None}),
]

PARSING_CASES = [
    # --cli-input-yaml is awsml's addition: it must not make "--cli-input" ambiguous
    # nor turn aws v1's unknown options into known ones.
    Case("cli-input-prefix-still-means-json", [*DTJ, "--cli-input", DEMO_DOC, "--training-job-name", "demo-job", *AT]),
    Case("cli-input-prefix-bad-json", [*DTJ, "--cli-input", "{bad", "--training-job-name", "demo-job", *AT]),
    Case("cli-input-y-prefix-is-unknown", [*DTJ, "--cli-input-y", "x", "--training-job-name", "demo-job", *AT]),
    Case("cli-input-yam-equals-is-unknown", [*DTJ, "--cli-input-yam=x", "--training-job-name", "demo-job", *AT]),
    Case("cli-input-json-missing-value", [*DTJ, "--cli-input-json"]),
    Case("cli-input-json-value-looks-like-option", [*DTJ, "--cli-input-json", "--x", *AT]),
    Case("cli-input-json-repeated-last-wins", [*DTJ, "--cli-input-json", "{bad", "--cli-input-json", DEMO_DOC, *AT]),
    Case("cli-input-json-exact-relaxes-required", [*DTJ, "--cli-input-json", DEMO_DOC, *AT]),
]

# argparse drops "--" from an option's value, so "--opt=--" gives the option an empty
# list, which aws v1 then uses as the value.  Found by the side-by-side property test.
DASH_DASH_CASES = [
    Case("name", [*DTJ, "--training-job-name=--", *AT]),
    Case("name-with-skeleton", [*DTJ, "--training-job-name=--", "--generate-cli-skeleton"]),
    Case("cli-input-json", [*DTJ, "--training-job-name", "demo-job", "--cli-input-json=--", *AT]),
    Case("cli-input-json-with-skeleton", [*DTJ, "--generate-cli-skeleton", "--cli-input-json=--"]),
    Case("skeleton", [*DTJ, "--generate-cli-skeleton=--"]),
    Case("query", [*DTJ, "--training-job-name", "demo-job", "--query=--", *AT]),
    Case("output", [*DTJ, "--training-job-name", "demo-job", "--output=--", *AT]),
    Case("output-before-service", ["--output=--", *DTJ, "--training-job-name", "nope", *AT]),
    Case("output-with-empty-result", [*DTJ, "--training-job-name", "demo-job", "--output=--", "--query", "`{}`", *AT]),
    Case("region", [*DTJ, "--training-job-name", "demo-job", "--region=--", *AT]),
    Case("profile", [*DTJ, "--training-job-name", "demo-job", "--profile=--", *AT]),
    Case("color", [*DTJ, "--training-job-name", "demo-job", "--color=--", *AT]),
    Case("endpoint-url", [*DTJ, "--training-job-name", "demo-job", "--endpoint-url=--"]),
    Case("read-timeout", [*DTJ, "--training-job-name", "demo-job", "--cli-read-timeout=--", *AT]),
    Case("connect-timeout", [*DTJ, "--training-job-name", "demo-job", "--cli-connect-timeout=--", *AT]),
    Case("ca-bundle", [*DTJ, "--training-job-name", "demo-job", "--ca-bundle=--", *AT]),
    Case("flag", [*DTJ, "--training-job-name", "demo-job", "--no-paginate=--", *AT]),
    Case("yaml-is-still-unknown-to-aws", [*DTJ, "--training-job-name", "demo-job", "--cli-input-yam=--", *AT]),
]


def _all_cases():
    groups = {
        "inline": INLINE_JSON_CASES,
        "validation": VALIDATION_CASES,
        "non-object": NON_OBJECT_CASES,
        "bad-json": BAD_JSON_CASES,
        "file": FILE_CASES,
        "fileb": FILEB_CASES,
        "name": NAME_PARAMFILE_CASES,
        "url": URL_CASES,
        "skeleton": SKELETON_CASES,
        "parsing": PARSING_CASES,
        "dash-dash": DASH_DASH_CASES,
    }
    return [dataclasses.replace(case, id=f"{group}/{case.id}") for group, cases in groups.items() for case in cases]


ALL_CASES = _all_cases()


@pytest.fixture(scope="module")
def web_urls():
    """Base URLs for {web}, {webs} and {closed}."""
    with loopback_http.serving(WEB_PAGES) as web, loopback_http.serving(WEB_PAGES, tls=True) as webs:
        closed = f"http://127.0.0.1:{loopback_http.free_loopback_port()}"
        yield {"{web}": web, "{webs}": webs, "{closed}": closed}


def _with_urls(case: Case, urls: dict) -> Case:
    def expand(value: str) -> str:
        for placeholder, url in urls.items():
            value = value.replace(placeholder, url)
        return value

    return dataclasses.replace(case, args=[expand(arg) for arg in case.args])


def test_case_ids_are_unique():
    ids = [case.id for case in ALL_CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case", ALL_CASES, ids=str)
def test_same_as_aws(case, moto_url, web_urls, tmp_path):
    check(_with_urls(case, web_urls), moto_url, tmp_path)

