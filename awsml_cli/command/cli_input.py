"""``--cli-input-json`` / ``--cli-input-yaml``: a request document merged into the call.

The document supplies any top-level parameter the command line did not
(command-line values win; there is no deep merge and no checking here, that is
left to botocore's parameter validation, as in aws v1).

``--cli-input-json`` is aws v1's, errors included.  ``--cli-input-yaml`` and
``--generate-cli-skeleton yaml-input`` are aws v2's; they follow v2's rules
(YAML 1.2, duplicate keys refused, one ``--cli-input-*`` at a time, a
document that is not a mapping refused with v2's message).
"""

from __future__ import annotations

import json

from awsml_cli.command import paramfile
from awsml_cli.errors import AwsmlError, ParamError


def _read_reference(raw, option: str):
    """The text or bytes a ``file://``/``fileb://`` value points at, or ``raw`` itself.

    Only local files: an ``http(s)://`` value is taken literally here (aws v1
    fetched it earlier, for every option, and then ignores what it fetched).
    """
    if isinstance(raw, str) and raw.startswith(paramfile.LOCAL_PREFIXES):
        try:
            return paramfile.load(raw, follow_urls=False)
        except paramfile.ResourceLoadingError as exc:
            raise ParamError(option, str(exc)) from None
    return raw


def load_document(raw):
    """Parse the --cli-input-json value (inline JSON, file:// or fileb://)."""
    text = _read_reference(raw, "--cli-input-json")
    try:
        return json.loads(text)
    except ValueError as exc:
        # aws v1 names the option without dashes here and echoes what it read
        # (a repr for bytes from fileb://).
        raise ParamError("cli-input-json", f"Invalid JSON: {exc}\nJSON received: {text}") from None


def load_yaml_document(raw):
    """Parse the --cli-input-yaml value (inline YAML, file:// or fileb://) as aws v2 does."""
    text = _read_reference(raw, "--cli-input-yaml")
    from awsml_cli.command.yaml_input import InvalidYaml, load

    try:
        document = load(text)
    except InvalidYaml as exc:
        # aws v2's sentence, then what is wrong and where (v2 stops at the sentence).
        raise ParamError("cli-input-yaml", f"Invalid YAML received.\n{exc}") from None
    if not isinstance(document, dict):
        raise ParamError("--cli-input-yaml", f"Invalid type: expecting map, received {type(document)}")
    return document


def merge(call_parameters: dict, document) -> dict:
    """Add the document's top-level keys that the command line did not set."""
    # .keys() on purpose: a non-object document fails with aws v1's AttributeError text.
    for key in document.keys():
        if key not in call_parameters:
            call_parameters[key] = document[key]
    return call_parameters


def apply(call_parameters: dict, json_value, yaml_value) -> dict:
    """Merge whichever --cli-input-* option was given into the call parameters."""
    if json_value is not None and yaml_value is not None:
        # aws v2's rule and words.
        raise AwsmlError("Only one --cli-input- parameter may be specified.")
    if json_value is not None:
        merge(call_parameters, load_document(json_value))
    if yaml_value is not None:
        merge(call_parameters, load_yaml_document(yaml_value))
    return call_parameters
