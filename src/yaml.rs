//! A YAML loader that keeps positions.
//!
//! It turns `saphyr-parser` events into `serde_json::Value` documents (the data model the
//! JSON Schemas and rules work on) plus a [`PointerIndex`] mapping every JSON pointer back
//! to the key and value spans in the text. It is iterative (no recursion, so deep nesting
//! cannot overflow the stack), rejects duplicate keys, and bounds alias expansion so a
//! "billion laughs" document is an error instead of an out-of-memory.

use saphyr_parser::{Event, Parser, ScalarStyle, Span as YSpan};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;

use crate::source::{SourceFile, Span};

/// Bounds applied while loading.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Maximum nesting of sequences and mappings.
    pub max_depth: usize,
    /// Maximum number of nodes in one document, counting every alias expansion.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_depth: 200,
            max_nodes: 200_000,
        }
    }
}

/// Positions of one node: the key that names it (for mapping entries) and its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodePos {
    pub key: Option<Span>,
    pub value: Span,
}

/// JSON pointer -> position, for every node of a document.
#[derive(Debug, Clone, Default)]
pub struct PointerIndex {
    nodes: HashMap<String, NodePos>,
}

impl PointerIndex {
    pub fn get(&self, pointer: &str) -> Option<&NodePos> {
        self.nodes.get(pointer)
    }

    /// Records the position of `pointer` (used by other position-keeping loaders, such as
    /// the JSON indexer of `policy/`).
    pub fn insert(&mut self, pointer: String, pos: NodePos) {
        self.nodes.insert(pointer, pos);
    }

    /// The position of `pointer`, or of its nearest ancestor that has one.
    pub fn nearest(&self, pointer: &str) -> Option<(&str, &NodePos)> {
        let mut p = pointer;
        loop {
            if let Some((k, v)) = self.nodes.get_key_value(p) {
                return Some((k.as_str(), v));
            }
            if p.is_empty() {
                return None;
            }
            p = match p.rfind('/') {
                Some(i) => &p[..i],
                None => "",
            };
        }
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

/// One YAML document of a stream.
#[derive(Debug, Clone)]
pub struct YamlDoc {
    pub value: Value,
    pub index: PointerIndex,
    /// Where the document starts.
    pub span: Span,
}

/// Why a text could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YamlError {
    Syntax {
        message: String,
        span: Span,
    },
    DuplicateKey {
        key: String,
        span: Span,
        first: Span,
    },
    TooDeep {
        limit: usize,
        span: Span,
    },
    TooManyNodes {
        limit: usize,
        span: Span,
    },
    UnsupportedKey {
        span: Span,
    },
    UnknownAnchor {
        span: Span,
    },
}

impl YamlError {
    pub fn span(&self) -> Span {
        match self {
            YamlError::Syntax { span, .. }
            | YamlError::DuplicateKey { span, .. }
            | YamlError::TooDeep { span, .. }
            | YamlError::TooManyNodes { span, .. }
            | YamlError::UnsupportedKey { span }
            | YamlError::UnknownAnchor { span } => *span,
        }
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Loads every document of `file`.
pub fn load(file: &SourceFile, limits: Limits) -> Result<Vec<YamlDoc>, YamlError> {
    Loader::new(file, limits).run()
}

enum Frame {
    Seq {
        items: Vec<Value>,
        pointer: String,
        start: usize,
        anchor: usize,
        key: Option<Span>,
    },
    Map {
        map: Map<String, Value>,
        key_spans: HashMap<String, Span>,
        pending_key: Option<(String, Span)>,
        pointer: String,
        start: usize,
        anchor: usize,
        key: Option<Span>,
    },
}

struct Loader<'a> {
    file: &'a SourceFile,
    limits: Limits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Value, usize)>,
    index: PointerIndex,
    nodes: usize,
    docs: Vec<YamlDoc>,
    doc_start: usize,
    current: Option<Value>,
}

impl<'a> Loader<'a> {
    fn new(file: &'a SourceFile, limits: Limits) -> Loader<'a> {
        Loader {
            file,
            limits,
            stack: Vec::new(),
            anchors: HashMap::new(),
            index: PointerIndex::default(),
            nodes: 0,
            docs: Vec::new(),
            doc_start: 0,
            current: None,
        }
    }

    fn offset(&self, marker: &saphyr_parser::Marker) -> usize {
        self.file.offset_of(marker.line(), marker.col())
    }

    fn span_of(&self, s: &YSpan) -> Span {
        let start = self.offset(&s.start);
        let end = self.offset(&s.end);
        self.file.span(start, end)
    }

    fn run(mut self) -> Result<Vec<YamlDoc>, YamlError> {
        let mut parser = Parser::new_from_str(&self.file.text);
        loop {
            let (event, yspan) = match parser.next_event() {
                None => break,
                Some(Ok(pair)) => pair,
                Some(Err(e)) => {
                    let off = self.offset(e.marker());
                    if e.info().contains("recursion limit") {
                        // The parser has its own nesting bound; report it as what it is.
                        return Err(YamlError::TooDeep {
                            limit: self.limits.max_depth,
                            span: self.file.span(off, off),
                        });
                    }
                    return Err(YamlError::Syntax {
                        message: e.info().to_string(),
                        span: self.file.span(off, off),
                    });
                }
            };
            let span = self.span_of(&yspan);
            match event {
                Event::StreamStart | Event::Nothing => {}
                Event::StreamEnd => break,
                Event::DocumentStart(_) => {
                    self.doc_start = span.offset;
                    self.index = PointerIndex::default();
                    self.anchors.clear();
                    self.nodes = 0;
                    self.current = None;
                }
                Event::DocumentEnd => {
                    let value = self.current.take().unwrap_or(Value::Null);
                    let index = std::mem::take(&mut self.index);
                    let span = self.file.span(self.doc_start, self.doc_start);
                    self.docs.push(YamlDoc { value, index, span });
                }
                Event::Scalar(text, style, anchor, tag) => {
                    let tag = tag.map(|t| t.suffix.clone());
                    let value = resolve_scalar(&text, style, tag.as_deref());
                    self.leaf(value, span, anchor, 1)?;
                }
                Event::Alias(id) => {
                    let Some((value, count)) = self.anchors.get(&id).cloned() else {
                        return Err(YamlError::UnknownAnchor { span });
                    };
                    self.leaf(value, span, 0, count)?;
                }
                Event::SequenceStart(anchor, _) => {
                    let (pointer, key) = self.child_pointer(span)?;
                    self.enter(span)?;
                    self.stack.push(Frame::Seq {
                        items: Vec::new(),
                        pointer,
                        start: span.offset,
                        anchor,
                        key,
                    });
                }
                Event::MappingStart(anchor, _) => {
                    let (pointer, key) = self.child_pointer(span)?;
                    self.enter(span)?;
                    self.stack.push(Frame::Map {
                        map: Map::new(),
                        key_spans: HashMap::new(),
                        pending_key: None,
                        pointer,
                        start: span.offset,
                        anchor,
                        key,
                    });
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let Some(frame) = self.stack.pop() else {
                        continue;
                    };
                    let (value, pointer, start, anchor, key) = match frame {
                        Frame::Seq {
                            items,
                            pointer,
                            start,
                            anchor,
                            key,
                        } => (Value::Array(items), pointer, start, anchor, key),
                        Frame::Map {
                            map,
                            pointer,
                            start,
                            anchor,
                            key,
                            ..
                        } => (Value::Object(map), pointer, start, anchor, key),
                    };
                    let end = span.offset.max(start);
                    let value_span = self.file.span(start, end);
                    self.index.nodes.insert(
                        pointer,
                        NodePos {
                            key,
                            value: value_span,
                        },
                    );
                    if anchor > 0 {
                        let count = count_nodes(&value);
                        self.anchors.insert(anchor, (value.clone(), count));
                    }
                    self.attach(value, span)?;
                }
            }
        }
        Ok(self.docs)
    }

    fn enter(&mut self, span: Span) -> Result<(), YamlError> {
        self.nodes += 1;
        if self.stack.len() >= self.limits.max_depth {
            return Err(YamlError::TooDeep {
                limit: self.limits.max_depth,
                span,
            });
        }
        Ok(())
    }

    /// The pointer and key span for the node about to start under the current frame.
    fn child_pointer(&mut self, span: Span) -> Result<(String, Option<Span>), YamlError> {
        match self.stack.last() {
            None => Ok((String::new(), None)),
            Some(Frame::Seq { items, pointer, .. }) => {
                Ok((format!("{pointer}/{}", items.len()), None))
            }
            Some(Frame::Map {
                pending_key: Some((k, ks)),
                pointer,
                ..
            }) => Ok((format!("{pointer}/{}", escape_pointer_token(k)), Some(*ks))),
            // A collection used as a mapping key.
            Some(Frame::Map {
                pending_key: None, ..
            }) => Err(YamlError::UnsupportedKey { span }),
        }
    }

    /// A scalar or an alias: either a mapping key, or a finished value.
    fn leaf(
        &mut self,
        value: Value,
        span: Span,
        anchor: usize,
        count: usize,
    ) -> Result<(), YamlError> {
        self.nodes += count;
        if self.nodes > self.limits.max_nodes {
            return Err(YamlError::TooManyNodes {
                limit: self.limits.max_nodes,
                span,
            });
        }
        if let Some(Frame::Map {
            pending_key: pending @ None,
            key_spans,
            ..
        }) = self.stack.last_mut()
        {
            let key = match value {
                Value::String(s) => s,
                Value::Null => "null".to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Number(n) => n.to_string(),
                _ => return Err(YamlError::UnsupportedKey { span }),
            };
            if let Some(first) = key_spans.get(&key) {
                return Err(YamlError::DuplicateKey {
                    key,
                    span,
                    first: *first,
                });
            }
            key_spans.insert(key.clone(), span);
            *pending = Some((key, span));
            return Ok(());
        }
        let (pointer, key) = self.child_pointer(span)?;
        self.index
            .nodes
            .insert(pointer, NodePos { key, value: span });
        if anchor > 0 {
            self.anchors.insert(anchor, (value.clone(), 1));
        }
        self.attach(value, span)
    }

    /// Puts a finished value into its parent (or makes it the document root).
    fn attach(&mut self, value: Value, span: Span) -> Result<(), YamlError> {
        match self.stack.last_mut() {
            None => {
                self.current = Some(value);
                Ok(())
            }
            Some(Frame::Seq { items, .. }) => {
                items.push(value);
                Ok(())
            }
            Some(Frame::Map {
                map, pending_key, ..
            }) => match pending_key.take() {
                Some((k, _)) => {
                    map.insert(k, value);
                    Ok(())
                }
                None => Err(YamlError::UnsupportedKey { span }),
            },
        }
    }
}

fn count_nodes(value: &Value) -> usize {
    // Iterative so a deep value cannot overflow the stack.
    let mut count = 0;
    let mut todo = vec![value];
    while let Some(v) = todo.pop() {
        count += 1;
        match v {
            Value::Array(items) => todo.extend(items.iter()),
            Value::Object(map) => todo.extend(map.values()),
            _ => {}
        }
    }
    count
}

/// Resolves a scalar with the YAML 1.2 core schema (what Kubernetes tooling expects).
fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> Value {
    match tag {
        Some("str") => return Value::String(text.to_string()),
        Some("int") | Some("float") | Some("bool") | Some("null") => {}
        Some(_) => return Value::String(text.to_string()),
        None => {}
    }
    if style != ScalarStyle::Plain {
        return Value::String(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::String(text.to_string())
        }
        _ => {}
    }
    if let Some(n) = parse_int(text) {
        return Value::Number(n);
    }
    if looks_like_float(text) {
        if let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
            return Value::Number(n);
        }
    }
    Value::String(text.to_string())
}

fn parse_int(text: &str) -> Option<Number> {
    let (neg, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let parsed = if let Some(hex) = digits.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()
    } else if let Some(oct) = digits.strip_prefix("0o") {
        i64::from_str_radix(oct, 8).ok()
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse::<i64>().ok()
    } else {
        None
    }?;
    Some(Number::from(if neg { -parsed } else { parsed }))
}

fn looks_like_float(text: &str) -> bool {
    let t = text.trim_start_matches(['-', '+']);
    !t.is_empty()
        && t.bytes().any(|b| b.is_ascii_digit())
        && t.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && (t.contains('.') || t.contains('e') || t.contains('E'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(text: &str) -> Result<Vec<YamlDoc>, YamlError> {
        load(&SourceFile::new("file:///t.yaml", text), Limits::default())
    }

    #[test]
    fn maps_pointers_to_positions() {
        let docs =
            load_str("kind: Cluster\nspec:\n  subnets:\n  - name: a\n    cidr: 10.0.0.0/24\n")
                .expect("valid yaml");
        assert_eq!(docs.len(), 1);
        let pos = docs[0].index.get("/spec/subnets/0/cidr").expect("indexed");
        assert_eq!((pos.value.line, pos.value.column), (5, 11));
        let key = pos.key.expect("has key");
        assert_eq!((key.line, key.column), (5, 5));
        assert_eq!(docs[0].value["spec"]["subnets"][0]["name"], "a");
    }

    #[test]
    fn resolves_core_schema_scalars() {
        let docs = load_str("a: 1\nb: true\nc: '1'\nd: ~\ne: 1.5\nf: 0x10\ng: v1.30.0\nh: 012\n")
            .expect("valid yaml");
        let v = &docs[0].value;
        assert_eq!(v["a"], 1);
        assert_eq!(v["b"], true);
        assert_eq!(v["c"], "1");
        assert!(v["d"].is_null());
        assert_eq!(v["e"], 1.5);
        assert_eq!(v["f"], 16);
        assert_eq!(v["g"], "v1.30.0");
        assert_eq!(v["h"], 12);
    }

    #[test]
    fn rejects_duplicate_keys_with_both_positions() {
        let err = load_str("a: 1\nb: 2\na: 3\n").expect_err("duplicate");
        match err {
            YamlError::DuplicateKey { key, span, first } => {
                assert_eq!(key, "a");
                assert_eq!(span.line, 3);
                assert_eq!(first.line, 1);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn stops_billion_laughs() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = (b'a' + i - 1) as char;
            let cur = (b'a' + i) as char;
            text.push_str(&format!(
                "{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let err = load_str(&text).expect_err("bomb");
        assert!(matches!(err, YamlError::TooManyNodes { .. }), "{err:?}");
    }

    #[test]
    fn stops_deep_nesting_without_overflowing() {
        let text = "[".repeat(10_000) + &"]".repeat(10_000);
        let err = load_str(&text).expect_err("too deep");
        assert!(matches!(err, YamlError::TooDeep { .. }), "{err:?}");
    }

    #[test]
    fn keeps_every_document_of_a_stream() {
        let docs = load_str("a: 1\n---\nb: 2\n").expect("valid");
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].value["b"], 2);
    }

    #[test]
    fn aliases_expand_small_values() {
        let docs = load_str("base: &b {x: 1}\nother: *b\n").expect("valid");
        assert_eq!(docs[0].value["other"]["x"], 1);
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let err = load_str("a: [1, 2\nb: 3\n").expect_err("bad");
        assert!(matches!(err, YamlError::Syntax { .. }));
        assert!(err.span().line >= 1);
    }
}
