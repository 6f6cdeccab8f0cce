//! Codes of the request scheduler (SL080-SL089).

use super::schedule::ReadStats;
use crate::findings::{code, CodeInfo, Finding, Location};

code!(
    STORE_THROTTLED,
    "SL080",
    "store-throttled",
    Note,
    "the store throttled reads, so statelint lowered the number of requests in flight"
);

pub static CODES: &[&CodeInfo] = &[&STORE_THROTTLED];

/// The store at `url` answered some reads with throttling (503 SlowDown, 429) and the run
/// went on with fewer requests in flight.
pub fn throttled(url: &str, stats: &ReadStats) -> Finding {
    Finding::new(
        &STORE_THROTTLED,
        format!(
            "`{url}` throttled {} read(s); statelint went down from {} to {} requests in flight and retried them",
            stats.throttled, stats.max_requests, stats.lowest_window
        ),
        Location::resource(url.to_string()),
    )
    .with_help(format!(
        "pass `--max-requests {}` to stay under the store's request rate, or ask the provider for a higher one",
        stats.lowest_window.max(1)
    ))
}
