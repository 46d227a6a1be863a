"""What awsml's table of compiled patterns must hold for a pattern, computed with this Python's compiler."""

from __future__ import annotations


def compiled_form(pattern, flags: int) -> tuple:
    """A pattern's table entry (awsml_cli.speedups.regex_table), computed with
    this Python's compiler: stored entries are compared with these."""
    from re import _compiler, _parser

    parsed = _parser.parse(pattern, flags)
    code = [int(op) for op in _compiler._code(parsed, flags)]
    groupindex = {name: int(index) for name, index in parsed.state.groupdict.items()}
    indexgroup = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (
        pattern,
        int(flags),
        int(flags | parsed.state.flags),
        code,
        int(parsed.state.groups - 1),
        groupindex,
        tuple(indexgroup),
    )
