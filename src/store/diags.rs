//! Codes and typed constructors for store layout and document loading (SL01x-SL03x).
use crate::codes::CodeInfo;

pub static CODES: &[&CodeInfo] = &[];
