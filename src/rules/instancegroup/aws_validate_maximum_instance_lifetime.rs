//! SL189: a `maxInstanceLifetime` AWS refuses. Mirrors kops's
//! `awsValidateMaximumInstanceLifetime` (`aws.go`): zero, or at least one day.

use crate::findings::{code, Finding};
use crate::rules::{ClusterContext, InstanceGroup};

use super::{finding, GroupRule};

code!(
    INFO,
    "SL189",
    "max-instance-lifetime",
    Error,
    "an instance group's `maxInstanceLifetime` is not a duration, or is between zero and one day"
);

/// AWS's minimum maximum instance lifetime, in seconds.
pub const MIN_SECONDS: f64 = 86_400.0;

pub static RULE: GroupRule = GroupRule {
    info: &INFO,
    aws_only: true,
    check,
};

/// Seconds in a Go duration string (`24h`, `1h30m`, `90s`, `1.5h`, `0`), as
/// `time.ParseDuration` reads it; `None` when Go would refuse it.
pub fn go_duration_seconds(s: &str) -> Option<f64> {
    let (sign, mut rest) = match s.strip_prefix('-') {
        Some(r) => (-1.0, r),
        None => (1.0, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest == "0" {
        return Some(0.0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..number_len];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return None;
        }
        let value: f64 = number.parse().ok()?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += value * scale;
        rest = &rest[unit_len..];
    }
    Some(sign * total)
}

fn check(_cx: &ClusterContext<'_>, ig: &InstanceGroup, out: &mut Vec<Finding>) {
    let pointer = "/spec/maxInstanceLifetime";
    let Some(v) = ig.doc.get(pointer) else {
        return;
    };
    let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
    match v.as_str().and_then(go_duration_seconds) {
        None => out.push(finding(
            &INFO,
            ig,
            pointer,
            format_args!("has `maxInstanceLifetime: {text}`, which is not a duration"),
            "write a duration such as `168h` (units: h, m, s)",
        )),
        // kops truncates to whole seconds before comparing.
        Some(secs) if secs.trunc() != 0.0 && secs.trunc() < MIN_SECONDS => out.push(finding(
            &INFO,
            ig,
            pointer,
            format_args!("has `maxInstanceLifetime: {text}`, shorter than one day"),
            "use `0` (no limit) or at least `24h`",
        )),
        Some(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::go_duration_seconds as d;

    #[test]
    fn parses_go_durations() {
        assert_eq!(d("24h"), Some(86_400.0));
        assert_eq!(d("1h30m"), Some(5_400.0));
        assert_eq!(d("1.5h"), Some(5_400.0));
        assert_eq!(d("0"), Some(0.0));
        assert_eq!(d("0s"), Some(0.0));
        assert_eq!(d("-2h"), Some(-7_200.0));
        for bad in ["", "24", "1d", "h", "1..5h", "abc"] {
            assert_eq!(d(bad), None, "{bad}");
        }
    }
}
