//! A small JSON reader that keeps positions.
//!
//! It builds the same `serde_json::Value` that `serde_json` would, plus a
//! [`PointerIndex`] giving the key and value spans of every node by JSON pointer, so that
//! findings about a policy (a statement, a principal, one action) point at its text.
//! Strict RFC 8259 (no comments, no trailing commas), nesting bounded by [`MAX_DEPTH`].
//! Duplicate object keys are kept as `serde_json` keeps them (the last one wins) and
//! listed in [`Indexed::duplicates`] so a linter can report them.

use serde_json::{Map, Number, Value};
use std::str::FromStr;

use crate::source::{SourceFile, Span};
use crate::yaml::{escape_pointer_token, NodePos, PointerIndex};

/// Deepest nesting accepted; IAM documents nest four or five levels.
pub const MAX_DEPTH: usize = 64;

/// A parsed JSON text with the position of every node.
#[derive(Debug, Clone)]
pub struct Indexed {
    pub value: Value,
    pub index: PointerIndex,
    /// Keys that appear twice in one object: pointer of the later key and both key spans.
    pub duplicates: Vec<DuplicateKey>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    pub pointer: String,
    pub first: Span,
    pub second: Span,
}

/// Why a text is not JSON, with the span of the offending character or token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonSyntaxError {
    pub message: String,
    pub span: Span,
}

/// Parses `file.text` as one JSON value.
pub fn index(file: &SourceFile) -> Result<Indexed, JsonSyntaxError> {
    let mut reader = Reader {
        file,
        bytes: file.text.as_bytes(),
        pos: 0,
        index: PointerIndex::default(),
        duplicates: Vec::new(),
    };
    // A byte-order mark is tolerated: editors on Windows add one.
    if file.text.starts_with('\u{feff}') {
        reader.pos = 3;
    }
    reader.skip_ws();
    if reader.pos >= reader.bytes.len() {
        return Err(reader.error_at(reader.pos, "the document is empty; expected a JSON object"));
    }
    let value = reader.value(String::new(), None, 0)?;
    reader.skip_ws();
    if reader.pos < reader.bytes.len() {
        return Err(reader.error_at(
            reader.pos,
            "unexpected text after the end of the JSON value",
        ));
    }
    Ok(Indexed {
        value,
        index: reader.index,
        duplicates: reader.duplicates,
    })
}

struct Reader<'a> {
    file: &'a SourceFile,
    bytes: &'a [u8],
    pos: usize,
    index: PointerIndex,
    duplicates: Vec<DuplicateKey>,
}

impl Reader<'_> {
    fn error_at(&self, offset: usize, message: impl Into<String>) -> JsonSyntaxError {
        let start = offset.min(self.bytes.len());
        // Cover one whole character (or nothing at the end of the text).
        let end = self.file.text[start..]
            .chars()
            .next()
            .map(|c| start + c.len_utf8())
            .unwrap_or(start);
        JsonSyntaxError {
            message: message.into(),
            span: self.file.span(start, end),
        }
    }

    fn unexpected(&self, expected: &str) -> JsonSyntaxError {
        match self
            .file
            .text
            .get(self.pos..)
            .and_then(|r| r.chars().next())
        {
            Some(c) => self.error_at(self.pos, format!("expected {expected}, found `{c}`")),
            None => self.error_at(
                self.pos,
                format!("expected {expected}, found the end of the text"),
            ),
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Reads one value starting at the current (non-space) position and records its span.
    fn value(
        &mut self,
        pointer: String,
        key: Option<Span>,
        depth: usize,
    ) -> Result<Value, JsonSyntaxError> {
        let start = self.pos;
        let value = match self.peek() {
            Some(b'{') => {
                if depth >= MAX_DEPTH {
                    return Err(self.error_at(
                        start,
                        format!("the document nests deeper than {MAX_DEPTH} levels"),
                    ));
                }
                self.object(&pointer, depth)?
            }
            Some(b'[') => {
                if depth >= MAX_DEPTH {
                    return Err(self.error_at(
                        start,
                        format!("the document nests deeper than {MAX_DEPTH} levels"),
                    ));
                }
                self.array(&pointer, depth)?
            }
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            _ => return Err(self.unexpected("a JSON value")),
        };
        let span = self.file.span(start, self.pos);
        self.index.insert(pointer, NodePos { key, value: span });
        Ok(value)
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, JsonSyntaxError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.unexpected("a JSON value"))
        }
    }

    fn object(&mut self, pointer: &str, depth: usize) -> Result<Value, JsonSyntaxError> {
        self.pos += 1; // `{`
        let mut map = Map::new();
        let mut key_spans: Vec<(String, Span)> = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(map));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.unexpected("a string key in double quotes"));
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = self.file.span(key_start, self.pos);
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.unexpected("`:` after the key"));
            }
            self.pos += 1;
            self.skip_ws();
            let child = format!("{pointer}/{}", escape_pointer_token(&key));
            if let Some((_, first)) = key_spans.iter().find(|(k, _)| *k == key) {
                self.duplicates.push(DuplicateKey {
                    pointer: child.clone(),
                    first: *first,
                    second: key_span,
                });
            }
            key_spans.push((key.clone(), key_span));
            let value = self.value(child, Some(key_span), depth + 1)?;
            map.insert(key, value);
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        return Err(self.error_at(
                            self.pos,
                            "trailing comma before `}` is not allowed in JSON",
                        ));
                    }
                }
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(map));
                }
                _ => return Err(self.unexpected("`,` or `}`")),
            }
        }
    }

    fn array(&mut self, pointer: &str, depth: usize) -> Result<Value, JsonSyntaxError> {
        self.pos += 1; // `[`
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            let child = format!("{pointer}/{}", items.len());
            items.push(self.value(child, None, depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        return Err(self.error_at(
                            self.pos,
                            "trailing comma before `]` is not allowed in JSON",
                        ));
                    }
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.unexpected("`,` or `]`")),
            }
        }
    }

    /// Reads a string literal (the current byte is the opening quote).
    fn string(&mut self) -> Result<String, JsonSyntaxError> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // The text is a `str` and we only stop on ASCII bytes, so this slice is valid.
            out.push_str(&self.file.text[run_start..self.pos]);
            match self.peek() {
                None => {
                    return Err(self.error_at(open, "string is not closed by a `\"`"));
                }
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let esc = self.pos;
                    self.pos += 1;
                    let c = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let c = self.unicode_escape(esc)?;
                            out.push(c);
                            continue;
                        }
                        _ => return Err(self.error_at(esc, "invalid escape sequence in string")),
                    };
                    self.pos += 1;
                    out.push(c);
                }
                Some(_) => {
                    return Err(self.error_at(
                        self.pos,
                        "control character inside a string (escape it, e.g. `\\n`)",
                    ))
                }
            }
        }
    }

    fn hex4(&mut self, esc: usize) -> Result<u32, JsonSyntaxError> {
        let digits = self
            .file
            .text
            .get(self.pos..self.pos + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error_at(esc, "`\\u` must be followed by four hex digits"))?;
        let v = u32::from_str_radix(digits, 16)
            .map_err(|_| self.error_at(esc, "`\\u` must be followed by four hex digits"))?;
        self.pos += 4;
        Ok(v)
    }

    /// After `\u`: four hex digits, joining a surrogate pair when there is one.
    fn unicode_escape(&mut self, esc: usize) -> Result<char, JsonSyntaxError> {
        let hi = self.hex4(esc)?;
        let code = if (0xD800..0xDC00).contains(&hi) {
            if !self.bytes[self.pos..].starts_with(b"\\u") {
                return Err(self.error_at(esc, "unpaired UTF-16 surrogate in `\\u` escape"));
            }
            self.pos += 2;
            let lo = self.hex4(esc)?;
            if !(0xDC00..0xE000).contains(&lo) {
                return Err(self.error_at(esc, "unpaired UTF-16 surrogate in `\\u` escape"));
            }
            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
        } else {
            hi
        };
        char::from_u32(code)
            .ok_or_else(|| self.error_at(esc, "unpaired UTF-16 surrogate in `\\u` escape"))
    }

    fn number(&mut self) -> Result<Value, JsonSyntaxError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.unexpected("a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.unexpected("a digit after `.`"));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.unexpected("a digit in the exponent"));
            }
            self.digits();
        }
        let text = &self.file.text[start..self.pos];
        Number::from_str(text)
            .map(Value::Number)
            .map_err(|_| self.error_at(start, format!("number `{text}` is out of range")))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idx(text: &str) -> Result<Indexed, JsonSyntaxError> {
        index(&SourceFile::new("mem:///p.json", text))
    }

    #[test]
    fn values_match_serde_json() {
        let text = r#"{"a": [1, -2.5e3, true, null, "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", 1E+2, 1e-2], "b": {}, "c": []}"#;
        let ours = idx(text).map(|i| i.value).ok();
        let theirs: Option<Value> = serde_json::from_str(text).ok();
        assert!(ours.is_some());
        assert_eq!(ours, theirs);
    }

    #[test]
    fn records_key_and_value_spans_by_pointer() {
        let text = "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\"}\n  ]\n}";
        let Ok(i) = idx(text) else {
            panic!("parse failed")
        };
        let effect = i.index.get("/Statement/0/Effect").copied();
        let Some(effect) = effect else {
            panic!("no effect")
        };
        assert_eq!((effect.value.line, effect.value.column), (3, 16));
        assert_eq!(effect.key.map(|k| (k.line, k.column)), Some((3, 6)));
        let stmt = i
            .index
            .get("/Statement/0")
            .map(|p| (p.value.line, p.value.column));
        assert_eq!(stmt, Some((3, 5)));
        assert!(i.index.get("").is_some());
    }

    #[test]
    fn escapes_pointer_tokens() {
        let Ok(i) = idx(r#"{"a/b": {"c~d": 1}}"#) else {
            panic!("parse failed")
        };
        assert!(i.index.get("/a~1b/c~0d").is_some());
    }

    #[test]
    fn reports_errors_at_line_and_column() {
        let cases: &[(&str, (usize, usize), &str)] = &[
            ("{\n  \"a\": 1,\n}", (3, 1), "trailing comma"),
            ("{\n  \"a\" 1\n}", (2, 7), "expected `:`"),
            ("[1, 2", (1, 6), "end of the text"),
            ("{\"a\": tru}", (1, 7), "expected a JSON value"),
            ("{\"a\": \"x}", (1, 7), "not closed"),
            ("", (1, 1), "empty"),
            ("{} {}", (1, 4), "after the end"),
            ("{'a': 1}", (1, 2), "double quotes"),
            ("[01]", (1, 3), "expected `,` or `]`"),
            ("{\"a\": \u{e9}}", (1, 7), "expected a JSON value"),
        ];
        for (text, (line, col), needle) in cases {
            match idx(text) {
                Ok(_) => panic!("{text:?} parsed"),
                Err(e) => {
                    assert_eq!(
                        (e.span.line, e.span.column),
                        (*line, *col),
                        "{text:?}: {e:?}"
                    );
                    assert!(e.message.contains(needle), "{text:?}: {}", e.message);
                    // The span covers the whole offending character (none at the end).
                    let char_len = text[e.span.offset..]
                        .chars()
                        .next()
                        .map_or(0, char::len_utf8);
                    assert_eq!(e.span.length, char_len, "{text:?}: {e:?}");
                }
            }
        }
    }

    #[test]
    fn bounds_depth_and_lists_duplicates() {
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(idx(&deep).is_err_and(|e| e.message.contains("deeper")));
        let deep_objects = format!("{}1{}", r#"{"a": "#.repeat(100), "}".repeat(100));
        assert!(idx(&deep_objects).is_err_and(|e| e.message.contains("deeper")));
        let Ok(i) = idx("{\"a\": 1,\n \"a\": 2}") else {
            panic!("parse failed")
        };
        assert_eq!(i.value["a"], Value::from(2));
        assert_eq!(i.duplicates.len(), 1);
        assert_eq!(i.duplicates[0].pointer, "/a");
        assert_eq!(i.duplicates[0].second.line, 2);
    }
}
