//! Where things are in the source text, for line numbers in validation
//! errors (the YAML parser gives them only for syntax errors).

use std::cell::OnceCell;
use std::collections::HashMap;

/// Finds items by their `id:` and words after them, in the source text.
pub(super) struct Locator<'a> {
    lines: Vec<&'a str>,
    /// The lines of each `id: x`, indexed on the first lookup: a file with
    /// many errors is not scanned once per error.
    id_lines: OnceCell<HashMap<&'a str, Vec<usize>>>,
}

/// Can `c` be part of an id (or of a word next to one)?
pub(super) fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

impl<'a> Locator<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        Locator {
            lines: src.lines().collect(),
            id_lines: OnceCell::new(),
        }
    }

    /// Column (0-based byte) of `token` as a whole word in `line`.
    fn find_word(line: &str, token: &str, from: usize) -> Option<usize> {
        let mut start = from;
        while let Some(pos) = line.get(start..)?.find(token) {
            let at = start + pos;
            let before = line[..at].chars().next_back();
            let after = line[at + token.len()..].chars().next();
            if !before.is_some_and(is_id_char) && !after.is_some_and(is_id_char) {
                return Some(at);
            }
            start = at + token.len().max(1);
        }
        None
    }

    /// The values after each `id:` in `line`, passed to `found` until it
    /// returns true.
    fn id_values(line: &'a str, mut found: impl FnMut(&'a str) -> bool) -> bool {
        let mut from = 0;
        while let Some(at) = Self::find_word(line, "id", from) {
            let rest = line[at + 2..].trim_start();
            if let Some(rest) = rest.strip_prefix(':') {
                if found(rest.trim_start().trim_start_matches(['"', '\''])) {
                    return true;
                }
            }
            from = at + 2;
        }
        false
    }

    /// 0-based line of the item whose `id:` is `id`.
    fn id_line(&self, id: &str) -> Option<usize> {
        self.nth_id_line(id, 0)
    }

    /// 0-based line of the `n`-th line (from 0) with `id: <id>`: where the
    /// id is defined again, for a duplicate.
    pub(super) fn nth_id_line(&self, id: &str, n: usize) -> Option<usize> {
        if id.is_empty() || !id.chars().all(is_id_char) {
            return self.scan_id_line(id, n);
        }
        // For an id of id characters, the scan matches exactly the lines
        // where the run of id characters after `id:` is the id.
        let index = self.id_lines.get_or_init(|| self.index_ids());
        index.get(id).and_then(|lines| lines.get(n)).copied()
    }

    /// The `n`-th line with `id: <id>`, found by scanning every line.
    fn scan_id_line(&self, id: &str, n: usize) -> Option<usize> {
        let matches =
            |rest: &str| rest.starts_with(id) && !rest[id.len()..].starts_with(is_id_char);
        self.lines
            .iter()
            .enumerate()
            .filter(|(_, line)| Self::id_values(line, matches))
            .nth(n)
            .map(|(i, _)| i)
    }

    /// The lines of each run of id characters after an `id:`.
    fn index_ids(&self) -> HashMap<&'a str, Vec<usize>> {
        let mut index: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, line) in self.lines.iter().enumerate() {
            Self::id_values(line, |rest| {
                let end = rest.find(|c: char| !is_id_char(c)).unwrap_or(rest.len());
                if end == 0 {
                    return false;
                }
                let lines = index.entry(&rest[..end]).or_default();
                if lines.last() != Some(&i) {
                    lines.push(i);
                }
                false
            });
        }
        index
    }

    /// 1-based (line, column) of `token` at or after line `from`.
    fn token_after(&self, from: usize, token: &str) -> Option<(usize, usize)> {
        if token.is_empty() {
            return None;
        }
        self.lines
            .iter()
            .enumerate()
            .skip(from)
            .find_map(|(i, line)| Self::find_word(line, token, 0).map(|c| (i + 1, c + 1)))
    }

    /// Location for a problem with `token` inside the item with id `owner`.
    pub(super) fn locate(
        &self,
        owner: &str,
        token: Option<&str>,
    ) -> (Option<usize>, Option<usize>) {
        let Some(line) = self.id_line(owner) else {
            return (None, None);
        };
        if let Some(found) = token.and_then(|t| self.token_after(line, t)) {
            return (Some(found.0), Some(found.1));
        }
        (Some(line + 1), None)
    }

    /// 1-based line of the top-level `key:` (at the start of a line).
    pub(super) fn top_level(&self, key: &str) -> Option<usize> {
        self.lines
            .iter()
            .position(|line| {
                line.strip_prefix(key)
                    .is_some_and(|rest| rest.trim_start().starts_with(':'))
            })
            .map(|i| i + 1)
    }
}
