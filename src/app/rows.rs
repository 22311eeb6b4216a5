//! A wizard step's list: its rows, built once per change of what they show (`Wizard`'s
//! `refresh_rows`), the rows the filter lets through, and the column widths of those rows per
//! kind of row, so that a key or a frame only touches the rows on screen.

use super::filter::{Budget, FilterCache};
use super::wizard::Row;

/// Column widths are capped at this many characters.
const MAX_COLUMN: usize = 40;

/// What a row lists, from its key: `subnet`, `eipalloc`, `acm:certificate`,
/// `elasticloadbalancing:loadbalancer`… (rows of one kind line their columns up).
pub fn row_kind(key: &str) -> String {
    match key.strip_prefix("arn:") {
        Some(rest) => {
            let mut parts = rest.split(':');
            let service = parts.nth(1).unwrap_or_default();
            let resource = parts
                .nth(2)
                .and_then(|r| r.split('/').next())
                .unwrap_or_default();
            format!("{service}:{resource}")
        }
        // `subnet-…`, `eipalloc-…`; ids without a prefix (zones, APIs) are one kind.
        None => match key.split_once('-') {
            Some((prefix, _)) => prefix.to_string(),
            None => String::new(),
        },
    }
}

#[derive(Debug, Clone, Default)]
pub struct StepRows {
    /// Every row of the step, unfiltered.
    all: Vec<Row>,
    /// Each row's cells joined (what the filter searches) and the last query's matches.
    filter: FilterCache,
    /// The query `shown` answers (`None`: none shown yet).
    query: Option<String>,
    /// Indices into `all`, in the order shown.
    shown: Vec<usize>,
    /// Each row's kind (an index into `kinds`) and its cells' widths in characters.
    kind_of: Vec<usize>,
    kinds: Vec<String>,
    cell_widths: Vec<Vec<usize>>,
    /// Per kind, the widths of its columns over the shown rows (headings aside).
    widths: Vec<Vec<usize>>,
}

impl StepRows {
    /// A step's rows, every one shown (no query yet).
    pub fn new(all: Vec<Row>) -> Self {
        let mut kinds: Vec<String> = Vec::new();
        let kind_of = all
            .iter()
            .map(|r| {
                let k = row_kind(&r.key);
                match kinds.iter().position(|x| *x == k) {
                    Some(i) => i,
                    None => {
                        kinds.push(k);
                        kinds.len() - 1
                    }
                }
            })
            .collect();
        let cell_widths = all
            .iter()
            .map(|r| r.cells.iter().map(|c| c.chars().count()).collect())
            .collect();
        let filter = FilterCache::new(all.iter().map(|r| r.cells.join(" ")).collect());
        let mut rows = StepRows {
            all,
            filter,
            query: None,
            shown: vec![],
            kind_of,
            kinds,
            cell_widths,
            widths: vec![],
        };
        rows.set_query("");
        rows
    }

    /// Show the rows that match `query` (all, in order, when it is empty; else the best matches
    /// first, headings dropped: they group rows that may no longer be adjacent), now.
    pub fn set_query(&mut self, query: &str) {
        self.filter.set_query(query);
        self.filter.finish();
        self.show();
    }

    /// A query typed: its search starts and goes on within `budget`; the rows shown change
    /// when it completes (here or in `advance`).
    pub fn type_query(&mut self, query: &str, budget: Budget) {
        self.filter.set_query(query);
        self.advance(budget);
    }

    /// Go on with the search under way within `budget`; whether the rows shown changed.
    pub fn advance(&mut self, budget: Budget) -> bool {
        self.filter.advance(budget) && self.show()
    }

    /// Complete the search under way (a key acts on the rows of what was typed).
    pub fn finish(&mut self) {
        self.advance(Budget::ALL);
    }

    /// A search is under way: the rows shown answer an earlier query.
    pub fn pending(&self) -> bool {
        self.filter.pending()
    }

    /// Show the matches of the last completed search, unless they are shown; whether they
    /// were not.
    fn show(&mut self) -> bool {
        let q = self.filter.query();
        if self.query.as_deref() == Some(q) {
            return false;
        }
        self.shown = if q.is_empty() {
            (0..self.all.len()).collect()
        } else {
            let all = &self.all;
            self.filter
                .matches()
                .iter()
                .copied()
                .filter(|i| !all[*i].heading)
                .collect()
        };
        self.query = Some(q.to_string());
        self.measure();
        true
    }

    /// The column widths of the shown rows, per kind (one pass over them).
    fn measure(&mut self) {
        let mut widths: Vec<Vec<usize>> = vec![vec![]; self.kinds.len()];
        for &i in &self.shown {
            if self.all[i].heading {
                continue;
            }
            let w = &mut widths[self.kind_of[i]];
            for (col, n) in self.cell_widths[i].iter().enumerate() {
                let n = (*n).min(MAX_COLUMN);
                match w.get_mut(col) {
                    Some(x) => *x = (*x).max(n),
                    None => w.push(n),
                }
            }
        }
        self.widths = widths;
    }

    /// Rows shown.
    pub fn len(&self) -> usize {
        self.shown.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shown.is_empty()
    }

    /// The `i`th row shown.
    pub fn get(&self, i: usize) -> Option<&Row> {
        self.shown.get(i).and_then(|r| self.all.get(*r))
    }

    /// The rows shown, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Row> + '_ {
        self.shown.iter().filter_map(|r| self.all.get(*r))
    }

    /// The rows shown from the `first`th, each with the widths of its kind's columns.
    pub fn window(&self, first: usize, n: usize) -> impl Iterator<Item = (&Row, &[usize])> + '_ {
        self.shown.iter().skip(first).take(n).filter_map(|r| {
            let widths = self
                .kind_of
                .get(*r)
                .and_then(|k| self.widths.get(*k))
                .map(Vec::as_slice)
                .unwrap_or_default();
            self.all.get(*r).map(|row| (row, widths))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: &str, cells: &[&str]) -> Row {
        Row {
            key: key.into(),
            cells: cells.iter().map(|c| c.to_string()).collect(),
            selectable: true,
            checked: false,
            note: None,
            heading: false,
        }
    }

    fn heading(text: &str) -> Row {
        Row {
            heading: true,
            selectable: false,
            ..row("", &[text])
        }
    }

    fn rows() -> Vec<Row> {
        vec![
            heading("us-east-1a"),
            row(
                "subnet-1",
                &["us-east-1a", "subnet-1", "10.0.0.0/24", "app"],
            ),
            row(
                "subnet-22",
                &["us-east-1a", "subnet-22", "10.0.1.0/24", "db"],
            ),
            row(
                "eipalloc-1",
                &["#1", "3.3.3.3", "eipalloc-1", "a-long-name"],
            ),
            heading("us-east-1b"),
            row(
                "subnet-333",
                &["us-east-1b", "subnet-333", "10.0.200.0/24", "x"],
            ),
        ]
    }

    /// What the screen's list showed before the cache: the filter over every row, headings
    /// dropped, and the widths measured from those rows.
    fn reference(all: &[Row], q: &str) -> (Vec<Row>, Vec<(String, Vec<usize>)>) {
        let shown: Vec<Row> = if q.trim().is_empty() {
            all.to_vec()
        } else {
            let texts: Vec<String> = all.iter().map(|r| r.cells.join(" ")).collect();
            crate::app::fuzzy_filter(&texts, q)
                .into_iter()
                .filter(|i| !all[*i].heading)
                .map(|i| all[i].clone())
                .collect()
        };
        let widths = shown
            .iter()
            .filter(|r| !r.heading)
            .map(|r| {
                let kind = row_kind(&r.key);
                let w = (0..4)
                    .map(|c| {
                        shown
                            .iter()
                            .filter(|x| !x.heading && row_kind(&x.key) == kind)
                            .filter_map(|x| x.cells.get(c))
                            .map(|x| x.chars().count().min(40))
                            .max()
                            .unwrap_or(0)
                    })
                    .collect();
                (r.key.clone(), w)
            })
            .collect();
        (shown, widths)
    }

    #[test]
    fn shown_rows_and_widths_are_those_of_a_full_filter() {
        let mut cache = StepRows::new(rows());
        for q in [
            "",
            "s",
            "su",
            "sub",
            "subnet-3",
            "subnet-33",
            "10.0",
            "eip",
            "",
            "zzz",
        ] {
            cache.set_query(q);
            let (want, widths) = reference(&rows(), q);
            assert_eq!(cache.iter().cloned().collect::<Vec<_>>(), want, "{q:?}");
            for (r, w) in cache.window(0, usize::MAX) {
                if let Some((_, want)) = widths.iter().find(|(k, _)| *k == r.key) {
                    let mut got = w.to_vec();
                    got.resize(4, 0);
                    assert_eq!(&got, want, "{q:?} {}", r.key);
                }
            }
        }
    }

    #[test]
    fn the_window_is_the_shown_rows_from_the_first() {
        let cache = StepRows::new(rows());
        let keys: Vec<&str> = cache.window(2, 3).map(|(r, _)| r.key.as_str()).collect();
        assert_eq!(keys, ["subnet-22", "eipalloc-1", ""]);
        assert_eq!(cache.len(), 6);
        assert_eq!(cache.get(5).map(|r| r.key.as_str()), Some("subnet-333"));
    }
}
