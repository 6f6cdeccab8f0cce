//! A loaded YAML document with the file it came from, so any JSON pointer can be turned
//! into a precise [`Location`].

use serde_json::Value;
use std::sync::Arc;

use crate::findings::Location;
use crate::source::{FileId, SourceFile, Span};
use crate::yaml::PointerIndex;

#[derive(Debug, Clone)]
pub struct Document {
    pub file: FileId,
    pub source: Arc<SourceFile>,
    pub value: Value,
    pub index: PointerIndex,
}

impl Document {
    /// The (redacted) URL of the file this document came from.
    pub fn url(&self) -> &str {
        &self.source.url
    }

    /// The value at a JSON pointer, if present.
    pub fn get(&self, pointer: &str) -> Option<&Value> {
        self.value.pointer(pointer)
    }

    /// The string at a JSON pointer, if present and a string.
    pub fn str_at(&self, pointer: &str) -> Option<&str> {
        self.get(pointer).and_then(Value::as_str)
    }

    /// Span of the value at `pointer`, or of the nearest ancestor that exists.
    pub fn span(&self, pointer: &str) -> Span {
        self.index
            .nearest(pointer)
            .map(|(_, pos)| pos.value)
            .unwrap_or_else(|| self.source.first_line())
    }

    /// Span of the key naming `pointer` (falls back to the value, then to ancestors).
    pub fn key_span(&self, pointer: &str) -> Span {
        self.index
            .nearest(pointer)
            .map(|(_, pos)| pos.key.unwrap_or(pos.value))
            .unwrap_or_else(|| self.source.first_line())
    }

    /// A location at the value of `pointer`.
    pub fn location(&self, pointer: &str) -> Location {
        self.location_of(self.span(pointer))
    }

    /// A location at the key of `pointer` (for "this field should not be here" findings).
    pub fn key_location(&self, pointer: &str) -> Location {
        self.location_of(self.key_span(pointer))
    }

    fn location_of(&self, span: Span) -> Location {
        Location::File {
            file: self.file,
            url: self.source.url.clone(),
            span,
        }
    }
}
