"""YAML output (``--output yaml``), written the way aws v2 writes it.

aws v1 has no YAML output; awsml takes aws v2's meaning so that scripts moving
between the two see the same text.  aws v2 dumps with ruamel.yaml in its
"safe" mode with block style; with ruamel's C extension that is libyaml's
emitter, which PyYAML uses too, so PyYAML reproduces it once it is given the
same choices.  Those choices, found in aws v2's tests and ruamel.yaml's
behaviour (and checked against ruamel.yaml itself in the unit tests):

* mapping keys are **sorted** (ruamel's default for plain dicts), unlike JSON,
  which keeps the model's order;
* block style; a sequence under a key is not indented (``Key:`` then ``- a``);
  an empty mapping or sequence prints as ``{}`` / ``[]``; 80 columns, so long
  strings fold onto continuation lines;
* non-ASCII text is written as is (UTF-8), not escaped;
* a string is quoted only when it would otherwise read back as something else
  under YAML **1.2** rules (ruamel's): ``'123'``, ``'1e3'``, ``'0777'``,
  ``'true'``, ``'null'``, ``''``, ``'2013-02-12T19:08:52Z'`` are quoted, while
  ``yes``, ``on``, ``y`` and ``1:20`` (booleans / numbers only in YAML 1.1) are
  not; multi-line strings are single-quoted with folded line breaks;
* ``null`` for None, ``true``/``false``, floats as Python's ``repr``;
* a result that is a single scalar (after ``--query``) is written as JSON
  (``"foo"``, ``1``, ``null``), which avoids YAML's ``...`` end marker;
* an empty mapping result prints nothing at all, as with JSON output.

``--output yaml-stream`` (see :mod:`.yaml_stream`) writes each response page
as one item of a top-level sequence; DescribeTrainingJob has one page, so its
output is ``- `` followed by the response.
"""

from __future__ import annotations

import base64
import datetime
import json
from typing import Any, TextIO

from awsml_cli.output.formatters import RenderOptions
from awsml_cli.output.yaml12 import write_resolvers

_DUMPER = None


def _dumper_class():
    """Build (once) a PyYAML dumper with aws v2's representer and resolver choices."""
    global _DUMPER
    if _DUMPER is not None:
        return _DUMPER
    import yaml
    from yaml.representer import SafeRepresenter
    from yaml.resolver import BaseResolver

    class Yaml12Resolver(BaseResolver):
        pass

    Yaml12Resolver.yaml_implicit_resolvers = {}
    for tag, pattern, first in write_resolvers():
        Yaml12Resolver.add_implicit_resolver(tag, pattern, first)

    class AwsV2Representer(SafeRepresenter):
        def represent_float(self, data):
            # ruamel writes repr() as is (1e+17); PyYAML would insert ".0".
            if data != data:
                value = ".nan"
            elif data in (float("inf"), float("-inf")):
                value = ".inf" if data > 0 else "-.inf"
            else:
                value = repr(data).lower()
            return self.represent_scalar("tag:yaml.org,2002:float", value)

    AwsV2Representer.add_representer(float, AwsV2Representer.represent_float)

    # libyaml's emitter when PyYAML has it (as ruamel's C extension does);
    # the pure-Python emitter otherwise, which agrees for awsml's data.
    try:
        from yaml.cyaml import CEmitter as emitter
    except ImportError:
        emitter = None

    if emitter is not None:

        class Dumper(emitter, AwsV2Representer, Yaml12Resolver):
            def __init__(self, stream, **kwargs):
                emitter.__init__(
                    self,
                    stream,
                    canonical=None,
                    indent=None,
                    width=None,
                    allow_unicode=True,
                    line_break=None,
                    encoding=None,
                    explicit_start=None,
                    explicit_end=None,
                    version=None,
                    tags=None,
                )
                AwsV2Representer.__init__(self, default_style=None, default_flow_style=False, sort_keys=True)
                Yaml12Resolver.__init__(self)

    else:
        from yaml.emitter import Emitter
        from yaml.serializer import Serializer

        class Dumper(Emitter, Serializer, AwsV2Representer, Yaml12Resolver):
            def __init__(self, stream, **kwargs):
                Emitter.__init__(self, stream, allow_unicode=True)
                Serializer.__init__(self)
                AwsV2Representer.__init__(self, default_style=None, default_flow_style=False, sort_keys=True)
                Yaml12Resolver.__init__(self)

    _DUMPER = Dumper
    return Dumper


def _plain(value: Any, memo: dict | None = None) -> Any:
    """Timestamps and blobs as JSON output shows them, so YAML carries the same data.

    An object that occurs twice (``--query '[ResourceConfig, ResourceConfig]'``)
    stays one object, because aws v2 writes it once with an anchor (``&id001``)
    and then as an alias (``*id001``).
    """
    if memo is None:
        memo = {}
    if isinstance(value, (dict, list)):
        if id(value) in memo:
            return memo[id(value)]
        if isinstance(value, dict):
            converted: Any = {}
            memo[id(value)] = converted
            for key, member in value.items():
                converted[key] = _plain(member, memo)
        else:
            converted = []
            memo[id(value)] = converted
            converted.extend(_plain(member, memo) for member in value)
        return converted
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("utf-8")
    return value


def dump(data: Any) -> str:
    """The YAML text for ``data`` (containers as YAML, a lone scalar as JSON)."""
    data = _plain(data)
    if not isinstance(data, (dict, list)):
        return json.dumps(data, ensure_ascii=False) + "\n"
    import yaml

    return yaml.dump(data, Dumper=_dumper_class())


def render(data: Any, stream: TextIO, options: RenderOptions = RenderOptions()) -> None:
    # As with JSON, an empty object prints nothing (not even a newline).
    if data == {}:
        return
    # Render fully first: a failure must not leave half a document on stdout.
    stream.write(dump(data))
