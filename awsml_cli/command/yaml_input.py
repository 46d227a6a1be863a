"""YAML for ``--cli-input-yaml``, read as aws v2 reads it.

aws v2 reads YAML 1.2 (ruamel.yaml's safe loader); PyYAML reads YAML 1.1,
where ``no``, ``on`` or ``0755`` mean something else.  The loader here is
PyYAML's safe loader with YAML 1.2's implicit types instead (the table in
:mod:`awsml_cli.output.yaml12`, which the YAML output uses too):

* booleans are only ``true``/``false`` (in three spellings each), so a job
  called ``no`` stays a string;
* integers are decimal, ``0o`` octal, ``0x`` hexadecimal or ``0b`` binary
  (``_`` separators allowed, as ruamel allows them); a leading zero is decimal;
* floats need a dot or an exponent (``.inf``, ``.nan`` too); ``null``/``~``/empty are null;
* timestamps and ``<<`` merge keys work as in ruamel;
* a key given twice is an error (ruamel refuses duplicate keys).

PyYAML is imported only when YAML is actually used.
"""

from __future__ import annotations

from awsml_cli.output.yaml12 import TAG, read_resolvers


class InvalidYaml(Exception):
    """The text is not a YAML document awsml can use; ``str()`` says what and where."""


_loader_class = None


def _loader():
    """PyYAML's safe loader with YAML 1.2 implicit types and no duplicate keys (built once)."""
    global _loader_class
    if _loader_class is not None:
        return _loader_class
    import yaml

    class Yaml12SafeLoader(yaml.SafeLoader):
        # Start from no implicit types at all; SafeLoader's are YAML 1.1's.
        yaml_implicit_resolvers: dict = {}

        def construct_yaml_int(self, node):
            text = self.construct_scalar(node).replace("_", "")
            try:
                sign = -1 if text.startswith("-") else 1
                digits = text.lstrip("+-")
                for prefix, base in (("0b", 2), ("0o", 8), ("0x", 16)):
                    if digits.startswith(prefix):
                        return sign * int(digits[2:], base)
                return sign * int(digits, 10)
            except ValueError:
                raise yaml.constructor.ConstructorError(
                    None, None, f"invalid integer {text!r}", node.start_mark
                ) from None

        def construct_mapping(self, node, deep=False):
            # Explicit keys only: a key may repeat one brought in by a << merge.
            explicit = [key for key, _ in node.value if key.tag != TAG + "merge"] if isinstance(node, yaml.MappingNode) else []
            mapping = super().construct_mapping(node, deep=deep)
            seen = set()
            for key_node in explicit:
                key = self.construct_object(key_node, deep=deep)
                # By type too: 1 and true are different keys.
                if (type(key), key) in seen:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping", node.start_mark, f"found duplicate key {key!r}", key_node.start_mark
                    )
                seen.add((type(key), key))
            return mapping

    Yaml12SafeLoader.add_constructor(TAG + "int", Yaml12SafeLoader.construct_yaml_int)
    for tag, pattern, first in read_resolvers():
        Yaml12SafeLoader.add_implicit_resolver(tag, pattern, first)
    _loader_class = Yaml12SafeLoader
    return _loader_class


def load(text):
    """One YAML document from ``text`` (str, or bytes with any BOM), as plain Python data."""
    import yaml

    if not isinstance(text, (str, bytes)):
        # ``--cli-input-yaml=--`` reaches here as argparse's empty list.
        raise InvalidYaml(f"expected YAML text, got {type(text)}")
    loader = _loader()
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise InvalidYaml(str(exc)) from None
    except RecursionError:
        raise InvalidYaml("the document is nested too deeply") from None
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
        # PyYAML's constructors let these through for explicitly tagged nonsense
        # such as ``!!bool maybe`` or ``!!float x``.
        raise InvalidYaml(f"cannot construct a value: {exc}") from None
