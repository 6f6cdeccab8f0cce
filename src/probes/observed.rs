//! What a check already asked the store in this run, handed to the probes so they do not
//! ask again: the listing of the store and each cluster's read of its `config`. These are
//! answers the server gave a moment ago to the same caller through the same backend, so a
//! probe built from them reports exactly what the store said; nothing is assumed.

use std::collections::HashMap;
use std::sync::Arc;

use crate::vfs::{ObjectMeta, VfsError};

/// Answers already received from the store.
#[derive(Debug, Default)]
pub struct Observed {
    /// The listing of the whole store (a `list` probe of the store root).
    pub listing: Option<Vec<ObjectMeta>>,
    /// Cluster name -> how the read of its `config` went (a `read` probe of that object).
    pub config_reads: HashMap<String, Result<(), Arc<VfsError>>>,
}

impl Observed {
    /// The answer to reading `cluster`'s `config`, when it was read.
    pub fn config_read(&self, cluster: &str) -> Option<Result<(), &VfsError>> {
        self.config_reads
            .get(cluster)
            .map(|r| r.as_ref().map(|_| ()).map_err(|e| &**e))
    }
}
