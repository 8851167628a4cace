"""Where evidence lives: the STORAGES["evidence"] entry, read from the environment.

Without EVIDENCE_S3_BUCKET it is a private folder on the local disk (one machine, or
several sharing a mounted volume). With it, every evidence file (raw upload, clean
copy, thumbnail) is an object in that bucket of any S3-compatible store (AWS S3,
MinIO, Aliyun OSS, Tencent COS), reached through django-storages and boto3, so web
and worker processes on different machines share nothing but the bucket.

The bucket is never a public URL: objects are written with the private ACL and are
only ever read by our own processes (complaints.views.evidence_file streams them after
its permission check). Credentials come from boto3's usual chain: AWS_ACCESS_KEY_ID
and AWS_SECRET_ACCESS_KEY in the environment, or the machine's role.
"""

import environ

S3_BACKEND = "storages.backends.s3.S3Storage"
LOCAL_BACKEND = "django.core.files.storage.FileSystemStorage"


def evidence_storage_settings(default_root: str) -> dict:
    """The STORAGES entry for evidence, from EVIDENCE_S3_* (or EVIDENCE_ROOT) in the environment."""
    env = environ.Env()
    bucket = env.str("EVIDENCE_S3_BUCKET", default="")
    if not bucket:
        return {
            "BACKEND": LOCAL_BACKEND,
            "OPTIONS": {
                "location": env.str("EVIDENCE_ROOT", default=default_root),
                # Personal data: readable by the app's own user only (0600, folders 0700),
                # or by a group the operator names (EVIDENCE_FILE_MODE=0640, e.g. for backups).
                "file_permissions_mode": int(env.str("EVIDENCE_FILE_MODE", default="0600"), 8),
                "directory_permissions_mode": int(env.str("EVIDENCE_DIRECTORY_MODE", default="0700"), 8),
            },
        }
    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "bucket_name": bucket,
            # None means AWS itself; any other store is named by its endpoint.
            "endpoint_url": env.str("EVIDENCE_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("EVIDENCE_S3_REGION", default="") or None,
            # "virtual" for stores that refuse path-style requests (Aliyun OSS); "path" for
            # a MinIO without per-bucket DNS; empty lets boto3 choose.
            "addressing_style": env.str("EVIDENCE_S3_ADDRESSING_STYLE", default="") or None,
            # An optional folder inside the bucket, when the bucket is shared.
            "location": env.str("EVIDENCE_S3_PREFIX", default="").strip("/"),
            # Each object private even in a bucket someone made public-read (on Aliyun OSS
            # and Tencent COS an object otherwise inherits the bucket's ACL). An AWS bucket
            # with ACLs disabled (Object Ownership "bucket owner enforced") refuses any ACL
            # header: set EVIDENCE_S3_OBJECT_ACL to empty there; its objects are private anyway.
            "default_acl": env.str("EVIDENCE_S3_OBJECT_ACL", default="private") or None,
            # Should a URL of an object ever be built, it is signed and short-lived; the
            # app itself never hands one out.
            "querystring_auth": True,
            "querystring_expire": 60,
            # Names are fixed by the evidence id (complaints.evidence_pipeline._save_fresh deletes,
            # then saves under exactly that name): never append a suffix.
            "file_overwrite": True,
        },
    }
