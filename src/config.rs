//! `.statelint.yaml`: severity overrides and suppressions (SL9xx).
use crate::codes::CodeInfo;

pub static CODES: &[&CodeInfo] = &[];
