//! A pane scrolled by lines that stops at its end. The renderer, which alone knows how many rows
//! the wrapped text takes at the current width, tells it the limit each frame (`fit`); keys move
//! it (`go`: `by`, `page`, `top`, `bottom`) and never past that limit.

use std::cell::Cell;

#[derive(Debug, Clone)]
pub struct Scroll {
    offset: u16,
    /// The last offset that still shows content (rows of content minus rows on screen).
    max: Cell<u16>,
    /// Rows on screen, for paging.
    view: Cell<u16>,
}

impl Default for Scroll {
    fn default() -> Self {
        // Until the first frame the limits are unknown: allow everything.
        Self {
            offset: 0,
            max: Cell::new(u16::MAX),
            view: Cell::new(10),
        }
    }
}

impl Scroll {
    /// The offset to draw with.
    pub fn offset(&self) -> u16 {
        self.offset.min(self.max.get())
    }

    /// Called by the renderer: `content` rows to show in `view` rows. Returns the offset to use.
    pub fn fit(&self, content: usize, view: u16) -> u16 {
        let content = u16::try_from(content).unwrap_or(u16::MAX);
        self.max.set(content.saturating_sub(view));
        self.view.set(view.max(1));
        self.offset()
    }

    pub fn by(&mut self, delta: i32) {
        let from = i32::from(self.offset());
        let to = (from + delta).clamp(0, i32::from(self.max.get()));
        self.offset = u16::try_from(to).unwrap_or(0);
    }

    /// Whole screens (less one row of context), down for positive.
    pub fn page(&mut self, pages: i32) {
        let step = i32::from(self.view.get().saturating_sub(1).max(1));
        self.by(pages * step);
    }

    pub fn top(&mut self) {
        self.offset = 0;
    }

    pub fn bottom(&mut self) {
        self.offset = self.max.get();
    }

    /// At the end (nothing more below).
    pub fn at_end(&self) -> bool {
        self.offset() >= self.max.get()
    }

    /// Move as the reading keys ask (their bindings are in the screen's keymap).
    pub fn go(&mut self, m: Motion) {
        match m {
            Motion::Lines(n) => self.by(n),
            Motion::Pages(n) => self.page(n),
            Motion::Top => self.top(),
            Motion::Bottom => self.bottom(),
        }
    }
}

/// How a reading key moves a pane: j/k a line, J/K five, PgDn/PgUp a screen, g/G the ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Motion {
    Lines(i32),
    Pages(i32),
    Top,
    Bottom,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_at_both_ends_and_pages_by_the_view() {
        let mut s = Scroll::default();
        assert_eq!(s.fit(30, 10), 0);
        for _ in 0..50 {
            s.go(Motion::Lines(1));
        }
        assert_eq!(s.offset(), 20, "clamped at content - view");
        assert!(s.at_end());
        s.go(Motion::Lines(-1));
        assert_eq!(s.offset(), 19, "one key back up moves at once");
        s.go(Motion::Top);
        assert_eq!(s.offset(), 0);
        s.go(Motion::Pages(1));
        assert_eq!(s.offset(), 9);
        s.go(Motion::Bottom);
        assert_eq!(s.offset(), 20);
        // The content shrank (a wider terminal): the offset follows.
        assert_eq!(s.fit(12, 10), 2);
        s.go(Motion::Lines(-5));
        assert_eq!(s.offset(), 0);
    }
}
