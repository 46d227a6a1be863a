"""The names awsml is about, in one place: the command it clones and what that command knows."""

# The service word on the command line, and botocore's name for the service.
SERVICE = "sagemaker"
# The operation word on the command line.
OPERATION = "describe-training-job"
# The API operation it calls (botocore's model, the table title, the error text).
API_OPERATION = "DescribeTrainingJob"
# The help and manual page of the command.
PAGE = f"awsml-{SERVICE}-{OPERATION}"

# A training job in one of these statuses will not change any more.
FINAL_STATUSES = ("Completed", "Failed", "Stopped")

# What --output accepts: aws v1's, in its order, then aws v2's YAML outputs,
# then awsml's own view for people.
OUTPUT_CHOICES = ("json", "text", "table", "yaml", "yaml-stream", "summary")
