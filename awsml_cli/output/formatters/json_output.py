"""JSON output, as aws v1 writes it: 4-space indent, raw UTF-8, `{}` prints nothing, written piece by piece."""

from __future__ import annotations

import base64
import datetime
import json
from typing import Any, TextIO

from awsml_cli.output.formatters import RenderOptions


def _encode_extra(value: Any) -> Any:
    # Only timestamps parsed by botocore (iso8601 mode) and blobs can reach here;
    # aws v1 writes the former as ISO 8601 and the latter as base64.
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("utf-8")
    raise TypeError("Encountered unrecognized type in JSON encoder.")


def render(data: Any, stream: TextIO, options: RenderOptions = RenderOptions()) -> None:
    # aws v1 prints nothing at all (not even a newline) for an empty object.
    if data == {}:
        return
    # In json.dump's pieces, as aws v1 writes it: on a stream that cannot encode
    # a character, the pieces before it are out and the error names the position
    # inside the failing piece, as in aws.
    json.dump(data, stream, indent=4, ensure_ascii=False, default=_encode_extra)
    stream.write("\n")
