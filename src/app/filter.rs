//! The lists' fuzzy filter (fzf-like scoring, nucleo), kept between keystrokes: the texts to
//! search are built once per change of the list, and a query that grows narrows the previous
//! matches instead of searching every row again.
//!
//! A search is done in slices (`advance`): a keystroke starts it and scores one slice, the rest
//! runs between keys (`Msg::Work`), so typing never waits for a pass over every row; a key that
//! acts on the list (`finish`) first completes the search it acts on.

use std::time::{Duration, Instant};

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// How much of a search one slice does: at least `rows` rows, then more until `time` has passed
/// (the clock is read between groups of rows). A list of up to `rows` rows is always searched in
/// one slice, whatever the machine's load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub rows: usize,
    pub time: Duration,
}

impl Budget {
    /// A keystroke's share: 0.5 ms of scoring (past the first 200 rows), so that with its frame
    /// (0.2–0.5 ms at 120×40) a key stays well under 2 ms; 200 rows of the longest texts (a
    /// setup's ids, IPs, names and finding codes: ~2.7 µs a row on the 2-core build machine)
    /// take about that. Lists of up to 200 rows are filtered in the keystroke itself.
    pub const KEY: Budget = Budget {
        rows: 200,
        time: Duration::from_micros(500),
    };
    /// No limit: the search completes.
    pub const ALL: Budget = Budget {
        rows: usize::MAX,
        time: Duration::MAX,
    };

    /// Exactly `rows` rows a slice (tests: the pending state at any size).
    pub const fn rows(rows: usize) -> Budget {
        Budget {
            rows,
            time: Duration::ZERO,
        }
    }
}

/// Rows scored between two reads of the clock.
const CLOCK_EVERY: usize = 64;

fn pattern(query: &str) -> Pattern {
    Pattern::parse(query, CaseMatching::Smart, Normalization::Smart)
}

/// Best score first, ties in list order.
fn rank(mut scored: Vec<(u32, usize)>) -> Vec<usize> {
    scored.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, i)| i).collect()
}

/// Fuzzy filter of `texts`: indices of the matches, best first, ties in list order. An empty
/// query keeps everything in order.
pub fn fuzzy_filter(texts: &[String], query: &str) -> Vec<usize> {
    let q = query.trim();
    if q.is_empty() {
        return (0..texts.len()).collect();
    }
    let mut search = Search::new(q, (0..texts.len()).collect());
    search.advance(texts, Budget::ALL);
    rank(search.scored)
}

/// Whether every text that matches `new` also matches `old` (trimmed queries), so that `new`'s
/// matches can be searched among `old`'s: `new` only adds characters at the end, and `old` has
/// none of the characters that change an atom's meaning as it grows (`!` negates, `^` `'` `$`
/// anchor, `\` escapes: `!a` → `!ab` matches more, `a$` → `a$b` is no longer a suffix).
pub fn narrows(old: &str, new: &str) -> bool {
    !old.is_empty() && new.starts_with(old) && !old.contains(['!', '^', '\'', '$', '\\'])
}

/// A search under way: the rows still to score and the matches so far.
#[derive(Debug, Clone)]
struct Search {
    /// The trimmed query searched for.
    query: String,
    /// The rows that may match (every row, or the matches of a query this one narrows), and
    /// how many of them are scored.
    candidates: Vec<usize>,
    next: usize,
    scored: Vec<(u32, usize)>,
    matcher: Matcher,
}

impl Search {
    fn new(query: &str, candidates: Vec<usize>) -> Self {
        Search {
            query: query.to_string(),
            candidates,
            next: 0,
            scored: Vec::new(),
            matcher: Matcher::new(Config::DEFAULT),
        }
    }

    /// Rows that may still match: those matched so far and those not scored yet.
    fn remaining(&self) -> Vec<usize> {
        let mut v: Vec<usize> = self.scored.iter().map(|(_, i)| *i).collect();
        v.extend_from_slice(&self.candidates[self.next..]);
        v
    }

    /// Score rows within `budget`; whether every candidate is scored.
    fn advance(&mut self, texts: &[String], budget: Budget) -> bool {
        let pattern = pattern(&self.query);
        let start = Instant::now();
        let mut buf = Vec::new();
        let mut done = 0usize;
        while self.next < self.candidates.len() {
            // Up to the budget's rows exactly, then groups of rows between reads of the clock.
            let group = match budget.rows.checked_sub(done) {
                Some(left) if left > 0 => left.min(CLOCK_EVERY),
                _ => CLOCK_EVERY,
            };
            let end = (self.next + group).min(self.candidates.len());
            for &i in &self.candidates[self.next..end] {
                let Some(hay) = texts.get(i) else { continue };
                if let Some(s) = pattern.score(Utf32Str::new(hay, &mut buf), &mut self.matcher) {
                    self.scored.push((s, i));
                }
            }
            done += end - self.next;
            self.next = end;
            if done >= budget.rows && start.elapsed() >= budget.time {
                break;
            }
        }
        self.next >= self.candidates.len()
    }
}

/// A list's texts and the matches of the last query.
#[derive(Debug, Clone, Default)]
pub struct FilterCache {
    texts: Vec<String>,
    /// The trimmed query `matches` answers.
    query: String,
    matches: Vec<usize>,
    /// The search for a newer query, when one is under way.
    search: Option<Search>,
}

impl FilterCache {
    /// The texts of a list's rows (each row's searchable text), no query yet.
    pub fn new(texts: Vec<String>) -> Self {
        let matches = (0..texts.len()).collect();
        Self {
            texts,
            query: String::new(),
            matches,
            search: None,
        }
    }

    /// Rows of the list (matching or not).
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// The trimmed query `matches` answer.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The matches of the last query whose search completed, best first.
    pub fn matches(&self) -> &[usize] {
        &self.matches
    }

    /// A search is under way (`matches` still answer an older query).
    pub fn pending(&self) -> bool {
        self.search.is_some()
    }

    /// Ask for `query`'s matches: nothing is scored yet (`advance`, `finish`). The rows searched
    /// are the fewest known to hold every match: the matches of a query this one narrows (the
    /// last completed one, or the one under way: its matches so far and the rows it has not
    /// scored), else every row.
    pub fn set_query(&mut self, query: &str) {
        let q = query.trim();
        if self.search.as_ref().is_some_and(|s| s.query == q) {
            return;
        }
        if q == self.query {
            self.search = None;
            return;
        }
        if q.is_empty() {
            self.search = None;
            self.query.clear();
            self.matches = (0..self.texts.len()).collect();
            return;
        }
        let candidates = match self.search.take() {
            Some(s) if narrows(&s.query, q) => s.remaining(),
            _ if narrows(&self.query, q) => self.matches.clone(),
            _ => (0..self.texts.len()).collect(),
        };
        self.search = Some(Search::new(q, candidates));
    }

    /// Go on with the search under way within `budget`; whether `matches` answer the last
    /// query asked (nothing left to do).
    pub fn advance(&mut self, budget: Budget) -> bool {
        let Some(search) = self.search.as_mut() else {
            return true;
        };
        if !search.advance(&self.texts, budget) {
            return false;
        }
        if let Some(s) = self.search.take() {
            self.query = s.query;
            self.matches = rank(s.scored);
        }
        true
    }

    /// Complete the search under way.
    pub fn finish(&mut self) {
        self.advance(Budget::ALL);
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

    const QUERIES: [&str; 18] = [
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

    /// Every row scored at once, without the cache: the answer the cache must give.
    fn reference(texts: &[String], query: &str) -> Vec<usize> {
        let q = query.trim();
        if q.is_empty() {
            return (0..texts.len()).collect();
        }
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut buf = Vec::new();
        let p = pattern(q);
        let mut scored: Vec<(u32, usize)> = texts
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                p.score(Utf32Str::new(t, &mut buf), &mut matcher)
                    .map(|s| (s, i))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().map(|(_, i)| i).collect()
    }

    fn query(cache: &mut FilterCache, q: &str) -> Vec<usize> {
        cache.set_query(q);
        cache.finish();
        assert!(!cache.pending());
        cache.matches().to_vec()
    }

    /// Typing a query key by key (with the cache) gives, after every key, what one full filter
    /// of the query gives: the same rows in the same order.
    #[test]
    fn narrowing_gives_the_full_filters_answer() {
        let texts = texts();
        for q in QUERIES {
            let mut cache = FilterCache::new(texts.clone());
            let mut typed = String::new();
            for c in q.chars() {
                typed.push(c);
                assert_eq!(
                    query(&mut cache, &typed),
                    reference(&texts, &typed),
                    "{typed:?}"
                );
            }
            // Deleting goes back through the full filter.
            while typed.pop().is_some() {
                assert_eq!(
                    query(&mut cache, &typed),
                    reference(&texts, &typed),
                    "{typed:?}"
                );
            }
            assert_eq!(fuzzy_filter(&texts, q), reference(&texts, q));
        }
    }

    /// Keys typed faster than the search: each key scores a few rows of the search under way
    /// (narrowing from it); the matches shown stay those of the last completed query until a
    /// search completes, and then are exactly the full filter's of what was typed.
    #[test]
    fn searching_in_slices_between_keys_gives_the_full_filters_answer() {
        let texts = texts();
        for slice in [1, 7, 64, 100] {
            for q in QUERIES {
                let mut cache = FilterCache::new(texts.clone());
                let mut typed = String::new();
                let mut shown = (0..texts.len()).collect::<Vec<_>>();
                for c in q.chars().chain("\u{8}\u{8}z".chars()) {
                    match c {
                        '\u{8}' => {
                            typed.pop();
                        }
                        c => typed.push(c),
                    }
                    cache.set_query(&typed);
                    if cache.advance(Budget::rows(slice)) {
                        shown = reference(&texts, &typed);
                    }
                    assert_eq!(cache.matches(), shown, "{typed:?} by {slice}");
                }
                cache.finish();
                assert_eq!(
                    cache.matches(),
                    reference(&texts, &typed),
                    "{typed:?} by {slice}"
                );
                assert_eq!(cache.query(), typed.trim());
            }
        }
    }

    /// A slice scores exactly the budget's rows when its time is zero, and a list no longer
    /// than the keystroke's rows is searched in the keystroke.
    #[test]
    fn a_slice_is_the_budgets_rows() {
        let texts: Vec<String> = (0..1000).map(|i| format!("row {i}")).collect();
        let mut cache = FilterCache::new(texts.clone());
        cache.set_query("row");
        for done in (10..1000).step_by(10) {
            assert!(!cache.advance(Budget::rows(10)));
            assert_eq!(cache.search.as_ref().map(|s| s.next), Some(done));
        }
        assert!(cache.advance(Budget::rows(10)));
        assert_eq!(cache.matches().len(), 1000);
        let mut small = FilterCache::new(texts[..Budget::KEY.rows].to_vec());
        small.set_query("row 4");
        assert!(small.advance(Budget {
            time: Duration::ZERO,
            ..Budget::KEY
        }));
    }

    /// A query that grew is searched among the previous matches only: a row that did not match
    /// the shorter query is never looked at again (shown by a text that no longer holds).
    #[test]
    fn a_growing_query_searches_the_previous_matches_only() {
        let mut cache = FilterCache::new(vec!["alpha".into(), "beta".into()]);
        assert_eq!(query(&mut cache, "al"), [0]);
        // Were "beta" searched again, "alp" could not tell; a changed text would: replace it.
        cache.texts[1] = "alpha too".into();
        assert_eq!(
            query(&mut cache, "alp"),
            [0],
            "narrowed among the matches of `al`"
        );
        assert!(
            query(&mut cache, "b").is_empty(),
            "a new query searches every row"
        );
        let mut again = query(&mut cache, "alp");
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
