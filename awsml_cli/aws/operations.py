"""The operation words aws v1 knows under ``aws sagemaker``, for its error messages.

awsml implements one of them; when a user mistypes an operation, aws v1 lists
all of them (and suggests close matches), so awsml lists the same set.  The
names come from the session's loader (a small file shipped with the trimmed
model, or botocore's full model when the data is not trimmed), and only on
that error path.
"""

from __future__ import annotations


def sagemaker_operation_words(session) -> tuple[str, ...]:
    from botocore import xform_name

    from awsml_cli.speedups.botocore_fast import sagemaker_operation_names

    words = [xform_name(name, "-") for name in sagemaker_operation_names(session)]
    # aws v1 adds its waiter command and help after the API operations.
    return (*words, "wait", "help")
