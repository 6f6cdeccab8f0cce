//! Codes and typed constructors for store layout and document loading (SL010-SL029).

use crate::codes::code;
use crate::codes::CodeInfo;
use crate::findings::{Finding, Location};
use crate::vfs::VfsError;
use crate::yaml::YamlError;

code!(STORE_UNREACHABLE, "SL010", "store-unreachable", Error,
    "the state store cannot be opened or listed",
    "## What it checks\nThat the store root exists and can be listed through its backend.\n\n## Why\nkops reports a missing store as \"cluster not found\"; naming the URL and the error is faster to act on.\n\n## Example\n```sh\nstatelint check --state file:///no/such/dir\n```\n\n## Fix\nCheck the URL (bucket, prefix) and the credentials; create the store with `kops create cluster` if it is new.\n");
code!(NO_CLUSTERS, "SL011", "no-clusters", Warning,
    "the store holds no cluster (no `<name>/config` object)",
    "## What it checks\nThat at least one key of the store ends in `/config`, which is how kops finds clusters.\n\n## Why\nAn empty listing usually means a wrong prefix: `s3://bucket` instead of `s3://bucket/kops`.\n\n## Example\n```sh\nstatelint check --state s3://bucket/wrong-prefix\n```\n\n## Fix\nPoint at the folder that contains `<cluster-name>/config`.\n");
code!(CLUSTER_NOT_FOUND, "SL012", "cluster-not-found", Error,
    "a cluster named with `--cluster` is not in the store",
    "## What it checks\nThat every `--cluster NAME` exists as `<store>/NAME/config`.\n\n## Why\nkops says \"cluster not found\" with no hint about which store it looked in.\n\n## Example\n```sh\nstatelint check --cluster typo.example.com\n```\n\n## Fix\nUse one of the cluster names the finding lists, or fix the store URL.\n");
code!(NO_INSTANCE_GROUPS, "SL013", "no-instance-groups", Error,
    "a cluster has no `instancegroup/` objects",
    "## What it checks\nThat `<store>/<cluster>/instancegroup/` holds at least one InstanceGroup.\n\n## Why\nkops needs at least one control-plane and one node group; a cluster without any was copied incompletely.\n\n## Example\nA store copied with `aws s3 cp` without `--recursive`.\n\n## Fix\nCopy the `instancegroup/` folder from the original store, or recreate the groups with `kops create ig`.\n");
code!(LEGACY_CLUSTER_SPEC, "SL014", "legacy-cluster-spec", Warning,
    "a cluster has only the legacy `cluster.spec` and no `config`",
    "## What it checks\nCluster folders holding `cluster.spec` (kops 1.21 and older) without `config`.\n\n## Why\nCurrent kops lists clusters by their `config` object; such a cluster is invisible to it.\n\n## Example\n`my.example.com/cluster.spec` with no `my.example.com/config`.\n\n## Fix\nRun a current `kops get cluster` / `kops replace` round trip, or restore `config` from a backup.\n");
code!(UNEXPECTED_OBJECT, "SL015", "unexpected-object", Note,
    "an object in a cluster folder that is not part of the kops layout",
    "## What it checks\nFiles directly under `<store>/<cluster>/` that kops does not write (for example `config.bak`).\n\n## Why\nStray files are harmless to kops but often leftovers of manual edits, and may hold secrets.\n\n## Example\n`my.example.com/config.old`\n\n## Fix\nRemove the file if it is a leftover, or suppress this code for the cluster.\n");
code!(OBJECT_TOO_LARGE, "SL016", "object-too-large", Error,
    "an object is larger than the read limit",
    "## What it checks\nThat every document statelint reads is under `--max-file-size` (default 4 MiB).\n\n## Why\nkops documents are a few KiB; a huge one is corrupt or hostile, and reading it whole could exhaust memory.\n\n## Example\nA 100 MB `config`.\n\n## Fix\nInspect the object; raise `--max-file-size` only if it is genuinely needed.\n");
code!(SYMLINK_ESCAPE, "SL017", "symlink-escape", Error,
    "a local store contains a symbolic link that leads outside the store",
    "## What it checks\nThat no object of a `file://` store resolves, through symbolic links, to a path outside the store root.\n\n## Why\nFollowing such a link would read (or, for writes, modify) files the store does not own.\n\n## Example\n`store/c/config -> /etc/passwd`\n\n## Fix\nReplace the link with the real file.\n");
code!(READ_FAILED, "SL018", "read-failed", Error,
    "an object could not be read",
    "## What it checks\nThat each object listed in the store can be read.\n\n## Why\nAn unreadable object (permissions, link loop, network error) means kops will fail on it too.\n\n## Example\nA symbolic link loop in a local store.\n\n## Fix\nFix the permission or the object named in the message.\n");
code!(YAML_SYNTAX, "SL020", "yaml-syntax", Error,
    "a document is not valid YAML",
    "## What it checks\nThat each kops document parses as YAML.\n\n## Why\nkops cannot load a cluster whose documents do not parse.\n\n## Example\n```yaml\nspec: [unclosed\n```\n\n## Fix\nFix the syntax at the position shown.\n");
code!(YAML_DUPLICATE_KEY, "SL021", "yaml-duplicate-key", Error,
    "a mapping has the same key twice",
    "## What it checks\nDuplicate keys within one YAML mapping.\n\n## Why\nDepending on the parser the first or the last value wins, or loading fails; either way an edit is silently lost.\n\n## Example\n```yaml\nspec:\n  kubernetesVersion: 1.29.0\n  kubernetesVersion: 1.30.0\n```\n\n## Fix\nKeep one of the keys.\n");
code!(YAML_EXPANSION, "SL022", "yaml-expansion-limit", Error,
    "a document expands to too many nodes (alias bomb)",
    "## What it checks\nThat a document, counting every alias expansion, stays under a node budget.\n\n## Why\nA few lines of nested aliases (\"billion laughs\") can expand to billions of nodes and exhaust memory.\n\n## Example\n```yaml\na: &a [x, x, x]\nb: &b [*a, *a, *a]\n```\n\n## Fix\nRemove the aliases; kops documents never need them.\n");
code!(NOT_TEXT, "SL023", "not-text", Error,
    "a document is not UTF-8 text, or contains NUL bytes",
    "## What it checks\nThat kops documents are UTF-8 text without NUL bytes.\n\n## Why\nBinary content in a YAML document is corruption (a bad copy, the wrong file) and kops cannot parse it.\n\n## Example\nA `config` saved as UTF-16.\n\n## Fix\nRe-save the document as UTF-8.\n");
code!(MULTIPLE_DOCUMENTS, "SL024", "multiple-documents", Error,
    "a store object holds more than one YAML document",
    "## What it checks\nThat each store object (`config`, `instancegroup/<name>`) holds exactly one document.\n\n## Why\nkops reads one object per file; extra documents after `---` are ignored, often a pasted `kops get -o yaml` output.\n\n## Example\n```yaml\nkind: Cluster\n---\nkind: InstanceGroup\n```\n\n## Fix\nSplit the documents into their own objects (`kops replace -f` does this).\n");
code!(YAML_TOO_DEEP, "SL025", "yaml-too-deep", Error,
    "a document nests deeper than the limit",
    "## What it checks\nThat a document's nesting depth stays under 200 levels.\n\n## Why\nReal kops documents nest a dozen levels; thousands of levels is hostile input that can crash parsers.\n\n## Example\n`[[[[[[...]]]]]]`\n\n## Fix\nReplace the document with a real kops document.\n");
code!(EMPTY_DOCUMENT, "SL026", "empty-document", Error,
    "a store object is empty or holds no YAML mapping",
    "## What it checks\nThat each kops document is a YAML mapping (not empty, not a scalar or a list).\n\n## Why\nAn empty `config` is what a failed upload leaves behind; kops cannot load the cluster.\n\n## Example\nA zero-byte `instancegroup/nodes`.\n\n## Fix\nRestore the object from a backup or the bucket's version history.\n");
code!(UNEXPECTED_KIND, "SL027", "unexpected-kind", Error,
    "a document's `kind` is not what its place in the store needs",
    "## What it checks\nThat `config` holds a `Cluster` and `instancegroup/<name>` an `InstanceGroup`, with `apiVersion: kops.k8s.io/v1alpha2`.\n\n## Why\nkops decodes each object as the kind its path implies; a swapped file fails to load.\n\n## Example\n```yaml\n# instancegroup/nodes\nkind: Cluster\n```\n\n## Fix\nPut each document at the path that matches its kind.\n");

pub static CODES: &[&CodeInfo] = &[
    &STORE_UNREACHABLE,
    &NO_CLUSTERS,
    &CLUSTER_NOT_FOUND,
    &NO_INSTANCE_GROUPS,
    &LEGACY_CLUSTER_SPEC,
    &UNEXPECTED_OBJECT,
    &OBJECT_TOO_LARGE,
    &SYMLINK_ESCAPE,
    &READ_FAILED,
    &YAML_SYNTAX,
    &YAML_DUPLICATE_KEY,
    &YAML_EXPANSION,
    &NOT_TEXT,
    &MULTIPLE_DOCUMENTS,
    &YAML_TOO_DEEP,
    &EMPTY_DOCUMENT,
    &UNEXPECTED_KIND,
];

pub fn store_unreachable(url: &str, err: &VfsError) -> Finding {
    if let Some(f) = crate::vfs::diags::remote_finding(err) {
        return f;
    }
    Finding::new(
        &STORE_UNREACHABLE,
        format!("cannot open state store `{url}`: {err}"),
        Location::resource(url),
    )
    .with_help("check the URL (bucket and prefix) and your credentials")
}

pub fn no_clusters(url: &str) -> Finding {
    Finding::new(&NO_CLUSTERS, format!("no cluster found in `{url}` (no `<name>/config` object)"), Location::resource(url))
        .with_help("point at the folder that contains `<cluster-name>/config`; a wrong prefix is the usual cause")
}

pub fn cluster_not_found(name: &str, url: &str, known: &[String]) -> Finding {
    let help = if known.is_empty() {
        "the store holds no cluster at all".to_string()
    } else {
        format!(
            "clusters in this store: {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Finding::new(
        &CLUSTER_NOT_FOUND,
        format!("cluster `{name}` is not in `{url}`"),
        Location::resource(format!("{url}/{name}")),
    )
    .with_cluster(name)
    .with_help(help)
}

pub fn no_instance_groups(cluster: &str, url: &str) -> Finding {
    Finding::new(
        &NO_INSTANCE_GROUPS,
        format!("cluster `{cluster}` has no instance groups under `{url}/instancegroup/`"),
        Location::resource(format!("{url}/instancegroup/")),
    )
    .with_cluster(cluster)
    .with_help(
        "copy `instancegroup/` from the original store or create the groups with `kops create ig`",
    )
}

pub fn legacy_cluster_spec(cluster: &str, url: &str) -> Finding {
    Finding::new(&LEGACY_CLUSTER_SPEC, format!("cluster `{cluster}` has only the legacy `cluster.spec`; current kops looks for `config`"), Location::resource(format!("{url}/cluster.spec")))
        .with_cluster(cluster)
        .with_help("restore `config` from a backup, or re-create it with a current kops")
}

pub fn unexpected_object(cluster: &str, url: &str) -> Finding {
    Finding::new(
        &UNEXPECTED_OBJECT,
        format!("`{url}` is not part of the kops layout"),
        Location::resource(url),
    )
    .with_cluster(cluster)
    .with_help("remove it if it is a leftover of a manual edit")
}

/// A read failure, classified by its cause.
pub fn read_failed(cluster: Option<&str>, url: &str, err: &VfsError) -> Finding {
    if let Some(f) = crate::vfs::diags::remote_finding(err) {
        return match cluster {
            Some(c) => f.with_cluster(c),
            None => f,
        };
    }
    let (info, help): (&'static CodeInfo, &str) = match err {
        VfsError::TooLarge { .. } => (
            &OBJECT_TOO_LARGE,
            "inspect the object; raise `--max-file-size` only if it is genuinely needed",
        ),
        VfsError::SymlinkEscape { .. } => (
            &SYMLINK_ESCAPE,
            "replace the link with the real file; statelint never reads outside the store",
        ),
        _ => (
            &READ_FAILED,
            "check permissions and that the object is a regular file",
        ),
    };
    let f = Finding::new(info, err.to_string(), Location::resource(url)).with_help(help);
    match cluster {
        Some(c) => f.with_cluster(c),
        None => f,
    }
}

pub fn not_text(cluster: &str, url: &str, why: &str) -> Finding {
    Finding::new(&NOT_TEXT, format!("`{url}` {why}"), Location::resource(url))
        .with_cluster(cluster)
        .with_help("re-save the document as UTF-8 text")
}

pub fn yaml_error(cluster: &str, location: Location, err: &YamlError) -> Finding {
    let (info, message, help): (&'static CodeInfo, String, &str) = match err {
        YamlError::Syntax { message, .. } => (
            &YAML_SYNTAX,
            format!("invalid YAML: {message}"),
            "fix the syntax at this position",
        ),
        YamlError::UnsupportedKey { .. } => (
            &YAML_SYNTAX,
            "a mapping key is a list or mapping, which kops cannot decode".into(),
            "use plain string keys",
        ),
        YamlError::UnknownAnchor { .. } => (
            &YAML_SYNTAX,
            "alias refers to an unknown anchor".into(),
            "define the anchor before using it",
        ),
        YamlError::DuplicateKey { key, first, .. } => (
            &YAML_DUPLICATE_KEY,
            format!(
                "duplicate key `{key}` (first defined at line {})",
                first.line
            ),
            "keep only one of the keys",
        ),
        YamlError::TooManyNodes { limit, .. } => (
            &YAML_EXPANSION,
            format!("document expands to more than {limit} nodes through aliases"),
            "remove the aliases; kops documents never need them",
        ),
        YamlError::TooDeep { limit, .. } => (
            &YAML_TOO_DEEP,
            format!("document nests deeper than {limit} levels"),
            "replace it with a real kops document",
        ),
    };
    Finding::new(info, message, location)
        .with_cluster(cluster)
        .with_help(help)
}

pub fn multiple_documents(cluster: &str, location: Location, count: usize) -> Finding {
    Finding::new(
        &MULTIPLE_DOCUMENTS,
        format!("object holds {count} YAML documents; kops reads only the first"),
        location,
    )
    .with_cluster(cluster)
    .with_help("split the documents into their own objects")
}

pub fn empty_document(cluster: &str, location: Location, what: &str) -> Finding {
    Finding::new(
        &EMPTY_DOCUMENT,
        format!("document is {what}, not a YAML mapping"),
        location,
    )
    .with_cluster(cluster)
    .with_help("restore the object from a backup or the bucket's version history")
}

pub fn unexpected_kind(
    cluster: &str,
    location: Location,
    found: &str,
    expected: &str,
    pointer: &str,
) -> Finding {
    Finding::new(
        &UNEXPECTED_KIND,
        format!("found `{found}` where `{expected}` is expected"),
        location,
    )
    .with_cluster(cluster)
    .with_pointer(pointer)
    .with_help(format!("this object must hold a `{expected}` document"))
}
