#!/usr/bin/env python3
"""Write tests/fixtures/policies/corpus/*.json: varied bucket policies in the style of AWS's
documentation examples (SSL-only, VPC endpoints, cross-account access, CloudFront, org
restrictions, IP ranges, log delivery, KMS-only uploads, public websites, kops state-store
grants) and of the mistakes people make with them. Deterministic; rerun to regenerate.
"""
import json
from pathlib import Path

out = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "policies" / "corpus"
out.mkdir(parents=True, exist_ok=True)

BUCKETS = ["kops-state", "kops-state-prod", "example-logs", "static-site", "data-lake"]
ACCOUNTS = ["111122223333", "444455556666", "777788889999"]


def arn(bucket, key=None):
    return f"arn:aws:s3:::{bucket}" + (f"/{key}" if key is not None else "")


def ssl_only(b):
    return {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [arn(b), arn(b, "*")], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def doc(*statements, id=None):
    d = {"Version": "2012-10-17", "Statement": list(statements)}
    if id:
        d["Id"] = id
    return d


policies = {}
for i, b in enumerate(BUCKETS):
    acct = ACCOUNTS[i % 3]
    other = ACCOUNTS[(i + 1) % 3]
    policies[f"ssl-only-{b}"] = doc(ssl_only(b))
    policies[f"vpce-only-{b}"] = doc({"Sid": "VpceOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [arn(b), arn(b, "*")], "Condition": {"StringNotEquals": {"aws:SourceVpce": f"vpce-{i}a2b3c4d"}}}, ssl_only(b))
    policies[f"cross-account-read-{b}"] = doc(
        {"Sid": "CrossBucket", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{other}:root"},
         "Action": ["s3:GetBucketLocation", "s3:ListBucket"], "Resource": arn(b)},
        {"Sid": "CrossObjects", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{other}:root"},
         "Action": "s3:GetObject", "Resource": arn(b, "*")}, ssl_only(b))
    policies[f"cloudfront-oai-{b}"] = doc({"Sid": "OAI", "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E{i}ABCDEF"},
        "Action": "s3:GetObject", "Resource": arn(b, "*")})
    policies[f"cloudfront-oac-{b}"] = doc({"Sid": "OAC", "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"},
        "Action": "s3:GetObject", "Resource": arn(b, "*"),
        "Condition": {"StringEquals": {"AWS:SourceArn": f"arn:aws:cloudfront::{acct}:distribution/E{i}XYZ"}}}, ssl_only(b))
    policies[f"org-only-{b}"] = doc({"Sid": "OrgRead", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": [arn(b), arn(b, "*")], "Condition": {"StringEquals": {"aws:PrincipalOrgID": f"o-{i}abcdefghij"}}}, ssl_only(b))
    policies[f"ip-restricted-{b}"] = doc({"Sid": "OfficeOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [arn(b), arn(b, "*")],
        "Condition": {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24", "2001:db8::/32"]}}}, ssl_only(b))
    policies[f"kms-uploads-{b}"] = doc({"Sid": "DenyUnencrypted", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
        "Resource": arn(b, "*"), "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}},
        {"Sid": "DenyNoHeader", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": arn(b, "*"),
         "Condition": {"Null": {"s3:x-amz-server-side-encryption": "true"}}}, ssl_only(b))
    policies[f"kops-operator-{b}"] = doc(
        {"Sid": "KopsBucket", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{other}:role/kops-operator"},
         "Action": ["s3:GetBucketLocation", "s3:GetEncryptionConfiguration", "s3:ListBucket"], "Resource": arn(b)},
        {"Sid": "KopsObjects", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{other}:role/kops-operator"},
         "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "Resource": arn(b, "kops/*")}, ssl_only(b))
    policies[f"log-delivery-{b}"] = doc({"Sid": "S3ServerAccessLogs", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject", "Resource": arn(b, "logs/*"),
        "Condition": {"ArnLike": {"aws:SourceArn": arn(f"source-{i}")}, "StringEquals": {"aws:SourceAccount": acct}}})

# Public website and the common mistakes.
policies["public-website"] = doc({"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": arn("static-site", "*")})
policies["mistake-object-action-on-bucket"] = doc({"Sid": "Read", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/ci"},
    "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": arn("kops-state")})
policies["mistake-bucket-action-on-objects"] = doc({"Sid": "List", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/ci"},
    "Action": "s3:ListBucket", "Resource": arn("kops-state", "*")})
policies["mistake-typo-actions"] = doc({"Sid": "Typo", "Effect": "Allow", "Principal": {"AWS": "444455556666"},
    "Action": ["s3:GetObjects", "s3:ListBuckets", "s3:GetBucketLocation"], "Resource": [arn("kops-state"), arn("kops-state", "*")]})
policies["mistake-allow-not-principal"] = doc({"Sid": "AllButEve", "Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/eve"},
    "Action": "s3:GetObject", "Resource": arn("kops-state", "*")})
policies["deny-not-principal"] = doc({"Sid": "OnlyAdmins", "Effect": "Deny", "NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:role/admin", "arn:aws:iam::111122223333:root"]},
    "Action": "s3:DeleteBucket", "Resource": arn("kops-state")}, ssl_only("kops-state"))
policies["mistake-s3-star-cross-account"] = doc({"Sid": "KopsDocsExample", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
    "Action": "s3:*", "Resource": [arn("kops-state"), arn("kops-state", "*")]})
policies["mistake-missing-location"] = doc({"Sid": "NoLocation", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/ci"},
    "Action": ["s3:ListBucket"], "Resource": arn("kops-state")},
    {"Sid": "Objects", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/ci"}, "Action": "s3:GetObject", "Resource": arn("kops-state", "*")})
policies["mistake-region-in-arn"] = doc({"Sid": "Region", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/ci"},
    "Action": "s3:GetObject", "Resource": "arn:aws:s3:us-east-1::kops-state/*"})
policies["mistake-short-account"] = doc({"Sid": "Short", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::4444:role/ci"},
    "Action": "s3:GetObject", "Resource": arn("kops-state", "*")})
policies["mistake-duplicate-sid"] = doc({"Sid": "Same", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/a"}, "Action": "s3:GetObject", "Resource": arn("kops-state", "*")},
    {"Sid": "Same", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/b"}, "Action": "s3:GetObject", "Resource": arn("kops-state", "*")})
policies["mistake-duplicate-statement"] = doc({"Sid": "One", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/a"}, "Action": ["s3:GetObject", "s3:PutObject"], "Resource": arn("kops-state", "*")},
    {"Sid": "Two", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::444455556666:role/a"]}, "Action": ["s3:PutObject", "s3:GetObject"], "Resource": [arn("kops-state", "*")]})
policies["mistake-securetransport-string"] = doc({"Sid": "WrongOp", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": arn("kops-state", "*"),
    "Condition": {"StringEquals": {"aws:SecureTransport": "false"}}})
policies["mistake-bad-cidr"] = doc({"Sid": "BadCidr", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": arn("kops-state", "*"),
    "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/33"}}}, ssl_only("kops-state"))
policies["mistake-unknown-operator"] = doc({"Sid": "Op", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/a"}, "Action": "s3:GetObject", "Resource": arn("kops-state", "*"),
    "Condition": {"StringEqualz": {"aws:PrincipalTag/team": "platform"}}})
policies["mistake-resource-star"] = doc({"Sid": "Star", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/a"}, "Action": "s3:GetObject", "Resource": "*"})
policies["mistake-public-write"] = doc({"Sid": "Upload", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:PutObject", "Resource": arn("kops-state", "*")})
policies["mistake-too-large"] = doc(*[{"Sid": f"Team{i}", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNTS[i % 3]}:role/team-{i}"},
    "Action": ["s3:GetObject", "s3:PutObject"], "Resource": arn("data-lake", f"teams/team-{i}/*")} for i in range(150)], ssl_only("data-lake"))
policies["date-and-numeric-conditions"] = doc({"Sid": "Until", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/contractor"},
    "Action": ["s3:GetObject"], "Resource": arn("data-lake", "shared/*"),
    "Condition": {"DateLessThan": {"aws:CurrentTime": "2027-01-31T00:00:00Z"}, "NumericLessThanEquals": {"s3:max-keys": "100"}}}, ssl_only("data-lake"))
policies["mistake-date-type"] = doc({"Sid": "BadDate", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/contractor"},
    "Action": ["s3:GetObject"], "Resource": arn("data-lake", "shared/*"),
    "Condition": {"DateLessThan": {"aws:CurrentTime": "next friday"}, "Bool": {"aws:MultiFactorAuthPresent": "yes"}}})
policies["single-statement-object"] = {"Version": "2012-10-17", "Statement": ssl_only("kops-state")}
policies["assumed-role-session"] = doc({"Sid": "Session", "Effect": "Allow", "Principal": {"AWS": "arn:aws:sts::444455556666:assumed-role/ci/session-1"},
    "Action": "s3:GetObject", "Resource": arn("kops-state", "kops/*")}, ssl_only("kops-state"))

for name, body in sorted(policies.items()):
    (out / f"{name}.json").write_text(json.dumps(body, indent=2) + "\n")
print(f"{len(policies)} policies written to {out}")
