"""The SageMaker client: botocore does the work, awsml only passes the CLI's settings.

Credentials, profiles, region, endpoint resolution (``--endpoint-url``,
``AWS_ENDPOINT_URL_SAGEMAKER``, ``AWS_ENDPOINT_URL``, the config file's
``endpoint_url`` and ``services`` sections), TLS, timeouts and retries
(``AWS_MAX_ATTEMPTS``, ``AWS_RETRY_MODE``, legacy mode with 5 attempts by
default) are all resolved by botocore from the session, exactly as for aws v1.
"""

from __future__ import annotations

from awsml_cli import names
from awsml_cli.runtime import interrupts
from awsml_cli.cli.globalargs import GlobalArgs

SERVICE = names.SERVICE
OPERATION = names.API_OPERATION


def client_config(args: GlobalArgs):
    """What only the command's own client gets (the timeouts are the session's,
    see session.create_session)."""
    if args.sign_request:
        return None
    from botocore import UNSIGNED
    from botocore.config import Config

    return Config(signature_version=UNSIGNED)


def create_client(session, args: GlobalArgs):
    api = session.create_client(
        SERVICE,
        region_name=args.region,
        endpoint_url=args.endpoint_url,
        verify=args.verify,
        config=client_config(args),
    )
    return api


def create_logs_client(session, args: GlobalArgs):
    """CloudWatch Logs for --logs: the session's credentials, region, TLS, timeouts and
    retries, and botocore's own endpoint chain for the service (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS,
    AWS_ENDPOINT_URL, the config's services sections); --endpoint-url stays SageMaker's."""
    return session.create_client(
        "logs",
        region_name=args.region,
        verify=args.verify,
        config=client_config(args),
    )


def operation_model(session):
    """DescribeTrainingJob's model, without creating a client (no region needed)."""
    return session.get_service_model(SERVICE).operation_model(OPERATION)


def input_shape_without_session(config):
    """DescribeTrainingJob's input shape from the model a session would load,
    read without one (the speed-ups' trimmed model); None when only a session
    can tell. ``config``: configfiles.ConfigFiles."""
    from awsml_cli import speedups

    model = speedups.service_model(config.data_path())
    if model is None:
        return None
    from awsml_cli.aws.shapes import ModelShape

    return ModelShape.operation_input(model, OPERATION)


def describe_training_job(client, params: dict) -> dict:
    # A Ctrl-C that Python dropped during the lazy imports must not let the request out.
    interrupts.checkpoint()
    response = client.describe_training_job(**params)
    # aws v1 logs the request id and drops the metadata before --query runs.
    metadata = response.pop("ResponseMetadata", None)
    if metadata and "RequestId" in metadata:
        import logging

        logging.getLogger("awsml_cli.output").debug("RequestId: %s", metadata["RequestId"])
    return response


def operation_words(session) -> tuple[str, ...]:
    """The operation words aws v1 knows under ``aws sagemaker``, for its error
    messages: on a mistyped operation it lists them all (and suggests close
    matches). Read only on that error path."""
    from botocore import xform_name

    from awsml_cli import speedups

    names = speedups.operation_names(session)
    if names is None:
        names = list(session.get_component("data_loader").load_service_model(SERVICE, "service-2")["operations"])
    words = [xform_name(name, "-") for name in names]
    # aws v1 adds its waiter command and help after the API operations.
    return (*words, "wait", "help")
