#!/usr/bin/env python3
"""Bootstrap identities in a moto server started with `moto.sh --auth` (IAM enforced after
the first 3 requests). Creates an `admin` user with every permission, then, signed as
admin, `ci` and `reader` users with no permissions; prints their keys as JSON on stdout.

Usage: moto_accounts.py ENDPOINT                      bootstrap; prints the keys
       moto_accounts.py ENDPOINT grant KEYS.json USER [POLICY.json]
                                                     gives USER s3:*, or that policy (as admin)
Run with the moto virtualenv's python, which has boto3.
"""
import json
import sys

import boto3

endpoint = sys.argv[1]
if len(sys.argv) in (5, 6) and sys.argv[2] == "grant":
    keys = json.load(open(sys.argv[3]))["admin"]
    iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id=keys["key"], aws_secret_access_key=keys["secret"])
    policy = open(sys.argv[5]).read() if len(sys.argv) == 6 else json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    })
    iam.put_user_policy(UserName=sys.argv[4], PolicyName="statelint-test-grant", PolicyDocument=policy)
    sys.exit(0)
anonymous = dict(endpoint_url=endpoint, region_name="us-east-1",
                 aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
iam = boto3.client("iam", **anonymous)
# The only three unauthenticated requests the server allows.
iam.create_user(UserName="admin")
key = iam.create_access_key(UserName="admin")["AccessKey"]
iam.put_user_policy(UserName="admin", PolicyName="all", PolicyDocument=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}))
admin = dict(endpoint_url=endpoint, region_name="us-east-1",
             aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
iam = boto3.client("iam", **admin)
out = {"admin": {"key": key["AccessKeyId"], "secret": key["SecretAccessKey"]}}
for name in ("ci", "reader"):
    user = iam.create_user(UserName=name)["User"]
    k = iam.create_access_key(UserName=name)["AccessKey"]
    out[name] = {"key": k["AccessKeyId"], "secret": k["SecretAccessKey"], "arn": user["Arn"]}
json.dump(out, sys.stdout)
