//! Conformance: real kops configurations (the shared corpus, when present) validate clean.
//!
//! `STATELINT_CORPUS` points at the corpus folder; `scripts/test.sh` sets it when the corpus
//! sits beside the repository. Without it the test says so and checks nothing.

mod common;

use std::path::{Path, PathBuf};

use statelint::document::Document;
use statelint::schema::{self, Kind};
use statelint::source::SourceDb;
use statelint::yaml::{self, Limits};

fn corpus_files() -> Option<Vec<PathBuf>> {
    let root = std::env::var_os("STATELINT_CORPUS")?;
    let dir = Path::new(&root).join("kops-integration");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "STATELINT_CORPUS is set but {} cannot be read: {e}",
                dir.display()
            )
        })
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    Some(files)
}

#[test]
fn every_corpus_document_validates_clean() {
    let Some(files) = corpus_files() else {
        common::skip_without_corpus("the kops corpus conformance test");
        return;
    };
    assert!(!files.is_empty(), "the corpus holds no YAML files");
    let sources = SourceDb::new();
    let mut failures = Vec::new();
    let mut checked = 0;
    for path in &files {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let url = format!("file://{}", path.display());
        let file = sources.add(url, text);
        let source = sources.get(file).expect("registered above");
        let docs = yaml::load(&source, Limits::default())
            .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        for d in docs {
            let kind = match d.value.get("kind").and_then(|k| k.as_str()) {
                Some("Cluster") => Kind::Cluster,
                Some("InstanceGroup") => Kind::InstanceGroup,
                _ => continue,
            };
            let doc = Document {
                file,
                source: source.clone(),
                value: d.value,
                index: d.index,
            };
            for f in schema::validate(kind, &doc, None) {
                failures.push(format!("{}: {} {}", path.display(), f.code, f.message));
            }
            checked += 1;
        }
    }
    eprintln!(
        "validated {checked} documents from {} corpus files",
        files.len()
    );
    assert!(
        checked >= files.len(),
        "expected at least one kops document per file"
    );
    assert!(
        failures.is_empty(),
        "{} findings on real kops configs:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
