//! A pane scrolled by lines that stops at its end. The renderer, which alone knows how many rows
//! the wrapped text takes at the current width, draws with `fit` (the offset within what it
//! measured) and sends what it measured back (`Msg::Layout` → `measured`); keys move it (`go`:
//! `by`, `page`, `top`, `bottom`) and never past the last limit measured.

/// What a frame measured of a scrolled pane: rows of content, rows on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measured {
    pub content: usize,
    pub view: u16,
}

impl Measured {
    /// The last offset that still shows content (rows of content minus rows on screen).
    fn max(self) -> u16 {
        u16::try_from(self.content)
            .unwrap_or(u16::MAX)
            .saturating_sub(self.view)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scroll {
    offset: u16,
    /// The last offset that still shows content, as last measured.
    max: u16,
    /// Rows on screen, for paging.
    view: u16,
}

impl Default for Scroll {
    fn default() -> Self {
        // Until the first frame the limits are unknown: allow everything.
        Self {
            offset: 0,
            max: u16::MAX,
            view: 10,
        }
    }
}

impl Scroll {
    /// The offset to draw with.
    pub fn offset(&self) -> u16 {
        self.offset.min(self.max)
    }

    /// The offset to draw `m` with (the renderer's; it changes nothing).
    pub fn fit(&self, m: Measured) -> u16 {
        self.offset.min(m.max())
    }

    /// What the last frame measured (sent back by the runner).
    pub fn measured(&mut self, m: Measured) {
        self.max = m.max();
        self.view = m.view.max(1);
    }

    pub fn by(&mut self, delta: i32) {
        let from = i32::from(self.offset());
        let to = (from + delta).clamp(0, i32::from(self.max));
        self.offset = u16::try_from(to).unwrap_or(0);
    }

    /// Whole screens (less one row of context), down for positive.
    pub fn page(&mut self, pages: i32) {
        let step = i32::from(self.view.saturating_sub(1).max(1));
        self.by(pages * step);
    }

    pub fn top(&mut self) {
        self.offset = 0;
    }

    pub fn bottom(&mut self) {
        self.offset = self.max;
    }

    /// At the end of `m` (nothing more below).
    pub fn at_end(&self, m: Measured) -> bool {
        self.fit(m) >= m.max()
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
        let m = Measured {
            content: 30,
            view: 10,
        };
        assert_eq!(s.fit(m), 0);
        s.measured(m);
        for _ in 0..50 {
            s.go(Motion::Lines(1));
        }
        assert_eq!(s.offset(), 20, "clamped at content - view");
        assert!(s.at_end(m));
        s.go(Motion::Lines(-1));
        assert_eq!(s.offset(), 19, "one key back up moves at once");
        s.go(Motion::Top);
        assert_eq!(s.offset(), 0);
        s.go(Motion::Pages(1));
        assert_eq!(s.offset(), 9);
        s.go(Motion::Bottom);
        assert_eq!(s.offset(), 20);
        // The content shrank (a wider terminal): the frame draws within it at once, and the
        // keys follow once it is sent back.
        let wider = Measured {
            content: 12,
            view: 10,
        };
        assert_eq!(s.fit(wider), 2);
        s.measured(wider);
        s.go(Motion::Lines(-5));
        assert_eq!(s.offset(), 0);
    }
}
