"""awsml: `aws sagemaker describe-training-job`, byte for byte, faster."""

__version__ = "0.1.0"
