#!/usr/bin/env python3
"""Generate a kops state store of N clusters (each: config + 3 instance groups) on disk.

Usage: gen_store.py N OUT_DIR [--clean-fraction F]

Every cluster is realistic (3 subnets, one control-plane group, two node groups) and valid, except that every 10th cluster carries one planted problem so that the
benchmark exercises the finding path too. Deterministic: the same N gives the same store.
"""
import os
import sys


CLUSTER = """apiVersion: kops.k8s.io/v1alpha2
kind: Cluster
metadata:
  name: {name}
spec:
  api:
    dns: {{}}
  authorization:
    rbac: {{}}
  channel: stable
  cloudProvider: aws
  configBase: {config_base}
  etcdClusters:
  - name: main
    etcdMembers:
    - instanceGroup: control-plane-{zone}a
      name: a
  - name: events
    etcdMembers:
    - instanceGroup: control-plane-{zone}a
      name: a
  kubernetesApiAccess:
  - 0.0.0.0/0
  kubernetesVersion: {version}
  networkCIDR: 10.{octet}.0.0/16
  networking:
    cilium: {{}}
  nonMasqueradeCIDR: 100.64.0.0/10
  sshAccess:
  - 10.0.0.0/8
  subnets:
  - cidr: 10.{octet}.32.0/19
    name: {zone}a
    type: Private
    zone: {zone}a
  - cidr: 10.{octet}.64.0/19
    name: {zone}b
    type: Private
    zone: {zone}b
  - cidr: {third_cidr}
    name: {zone}c
    type: Private
    zone: {zone}c
  topology:
    dns:
      type: Public
"""

GROUP = """apiVersion: kops.k8s.io/v1alpha2
kind: InstanceGroup
metadata:
  name: {ig}
  labels:
    kops.k8s.io/cluster: {name}
spec:
  image: 099720109477/ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250610
  machineType: {machine}
  maxSize: {max_size}
  minSize: {min_size}
  role: {role}
  subnets:
{subnets}
"""


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    count = int(sys.argv[1])
    out = os.path.abspath(sys.argv[2])
    zones = ["us-east-1", "eu-west-1", "ap-south-1", "us-west-2"]
    for i in range(count):
        name = f"c{i:05d}.bench.example.com"
        zone = zones[i % len(zones)]
        octet = i % 250
        broken = i % 10 == 9
        base = f"file://{out}/{name}"
        cluster = CLUSTER.format(
            name=name,
            zone=zone,
            octet=octet,
            version=f"v1.3{i % 5}.{i % 7}",
            # Planted problems: a stale configBase and an overlapping subnet.
            config_base=f"s3://old-bucket/{name}" if broken else base,
            third_cidr=f"10.{octet}.64.0/18" if broken else f"10.{octet}.96.0/19",
        )
        groups = {
            f"control-plane-{zone}a": dict(role="ControlPlane", machine="m6i.large", min_size=1, max_size=1, subnets=[f"{zone}a"]),
            "nodes-a": dict(role="Node", machine="m6i.xlarge", min_size=2, max_size=6, subnets=[f"{zone}a", f"{zone}b"]),
            "nodes-b": dict(role="Node", machine="m6i.xlarge", min_size=1, max_size=4, subnets=[f"{zone}c"]),
        }
        ig_dir = os.path.join(out, name, "instancegroup")
        os.makedirs(ig_dir, exist_ok=True)
        with open(os.path.join(out, name, "config"), "w", encoding="utf-8") as f:
            f.write(cluster)
        for ig, g in groups.items():
            subnets = "\n".join(f"  - {s}" for s in g["subnets"])
            with open(os.path.join(ig_dir, ig), "w", encoding="utf-8") as f:
                f.write(GROUP.format(ig=ig, name=name, subnets=subnets, **{k: v for k, v in g.items() if k != "subnets"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
