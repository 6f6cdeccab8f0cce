//! Wrapping the human format to the terminal's width without breaking what a reader
//! copies: a `backticked` span (a command, a key, a URL) is one unbreakable word, words are
//! never split at hyphens or slashes, and a span wider than the line gets a line of its
//! own (overflowing it) rather than being cut.

use textwrap::core::Word;
use textwrap::{Options, WordSeparator, WordSplitter};

/// The width when neither `COLUMNS` nor a terminal says (output to a file or a pipe).
pub const DEFAULT_WIDTH: usize = 110;

/// Narrower than this, nothing reads well; `COLUMNS=5` is treated as this.
pub const MIN_WIDTH: usize = 40;

/// Words as ASCII spaces separate them, except that spaces inside a closed pair of
/// backticks do not: `` `kops update cluster --name c --yes` `` is one word.
fn words(line: &str) -> Box<dyn Iterator<Item = Word<'_>> + '_> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut after_space = false;
    let mut in_code = false;
    for (i, c) in line.char_indices() {
        if c == ' ' && !in_code {
            after_space = true;
            continue;
        }
        if after_space {
            out.push(Word::from(&line[start..i]));
            start = i;
            after_space = false;
        }
        // Only a backtick with a partner later on opens a span: a stray one changes nothing.
        if c == '`' && (in_code || line[i + 1..].contains('`')) {
            in_code = !in_code;
        }
    }
    if start < line.len() {
        out.push(Word::from(&line[start..]));
    }
    Box::new(out.into_iter())
}

/// The wrapping options every part of the human format uses.
pub fn options<'a>(
    width: usize,
    initial_indent: &'a str,
    subsequent_indent: &'a str,
) -> Options<'a> {
    Options::new(width)
        .initial_indent(initial_indent)
        .subsequent_indent(subsequent_indent)
        .break_words(false)
        .word_separator(separator())
        .word_splitter(splitter())
}

pub fn separator() -> WordSeparator {
    WordSeparator::Custom(words)
}

pub fn splitter() -> WordSplitter {
    WordSplitter::NoHyphenation
}

/// `text` wrapped to `width`, its first line after `initial_indent`, the others after
/// `subsequent_indent`; every line ends with a newline.
pub fn fill(text: &str, width: usize, initial_indent: &str, subsequent_indent: &str) -> String {
    let mut out = textwrap::fill(text, options(width, initial_indent, subsequent_indent));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_in_backticks_is_never_split() {
        let help = "turn it on: `aws s3api put-public-access-block --bucket kops-state --public-access-block-configuration BlockPublicAcls=true`, then run again";
        let text = fill(help, 60, "  help: ", "        ");
        assert!(
            text.lines()
                .any(|l| l.trim() == "`aws s3api put-public-access-block --bucket kops-state --public-access-block-configuration BlockPublicAcls=true`,"),
            "the command keeps a line of its own:\n{text}"
        );
        assert!(
            text.lines()
                .all(|l| l.len() <= 60 || !l.trim().contains(' ') || l.trim().starts_with('`')),
            "{text}"
        );
    }

    #[test]
    fn urls_and_flags_are_not_split_at_slashes_or_hyphens() {
        let text = fill(
            "the store s3://a-very-long-bucket-name/with/a/long/prefix is read with --max-requests",
            30,
            "",
            "  ",
        );
        assert!(
            text.contains("s3://a-very-long-bucket-name/with/a/long/prefix\n"),
            "{text}"
        );
        assert!(text.contains("--max-requests"), "{text}");
    }

    #[test]
    fn short_commands_stay_inline_and_stray_backticks_change_nothing() {
        let text = fill("run `statelint explain SL101` to see more", 80, "", "");
        assert_eq!(text, "run `statelint explain SL101` to see more\n");
        let text = fill("a ` stray one and more words", 12, "", "");
        assert!(text.lines().all(|l| l.len() <= 12), "{text}");
    }
}
