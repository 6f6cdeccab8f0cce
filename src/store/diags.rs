//! Codes and typed constructors for store layout and document loading (SL010-SL029).

use crate::findings::{code, CodeInfo, Finding, Location};
use crate::vfs::VfsError;
use crate::yaml::YamlError;

code!(
    STORE_UNREACHABLE,
    "SL010",
    "store-unreachable",
    Error,
    "the state store cannot be opened or listed"
);
code!(
    NO_CLUSTERS,
    "SL011",
    "no-clusters",
    Error,
    "no cluster was checked: the store holds no `<name>/config` object"
);
code!(
    CLUSTER_NOT_FOUND,
    "SL012",
    "cluster-not-found",
    Error,
    "a cluster named with `--cluster` is not in the store"
);
code!(
    NO_INSTANCE_GROUPS,
    "SL013",
    "no-instance-groups",
    Error,
    "a cluster has no `instancegroup/` objects"
);
code!(
    LEGACY_CLUSTER_SPEC,
    "SL014",
    "legacy-cluster-spec",
    Warning,
    "a cluster has only the legacy `cluster.spec` and no `config`"
);
code!(
    UNEXPECTED_OBJECT,
    "SL015",
    "unexpected-object",
    Note,
    "an object in a cluster folder that is not part of the kops layout"
);
code!(
    OBJECT_TOO_LARGE,
    "SL016",
    "object-too-large",
    Error,
    "an object is larger than the read limit"
);
code!(
    SYMLINK_ESCAPE,
    "SL017",
    "symlink-escape",
    Error,
    "a local store contains a symbolic link that leads outside the store"
);
code!(
    READ_FAILED,
    "SL018",
    "read-failed",
    Error,
    "an object could not be read"
);
code!(
    YAML_SYNTAX,
    "SL020",
    "yaml-syntax",
    Error,
    "a document is not valid YAML"
);
code!(
    YAML_DUPLICATE_KEY,
    "SL021",
    "yaml-duplicate-key",
    Error,
    "a mapping has the same key twice"
);
code!(
    YAML_EXPANSION,
    "SL022",
    "yaml-expansion-limit",
    Error,
    "a document expands to too many nodes (alias bomb)"
);
code!(
    NOT_TEXT,
    "SL023",
    "not-text",
    Error,
    "a document is not UTF-8 text, or contains NUL bytes"
);
code!(
    MULTIPLE_DOCUMENTS,
    "SL024",
    "multiple-documents",
    Error,
    "a store object holds more than one YAML document"
);
code!(
    YAML_TOO_DEEP,
    "SL025",
    "yaml-too-deep",
    Error,
    "a document nests deeper than the limit"
);
code!(
    EMPTY_DOCUMENT,
    "SL026",
    "empty-document",
    Error,
    "a store object is empty or holds no YAML mapping"
);
code!(
    UNEXPECTED_KIND,
    "SL027",
    "unexpected-kind",
    Error,
    "a document's `kind` is not what its place in the store needs"
);

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

/// No cluster in the store; `help` says what to run instead (see [`super::hint`]).
pub fn no_clusters(url: &str, why: &str, help: String) -> Finding {
    Finding::new(
        &NO_CLUSTERS,
        format!("no cluster checked in `{url}`: {why}"),
        Location::resource(url),
    )
    .with_help(help)
}

/// How many cluster names a "not found" message offers.
const NEAREST_CLUSTERS: usize = 3;

pub fn cluster_not_found(name: &str, url: &str, known: &[String]) -> Finding {
    let names = known.iter().map(String::as_str);
    let help = if known.is_empty() {
        "the store holds no cluster at all".to_string()
    } else if let Some(best) = crate::suggest::did_you_mean(name, names.clone()) {
        format!("did you mean `{best}`?")
    } else {
        let nearest: Vec<String> = crate::suggest::nearest(name, names, NEAREST_CLUSTERS)
            .into_iter()
            .map(|k| format!("`{k}`"))
            .collect();
        let more = known.len().saturating_sub(nearest.len());
        let tail = if more > 0 {
            format!(" and {more} more (`statelint check` without `--cluster` checks them all)")
        } else {
            String::new()
        };
        format!(
            "the nearest clusters in this store: {}{tail}",
            nearest.join(", ")
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

#[cfg(test)]
mod tests {
    use super::*;

    fn help(name: &str, known: &[&str]) -> String {
        let known: Vec<String> = known.iter().map(|k| k.to_string()).collect();
        cluster_not_found(name, "s3://b/kops", &known)
            .help
            .unwrap_or_default()
    }

    #[test]
    fn an_unknown_cluster_gets_the_likely_name_or_the_nearest_few() {
        let many = [
            "prod.example.com",
            "dev.example.com",
            "staging.example.com",
            "a.other.org",
            "b.other.org",
        ];
        assert_eq!(
            help("prod.exmaple.com", &many),
            "did you mean `prod.example.com`?"
        );
        let far = help("qa.internal", &many);
        assert!(
            far.starts_with("the nearest clusters in this store: "),
            "{far}"
        );
        let listed = far.matches(".org`").count() + far.matches(".com`").count();
        assert_eq!(listed, 3, "three names, not the full list: {far}");
        assert!(far.contains("and 2 more"), "{far}");
        assert_eq!(help("x", &[]), "the store holds no cluster at all");
    }
}
