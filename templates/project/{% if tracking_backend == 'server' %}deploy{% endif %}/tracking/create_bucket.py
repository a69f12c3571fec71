"""Create the artifact bucket on the S3-compatible store (run once by docker compose).

The object store starts without buckets and MLflow does not create one, so the first
artifact upload would fail. Retries while the store is still starting.
"""

from __future__ import annotations

import os
import sys
import time

import boto3
from botocore.exceptions import BotoCoreError, ClientError


def main() -> int:
    bucket = os.environ["S3_BUCKET"]
    s3 = boto3.client("s3", endpoint_url=os.environ["MLFLOW_S3_ENDPOINT_URL"])
    last: Exception | None = None
    for _ in range(60):
        try:
            existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
            if bucket not in existing:
                s3.create_bucket(Bucket=bucket)
            print(f"bucket {bucket} ready")
            return 0
        except (BotoCoreError, ClientError) as error:
            last = error
            time.sleep(2)
    print(f"error: the object store did not answer: {last}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
