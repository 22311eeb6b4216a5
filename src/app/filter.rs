//! The lists' fuzzy filter (fzf-like scoring, nucleo), kept between keystrokes: the texts to
//! search are built once per change of the list, and a query that grows narrows the previous
//! matches instead of searching every row again.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// Indices of the `candidates` whose text matches `query`, best first, ties in list order. An
/// empty query keeps every candidate in order.
fn score(texts: &[String], candidates: impl Iterator<Item = usize>, query: &str) -> Vec<usize> {
    let query = query.trim();
    if query.is_empty() {
        return candidates.collect();
    }
    let mut matcher = Matcher::new(Config::DEFAULT);
    let pattern = Pattern::parse(query, CaseMatching::Smart, Normalization::Smart);
    let mut buf = Vec::new();
    let mut scored: Vec<(u32, usize)> = candidates
        .filter_map(|i| {
            let hay = texts.get(i)?;
            pattern
                .score(Utf32Str::new(hay, &mut buf), &mut matcher)
                .map(|s| (s, i))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, i)| i).collect()
}

/// Fuzzy filter of `texts`: indices of the matches, best first, ties in list order. An empty
/// query keeps everything in order.
pub fn fuzzy_filter(texts: &[String], query: &str) -> Vec<usize> {
    score(texts, 0..texts.len(), query)
}

/// Whether every text that matches `new` also matches `old` (trimmed queries), so that `new`'s
/// matches can be searched among `old`'s: `new` only adds characters at the end, and `old` has
/// none of the characters that change an atom's meaning as it grows (`!` negates, `^` `'` `$`
/// anchor, `\` escapes: `!a` → `!ab` matches more, `a$` → `a$b` is no longer a suffix).
pub fn narrows(old: &str, new: &str) -> bool {
    !old.is_empty() && new.starts_with(old) && !old.contains(['!', '^', '\'', '$', '\\'])
}

/// A list's texts and the matches of the last query.
#[derive(Debug, Clone, Default)]
pub struct FilterCache {
    texts: Vec<String>,
    /// The trimmed query `matches` answers.
    query: String,
    matches: Vec<usize>,
}

impl FilterCache {
    /// The texts of a list's rows (each row's searchable text), no query yet.
    pub fn new(texts: Vec<String>) -> Self {
        let matches = (0..texts.len()).collect();
        Self {
            texts,
            query: String::new(),
            matches,
        }
    }

    /// Rows of the list (matching or not).
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// The matches of the query last set, best first.
    pub fn matches(&self) -> &[usize] {
        &self.matches
    }

    /// Set the query; the matches are those of `fuzzy_filter(texts, query)`, found among the
    /// previous matches when the query grew (one pass over at most every row).
    pub fn set_query(&mut self, query: &str) -> &[usize] {
        let q = query.trim();
        if q != self.query {
            self.matches = if narrows(&self.query, q) {
                score(&self.texts, self.matches.iter().copied(), q)
            } else {
                score(&self.texts, 0..self.texts.len(), q)
            };
            self.query = q.to_string();
        }
        &self.matches
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts() -> Vec<String> {
        let mut v: Vec<String> = (0..150)
            .map(|i| {
                format!(
                    "team-{i} vpc-{i:017x} 10.{}.{}.0/24 Prod{}",
                    i / 7,
                    i % 13,
                    i % 5
                )
            })
            .collect();
        v.extend(["ab$c", "a!b", "x^y", "it's", "back\\slash", "Été café"].map(String::from));
        v
    }

    /// Typing a query key by key (with the cache) gives, after every key, what one full filter
    /// of the query gives: the same rows in the same order.
    #[test]
    fn narrowing_gives_the_full_filters_answer() {
        let texts = texts();
        let queries = [
            "team-99",
            "vpc-00 10.1",
            "prod1 team",
            "1/24",
            "teamz",
            "PROD3",
            "ab$c",
            "a!b",
            "!team x",
            "'team-1",
            "^team-4",
            "24$ vpc",
            "back\\s",
            "x^y",
            "it's",
            "cafe",
            "Été",
            "t e a m",
        ];
        for q in queries {
            let mut cache = FilterCache::new(texts.clone());
            let mut typed = String::new();
            for c in q.chars() {
                typed.push(c);
                let got = cache.set_query(&typed).to_vec();
                assert_eq!(got, fuzzy_filter(&texts, &typed), "query {typed:?}");
            }
            // Deleting goes back through the full filter.
            while typed.pop().is_some() {
                let got = cache.set_query(&typed).to_vec();
                assert_eq!(got, fuzzy_filter(&texts, &typed), "query {typed:?}");
            }
        }
    }

    /// A query that grew is searched among the previous matches only: a row that did not match
    /// the shorter query is never looked at again (shown by a text that no longer holds).
    #[test]
    fn a_growing_query_searches_the_previous_matches_only() {
        let mut cache = FilterCache::new(vec!["alpha".into(), "beta".into()]);
        assert_eq!(cache.set_query("al"), &[0]);
        // Were "beta" searched again, "alp" could not tell; a changed text would: replace it.
        cache.texts[1] = "alpha too".into();
        assert_eq!(
            cache.set_query("alp"),
            &[0],
            "narrowed among the matches of `al`"
        );
        assert!(
            cache.set_query("b").is_empty(),
            "a new query searches every row"
        );
        let mut again = cache.set_query("alp").to_vec();
        again.sort();
        assert_eq!(again, [0, 1]);
    }

    #[test]
    fn what_narrows() {
        assert!(narrows("ab", "abc"));
        assert!(narrows("ab", "ab c"));
        assert!(narrows("ab", "ab$"));
        assert!(narrows("ab", "ab !c"));
        assert!(
            !narrows("", "a"),
            "an empty query matched everything: search all"
        );
        assert!(!narrows("abc", "ab"));
        assert!(!narrows("ab", "xab"));
        assert!(!narrows("!a", "!ab"), "a negation matches more as it grows");
        assert!(!narrows("a$", "a$b"), "a suffix stops being one");
        assert!(!narrows("^", "^a"));
        assert!(!narrows("'", "'a"));
        assert!(!narrows("a\\", "a\\ b"));
    }
}
