"""Model shapes read straight from a service model's JSON, without a botocore session."""

from __future__ import annotations


class ModelShape:
    """A shape of a service model's JSON, read the way botocore.model reads it,
    with just what :func:`awsml_cli.command.skeleton.input_skeleton` asks of a shape (so the skeleton
    needs no botocore session when the model is at hand)."""

    def __init__(self, name: str, shapes: dict):
        self.name = name
        self._shapes = shapes
        self._shape = shapes[name]
        self.type_name = self._shape["type"]

    @classmethod
    def operation_input(cls, model: dict, operation: str) -> "ModelShape":
        return cls(model["operations"][operation]["input"]["shape"], model["shapes"])

    def _ref(self, reference: dict) -> "ModelShape":
        return ModelShape(reference["shape"], self._shapes)

    @property
    def members(self) -> dict:
        return {name: self._ref(reference) for name, reference in self._shape.get("members", {}).items()}

    @property
    def member(self) -> "ModelShape":
        return self._ref(self._shape["member"])

    @property
    def value(self) -> "ModelShape":
        return self._ref(self._shape["value"])

    @property
    def enum(self) -> list:
        return self._shape.get("enum", [])
