"""Records: named values over class-level defaults, without @dataclass's start-up cost.

``@dataclass`` writes and compiles each class's methods when its module is
imported, paid at every start of awsml (docs/benchmark.md has the cost). The few records built on every describe call derive from
:class:`Record` instead: the annotated class attributes are the fields and
their defaults, and ``Record(name=value, ...)`` sets some of them.
"""

from __future__ import annotations


class Record:
    def __init__(self, **values):
        fields = self._fields()
        for name, value in values.items():
            if name not in fields:
                raise TypeError(f"{type(self).__name__}() got an unexpected keyword argument {name!r}")
            setattr(self, name, value)

    @classmethod
    def _fields(cls) -> list[str]:
        names: list[str] = []
        for klass in reversed(cls.__mro__):
            names.extend(name for name in vars(klass).get("__annotations__", {}) if name not in names)
        return names

    def _values(self) -> dict:
        return {name: getattr(self, name) for name in self._fields()}

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self._values().items())
        return f"{type(self).__name__}({fields})"

    def __eq__(self, other) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    __hash__ = None  # mutable, like a dataclass without frozen=True
