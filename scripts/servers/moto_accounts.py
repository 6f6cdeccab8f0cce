#!/usr/bin/env python3
"""Bootstrap identities in a moto server started with `moto.sh --auth` (IAM enforced after
the first 3 requests). Creates an `admin` user with every permission, then, signed as
admin, `ci` and `reader` users with no permissions; prints their keys as JSON on stdout.

Usage: moto_accounts.py ENDPOINT                      bootstrap; prints the keys
       moto_accounts.py ENDPOINT grant KEYS.json USER [POLICY.json]
                                                     gives USER s3:*, or that policy (as admin)
       moto_accounts.py ENDPOINT two-accounts        on a server started with `moto.sh --accounts`
                                                     (6 unauthenticated requests): an admin in
                                                     account 111111111111 (the bucket owner) and
                                                     one in 222222222222; `ci` and `ci-fresh` in 222222222222 and
                                                     `local-ci` in 111111111111, both allowed only
                                                     sts:GetCallerIdentity; prints the keys
       moto_accounts.py ENDPOINT attach KEYS.json ADMIN USER NAME POLICY.json
                                                     puts inline policy NAME on USER, as ADMIN
Run with the moto virtualenv's python, which has boto3.
"""
import json
import sys

import boto3

endpoint = sys.argv[1]
WHO_AM_I = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}],
})


def client(service, key, secret, account=None):
    c = boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                     aws_access_key_id=key, aws_secret_access_key=secret)
    if account:
        # moto's way to address an account before any of its keys exist
        c.meta.events.register("before-send.*.*", lambda request, **_: request.headers.__setitem__(
            "x-moto-account-id", account))
    return c


if len(sys.argv) == 8 and sys.argv[2] == "attach":
    keys = json.load(open(sys.argv[3]))[sys.argv[4]]
    iam = client("iam", keys["key"], keys["secret"])
    iam.put_user_policy(UserName=sys.argv[5], PolicyName=sys.argv[6],
                        PolicyDocument=open(sys.argv[7]).read())
    sys.exit(0)
if len(sys.argv) == 3 and sys.argv[2] == "two-accounts":
    out = {}
    everything = json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    })
    for name, account in (("owner", "111111111111"), ("ci-admin", "222222222222")):
        iam = client("iam", "bootstrap", "bootstrap", account)
        iam.create_user(UserName="admin")
        k = iam.create_access_key(UserName="admin")["AccessKey"]
        iam.put_user_policy(UserName="admin", PolicyName="all", PolicyDocument=everything)
        out[name] = {"key": k["AccessKeyId"], "secret": k["SecretAccessKey"],
                     "arn": f"arn:aws:iam::{account}:user/admin", "account": account}
    # `ci-fresh` is never granted anything by a test, so the "nothing granted" state does not
    # depend on which other test ran first (they share one server and attach to `ci`).
    for name, admin in (("ci", "ci-admin"), ("ci-fresh", "ci-admin"), ("local-ci", "owner")):
        iam = client("iam", out[admin]["key"], out[admin]["secret"])
        user = iam.create_user(UserName=name)["User"]
        k = iam.create_access_key(UserName=name)["AccessKey"]
        iam.put_user_policy(UserName=name, PolicyName="who-am-i", PolicyDocument=WHO_AM_I)
        out[name] = {"key": k["AccessKeyId"], "secret": k["SecretAccessKey"], "arn": user["Arn"],
                     "account": out[admin]["account"]}
    json.dump(out, sys.stdout)
    sys.exit(0)
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
