//! Go's `time.ParseDuration`, which kops uses for every duration field (`24h`, `1m30s`,
//! `300ms`): one reader shared by the rules that check such fields.

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
        // Digits and dots only, so Rust's float syntax is Go's here: `1.`, `.5` and `1.5`
        // parse; an empty number, `.` and `1..5` do not.
        let value: f64 = rest[..number_len].parse().ok()?;
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

#[cfg(test)]
mod tests {
    use super::go_duration_seconds as d;

    #[test]
    fn parses_go_durations() {
        assert_eq!(d("24h"), Some(86_400.0));
        assert_eq!(d("1h30m"), Some(5_400.0));
        assert_eq!(d("1.5h"), Some(5_400.0));
        assert_eq!(d("1m30s"), Some(90.0));
        assert_eq!(d("300ms"), Some(0.3));
        assert_eq!(d("0"), Some(0.0));
        assert_eq!(d("0s"), Some(0.0));
        assert_eq!(d("-2h"), Some(-7_200.0));
        assert_eq!(d(".5h"), Some(1_800.0));
        // Every unit Go knows, each on its own.
        for (text, seconds) in [
            ("2h", 7_200.0),
            ("2m", 120.0),
            ("2s", 2.0),
            ("2ms", 2e-3),
            ("2us", 2e-6),
            ("2µs", 2e-6),
            ("2μs", 2e-6),
            ("2ns", 2e-9),
        ] {
            assert_eq!(d(text), Some(seconds), "{text}");
        }
        assert_eq!(d("1.h"), Some(3_600.0));
        for bad in ["", "24", "30", "1d", "h", "1..5h", ".h", "abc"] {
            assert_eq!(d(bad), None, "{bad}");
        }
    }
}
