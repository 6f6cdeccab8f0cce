//! JSON Schema validation of Cluster and InstanceGroup documents (SL100).
use crate::codes::CodeInfo;

pub static CODES: &[&CodeInfo] = &[];
