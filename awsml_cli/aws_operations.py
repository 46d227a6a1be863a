"""The operation words aws v1 knows under ``aws sagemaker``, for its error messages.

awsml implements one of them; when a user mistypes an operation, aws v1 lists
all of them (and suggests close matches), so awsml lists the same set.  This
loads botocore's full SageMaker model, which is slow, so it only runs on that
error path.
"""

from __future__ import annotations

import functools


@functools.lru_cache(maxsize=None)
def sagemaker_operation_words() -> tuple[str, ...]:
    from botocore import xform_name
    from botocore.loaders import create_loader

    model = create_loader().load_service_model("sagemaker", "service-2")
    words = [xform_name(name, "-") for name in model["operations"]]
    # aws v1 adds its waiter command and help after the API operations.
    return (*words, "wait", "help")
