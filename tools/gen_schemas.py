#!/usr/bin/env python3
"""Generate schemas/cluster.schema.json and schemas/instancegroup.schema.json.

The field names, types and required fields come from kops's published CRDs
(k8s/crds/kops.k8s.io_{clusters,instancegroups}.yaml, version v1alpha2); the enums, which
the CRDs do not carry, come from the string constants in kops's API package and are listed
in ENUMS below. The output is plain JSON Schema 2020-12 tuned for linting a state store:

* objects with listed properties reject unknown keys (a typo such as `kubernetesVersoin`
  is otherwise silently ignored by kops);
* every value may also be null (kops's decoder treats `key:` with no value as unset);
* `x-kubernetes-int-or-string` becomes integer-or-string;
* descriptions, formats and Kubernetes extensions are dropped (they do not validate).

Usage: python3 tools/gen_schemas.py <dir with the kops CRDs> [output dir, default schemas/]
Needs PyYAML. This is a maintenance tool; the generated schemas are committed.
"""
import json
import sys
from pathlib import Path

import yaml

API_VERSIONS = ["kops.k8s.io/v1alpha2", "kops/v1alpha2"]

# Enums from kops's pkg/apis/kops (v1alpha2) string constants, keyed by a path of property
# names where `[]` steps into array items.
ENUMS = {
    "Cluster": {
        # What the v1alpha2 conversion accepts (Convert_v1alpha2_ClusterSpec_To_kops_ClusterSpec):
        # `linode` is one, `metal` is not (it is chosen with the label alpha.kops.k8s.io/cloud).
        "spec.cloudProvider": ["aws", "azure", "digitalocean", "gce", "hetzner", "linode", "openstack", "scaleway"],
        "spec.subnets[].type": ["Public", "Private", "Utility", "DualStack"],
        "spec.topology.dns.type": ["Public", "Private", "None"],
        "spec.topology.masters": ["public", "private"],
        "spec.topology.nodes": ["public", "private"],
        "spec.api.loadBalancer.type": ["Public", "Internal"],
        "spec.api.loadBalancer.class": ["Classic", "Network"],
        "spec.etcdClusters[].provider": ["Manager", "Legacy"],
    },
    "InstanceGroup": {
        "spec.role": ["ControlPlane", "Master", "Node", "Bastion", "APIServer"],
        "spec.instanceMetadata.httpTokens": ["optional", "required"],
    },
}

# Fields that kops's own integration configurations use but the CRD snapshot predates
# (newer kops releases). Open objects where the exact shape is not pinned down.
EXTRA_FIELDS = {
    "Cluster": {
        "spec": {
            "serviceOIDCProvider": {"type": "object"},
            "openstackServiceAccount": {"type": "string"},
        },
        "spec.etcdClusters[]": {
            "type": {"type": "string"},
            "volumeIops": {"type": "integer"},
            "volumeSize": {"type": "integer"},
            "volumeThroughput": {"type": "integer"},
        },
    },
    "InstanceGroup": {
        "spec": {
            "rootVolume": {
                "type": "object",
                "properties": {
                    "deleteOnTermination": {"type": "boolean"},
                    "encryption": {"type": "boolean"},
                    "encryptionKey": {"type": "string"},
                    "optimization": {"type": "boolean"},
                    "size": {"type": "integer"},
                    "type": {"type": "string"},
                    "volumeIops": {"type": "integer"},
                    "volumeThroughput": {"type": "integer"},
                },
            },
        },
    },
}

# `required` entries the CRD generator derives from Go fields without `omitempty`, which
# kops's decoder nevertheless defaults when absent.
DEFAULTED = {
    "Cluster": {"spec.iam": ["legacy"]},
    "InstanceGroup": {},
}

# The parts of Kubernetes ObjectMeta a kops document may carry.
OBJECT_META = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "generateName": {"type": ["string", "null"]},
        "namespace": {"type": ["string", "null"]},
        "selfLink": {"type": ["string", "null"]},
        "uid": {"type": ["string", "null"]},
        "resourceVersion": {"type": ["string", "null"]},
        "generation": {"type": ["integer", "null"]},
        "creationTimestamp": {"type": ["string", "null"]},
        "deletionTimestamp": {"type": ["string", "null"]},
        "deletionGracePeriodSeconds": {"type": ["integer", "null"]},
        "labels": {"type": ["object", "null"], "additionalProperties": {"type": ["string", "null"]}},
        "annotations": {"type": ["object", "null"], "additionalProperties": {"type": ["string", "null"]}},
        "ownerReferences": {"type": ["array", "null"]},
        "finalizers": {"type": ["array", "null"], "items": {"type": "string"}},
        "managedFields": {"type": ["array", "null"]},
    },
}


def nullable(schema):
    """Lets `schema` also accept null."""
    t = schema.get("type")
    if isinstance(t, str):
        schema["type"] = [t, "null"]
    elif "anyOf" in schema:
        schema["anyOf"].append({"type": "null"})
    return schema


def convert(node):
    out = {}
    if node.get("x-kubernetes-int-or-string"):
        # resource.Quantity and IntOrString also decode JSON numbers such as 3.14.
        branches = [{"type": "number"}, {"type": "string"}]
        if "pattern" in node:
            branches[1]["pattern"] = node["pattern"]
        out["anyOf"] = branches
        return nullable(out)
    t = node.get("type")
    if t is not None:
        out["type"] = t
    for key in ("enum", "pattern", "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems"):
        if key in node:
            out[key] = node[key]
    if "properties" in node:
        out["properties"] = {k: convert(v) for k, v in sorted(node["properties"].items())}
        if not node.get("x-kubernetes-preserve-unknown-fields"):
            out["additionalProperties"] = False
    elif isinstance(node.get("additionalProperties"), dict):
        out["additionalProperties"] = convert(node["additionalProperties"])
    if "required" in node:
        out["required"] = sorted(node["required"])
    if "items" in node:
        out["items"] = convert(node["items"])
    return nullable(out)


def at_path(schema, path):
    node = schema
    for step in [s for s in path.split(".") if s]:
        is_items = step.endswith("[]")
        name = step[:-2] if is_items else step
        node = node["properties"][name]
        if is_items:
            node = node["items"]
    return node


def build(crd_path, kind):
    crd = yaml.safe_load(Path(crd_path).read_text())
    versions = [v for v in crd["spec"]["versions"] if v["name"] == "v1alpha2"]
    if len(versions) != 1:
        sys.exit(f"{crd_path}: expected exactly one v1alpha2 version")
    root = versions[0]["schema"]["openAPIV3Schema"]
    spec = convert(root["properties"]["spec"])
    spec["type"] = "object"  # the spec itself must be present and a mapping
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://statelint.dev/schemas/kops.k8s.io/v1alpha2/{kind.lower()}.schema.json",
        "title": f"kops {kind} (kops.k8s.io/v1alpha2)",
        "description": f"Generated by tools/gen_schemas.py from the kops {kind} CRD; enums from kops's API constants.",
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "additionalProperties": False,
        "properties": {
            "apiVersion": {"enum": API_VERSIONS},
            "kind": {"const": kind},
            "metadata": OBJECT_META,
            "spec": spec,
        },
    }
    for path, values in ENUMS[kind].items():
        node = at_path(schema, path)
        if node.get("type") not in (["string", "null"], "string"):
            sys.exit(f"{kind} {path}: enum on a non-string field")
        node["enum"] = values + [None]
    for path, fields in EXTRA_FIELDS[kind].items():
        node = at_path(schema, path)
        for name, extra in fields.items():
            if name in node["properties"]:
                sys.exit(f"{kind} {path}.{name}: already in the CRD, drop it from EXTRA_FIELDS")
            node["properties"][name] = convert(extra)
        node["properties"] = dict(sorted(node["properties"].items()))
    for path, names in DEFAULTED[kind].items():
        node = at_path(schema, path)
        node["required"] = [r for r in node.get("required", []) if r not in names]
        if not node["required"]:
            del node["required"]
    return schema


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    crds = Path(sys.argv[1])
    out = Path(sys.argv[2]) if len(sys.argv) == 3 else Path(__file__).resolve().parent.parent / "schemas"
    for kind, crd in (("Cluster", "kops.k8s.io_clusters.yaml"), ("InstanceGroup", "kops.k8s.io_instancegroups.yaml")):
        schema = build(crds / crd, kind)
        target = out / f"{kind.lower()}.schema.json"
        target.write_text(json.dumps(schema, indent=1, sort_keys=False) + "\n")
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
