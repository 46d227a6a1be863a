"""The per-run context the root command hands down to the commands below it (no Click here)."""

from __future__ import annotations


class RunContext:
    """What the root command hands down to the commands below it: the checked
    global options, the run's Environment, the config files, and the botocore
    session, started when first needed (``--generate-cli-skeleton`` and ``help`` never need it;
    importing botocore's session is most of what a describe call costs)."""

    def __init__(self, args, env, argv: list[str] | None = None):
        from awsml_cli.aws import history
        from awsml_cli.aws.session import check_timestamp_format

        self.args = args  # globalargs.GlobalArgs
        self.env = env  # runtime.environment.Environment
        self._session = None
        if args.debug:
            # The debug log starts with the session, as in aws v1, and every
            # config read goes through it.
            self.config = self.session
        else:
            from awsml_cli.aws.configfiles import ConfigFiles

            self.config = ConfigFiles(args.profile)
        check_timestamp_format(self.config)
        self._tell_about_plugins()
        # Where aws v1's session starts (its "session-initialized" handlers ran).
        if argv is not None:
            history.start(self.config, argv, lambda: self.session.user_agent())

    def _tell_about_plugins(self) -> None:
        from awsml_cli.aws.v1_session import plugins_notice

        # config: a session or configfiles.ConfigFiles (both have full_config).
        line = plugins_notice(self.config.full_config)
        if line:
            self.env.stderr.write(line)

    @property
    def session(self):
        """The botocore session, as aws v1 sets it up (started on first use)."""
        if self._session is None:
            from awsml_cli.aws.session import create_session

            self._session = create_session(self.args, self.env)
        return self._session

    def input_shape(self):
        """DescribeTrainingJob's input shape; read without a session when one is not running."""
        from awsml_cli.aws import client

        if self._session is None:
            shape = client.input_shape_without_session(self.config)
            if shape is not None:
                return shape
        return client.operation_model(self.session).input_shape
