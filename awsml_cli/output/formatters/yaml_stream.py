"""``--output yaml-stream``: each response page as one item of a YAML sequence (aws v2).

aws v2 streams a paginated result page by page, each page written as a
one-item sequence so that the pages join into one sequence.  DescribeTrainingJob
is not paginated, so the output is the single response as ``- …`` (even an
empty response, which prints ``- {}``).  ``--query`` applies to each page.
"""

from __future__ import annotations

from typing import Any, TextIO

from awsml_cli.output.formatters import RenderOptions
from awsml_cli.output.formatters.yaml_output import dump


def render(data: Any, stream: TextIO, options: RenderOptions = RenderOptions()) -> None:
    stream.write(dump([data]))
