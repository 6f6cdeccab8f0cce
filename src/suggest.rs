//! "Did you mean ...?" suggestions for misspelt names (fields, subnets, codes).

/// The candidate closest to `input` by edit distance, if it is close enough to be a likely
/// typo: at most a third of the input's length, and never for very short inputs where any
/// match would be a guess.
pub fn did_you_mean<'a, I>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let budget = (input.chars().count() / 3).max(1);
    if input.chars().count() < 3 {
        return None;
    }
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter(|c| *c != input)
        .map(|c| (edit_distance(&input.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= budget)
        .collect();
    scored.sort_unstable();
    scored.dedup();
    match scored.as_slice() {
        // Two equally close candidates (`us-east-1c` vs `1a`/`1b`): any pick is a guess.
        [(best, _), (second, _), ..] if best == second => None,
        [(_, c), ..] => Some(c),
        [] => None,
    }
}

/// Up to `n` candidates nearest to `input` by edit distance (ties by name), for "not found"
/// messages that would otherwise list everything.
pub fn nearest<'a, I>(input: &str, candidates: I, n: usize) -> Vec<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let input = input.to_lowercase();
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| (edit_distance(&input, &c.to_lowercase()), c))
        .collect();
    scored.sort_unstable();
    scored.dedup();
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

/// Optimal-string-alignment distance: Levenshtein plus adjacent transpositions, which are
/// the most common typing mistake (`kubernetesVersoin`).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for (i, cell) in d.iter_mut().step_by(width).enumerate() {
        *cell = i;
    }
    for (j, cell) in d.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transposition_counts_once() {
        assert_eq!(edit_distance("kubernetesVersoin", "kubernetesVersion"), 1);
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn suggests_only_close_candidates() {
        let fields = ["kubernetesVersion", "kubernetesApiAccess", "networkCIDR"];
        assert_eq!(
            did_you_mean("kubernetesVersoin", fields),
            Some("kubernetesVersion")
        );
        assert_eq!(did_you_mean("networkCidr", fields), Some("networkCIDR"));
        assert_eq!(did_you_mean("completelyDifferent", fields), None);
        assert_eq!(did_you_mean("ab", ["ac"]), None);
        assert_eq!(
            did_you_mean("us-east-1c", ["us-east-1a", "us-east-1b"]),
            None
        );
        assert_eq!(did_you_mean("evnets", ["main", "events"]), Some("events"));
    }
}
