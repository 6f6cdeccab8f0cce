//! YAML loading and schema validation never panic, whatever the bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use statelint::document::Document;
use statelint::schema::{self, Kind};
use statelint::source::SourceDb;
use statelint::yaml::{self, Limits};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let sources = SourceDb::new();
    let id = sources.add("file:///fuzz/config", text);
    let Some(file) = sources.get(id) else { return };
    let Ok(docs) = yaml::load(&file, Limits::default()) else { return };
    for d in docs {
        let doc = Document { file: id, source: file.clone(), value: d.value, index: d.index };
        let _ = schema::validate(Kind::Cluster, &doc, Some("fuzz"));
        let _ = schema::validate(Kind::InstanceGroup, &doc, Some("fuzz"));
    }
});
