//! Codes and typed constructors for store resolution (SL00x).
use crate::codes::CodeInfo;

pub static CODES: &[&CodeInfo] = &[];
