//! The source database: every text file statelint loaded, with line indexes so that
//! byte offsets, YAML markers and JSON pointers all map back to `line:col`.

use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Index of a file inside a [`SourceDb`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A region of a file. Lines and columns are 1-based; columns count characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Span {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// Byte offset of the start, for snippet renderers.
    pub offset: usize,
    /// Length in bytes.
    pub length: usize,
}

/// One loaded text with its line starts.
#[derive(Debug)]
pub struct SourceFile {
    pub url: String,
    pub text: String,
    line_starts: Vec<usize>,
    /// Lines holding only ASCII, where a column is a byte distance (minified JSON policies
    /// are one long line: counting characters there for every node would be quadratic).
    ascii_lines: Vec<bool>,
}

impl SourceFile {
    pub fn new(url: impl Into<String>, text: impl Into<String>) -> SourceFile {
        let text = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let ascii_lines = line_starts
            .iter()
            .enumerate()
            .map(|(i, &start)| {
                let end = line_starts.get(i + 1).copied().unwrap_or(text.len());
                text.as_bytes()[start..end].is_ascii()
            })
            .collect();
        SourceFile {
            url: url.into(),
            text,
            line_starts,
            ascii_lines,
        }
    }

    /// Byte offset of a 1-based line and a 0-based character column (clamped to the text).
    pub fn offset_of(&self, line: usize, char_col: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        let within = rest
            .char_indices()
            .nth(char_col)
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        start + within
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line_idx = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts[line_idx];
        let col = if self.ascii_lines.get(line_idx).copied().unwrap_or(false) {
            offset - start
        } else {
            self.text
                .get(start..offset)
                .map(|s| s.chars().count())
                .unwrap_or(0)
        };
        (line_idx + 1, col + 1)
    }

    /// A span covering the byte range `start..end`.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let end = end.max(start).min(self.text.len());
        let start = start.min(end);
        let (line, column) = self.line_col(start);
        let (end_line, end_column) = self.line_col(end);
        Span {
            line,
            column,
            end_line,
            end_column,
            offset: start,
            length: end - start,
        }
    }

    /// A span for the whole first line (used when nothing more precise is known).
    pub fn first_line(&self) -> Span {
        let end = self.text.find('\n').unwrap_or(self.text.len());
        self.span(0, end)
    }
}

/// Shared, append-only store of loaded files. Cheap to clone; safe across threads.
#[derive(Debug, Clone, Default)]
pub struct SourceDb {
    inner: Arc<RwLock<Inner>>,
}

#[derive(Debug, Default)]
struct Inner {
    files: Vec<Arc<SourceFile>>,
    by_url: HashMap<String, FileId>,
}

impl SourceDb {
    pub fn new() -> SourceDb {
        SourceDb::default()
    }

    /// Registers a file (or returns the id it already has).
    pub fn add(&self, url: impl Into<String>, text: impl Into<String>) -> FileId {
        let file = SourceFile::new(url, text);
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        if let Some(id) = inner.by_url.get(&file.url) {
            return *id;
        }
        let id = FileId(inner.files.len() as u32);
        inner.by_url.insert(file.url.clone(), id);
        inner.files.push(Arc::new(file));
        id
    }

    pub fn get(&self, id: FileId) -> Option<Arc<SourceFile>> {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        inner.files.get(id.0 as usize).cloned()
    }

    pub fn by_url(&self, url: &str) -> Option<Arc<SourceFile>> {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        let id = inner.by_url.get(url)?;
        inner.files.get(id.0 as usize).cloned()
    }

    pub fn len(&self) -> usize {
        self.inner.read().map(|i| i.files.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_on_non_ascii_lines_and_bytes_on_ascii_ones() {
        let f = SourceFile::new("u", "abc\nh\u{e9}llo: x\n");
        assert_eq!(f.line_col(2), (1, 3));
        // `é` is two bytes, one character.
        let x = f.text.find('x').expect("x");
        assert_eq!(f.line_col(x), (2, 8));
        let long = "a".repeat(100_000);
        let f = SourceFile::new("u", long.as_str());
        assert_eq!(f.line_col(99_999), (1, 100_000));
    }

    #[test]
    fn maps_offsets_to_lines_and_back() {
        let f = SourceFile::new("file:///x", "a: 1\nbé: 2\n");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(5), (2, 1));
        // `:` after the two-character key `bé` (3 bytes).
        let off = f.offset_of(2, 2);
        assert_eq!(&f.text[off..off + 1], ":");
        assert_eq!(f.line_col(off), (2, 3));
    }

    #[test]
    fn registering_twice_returns_same_id() {
        let db = SourceDb::new();
        let a = db.add("u", "x");
        let b = db.add("u", "y");
        assert_eq!(a, b);
        assert_eq!(db.get(a).map(|f| f.text.clone()).as_deref(), Some("x"));
    }
}
