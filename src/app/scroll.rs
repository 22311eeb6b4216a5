//! A pane scrolled by lines that stops at its end. The renderer, which alone knows how many rows
//! the wrapped text takes at the current width, tells it the limit each frame (`fit`); keys move
//! it (`by`, `page`, `top`, `bottom`) and never past that limit.

use std::cell::Cell;

use crossterm::event::{KeyCode, KeyEvent};

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

    /// The reading keys: j/k/↓/↑ a line, J/K five, PgDn/PgUp a screen, g/G/Home/End the ends.
    /// Returns whether the key was one of them.
    pub fn on_key(&mut self, key: &KeyEvent) -> bool {
        match key.code {
            KeyCode::Char('j') | KeyCode::Down => self.by(1),
            KeyCode::Char('k') | KeyCode::Up => self.by(-1),
            KeyCode::Char('J') => self.by(5),
            KeyCode::Char('K') => self.by(-5),
            KeyCode::PageDown => self.page(1),
            KeyCode::PageUp => self.page(-1),
            KeyCode::Char('g') | KeyCode::Home => self.top(),
            KeyCode::Char('G') | KeyCode::End => self.bottom(),
            _ => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn stops_at_both_ends_and_pages_by_the_view() {
        let mut s = Scroll::default();
        assert_eq!(s.fit(30, 10), 0);
        for _ in 0..50 {
            s.on_key(&key(KeyCode::Char('j')));
        }
        assert_eq!(s.offset(), 20, "clamped at content - view");
        assert!(s.at_end());
        s.on_key(&key(KeyCode::Char('k')));
        assert_eq!(s.offset(), 19, "one key back up moves at once");
        s.on_key(&key(KeyCode::Char('g')));
        assert_eq!(s.offset(), 0);
        s.on_key(&key(KeyCode::PageDown));
        assert_eq!(s.offset(), 9);
        s.on_key(&key(KeyCode::Char('G')));
        assert_eq!(s.offset(), 20);
        // The content shrank (a wider terminal): the offset follows.
        assert_eq!(s.fit(12, 10), 2);
        s.on_key(&key(KeyCode::Char('K')));
        assert_eq!(s.offset(), 0);
        assert!(!s.on_key(&key(KeyCode::Char('x'))));
    }
}
