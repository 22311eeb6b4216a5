//! What `apply --yes` and `destroy --yes` say while they run: one line per step event on stderr
//! (or one JSON event per line on stdout with `--json`). A wait said again and again (a poll, a
//! deletion retried while AWS lets go of something) is one line with a counter: on a terminal
//! the line is rewritten in place (`… (×12)`); elsewhere (a log, CI) the first is printed, then
//! one summary line when the wait ends — never one line per poll.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::engine::{EngineEvent, NodeId};

/// A wait of one step, said `times` times since `since_ms`.
#[derive(Debug, Clone)]
struct Wait {
    what: String,
    times: u32,
    /// The count the screen shows (a terminal's rewritten line; 1 elsewhere).
    shown: u32,
    since_ms: u64,
}

/// The line printer of one run.
#[derive(Debug, Default)]
pub struct Lines {
    /// Standard error is a terminal: repeated waits rewrite their line.
    tty: bool,
    waits: BTreeMap<NodeId, Wait>,
    /// The step whose wait line is the last line printed (the one a terminal can rewrite).
    last_wait: Option<NodeId>,
}

fn wait_line(node: NodeId, what: &str) -> String {
    format!("  {}: waiting for {what}", node.title())
}

impl Lines {
    pub fn new(tty: bool) -> Self {
        Self {
            tty,
            ..Self::default()
        }
    }

    /// The text to write for `ev` at `at_ms` (the run's clock): zero, one or two lines, each
    /// ending in a newline; on a terminal, possibly a rewrite of the line before.
    pub fn event(&mut self, at_ms: u64, ev: &EngineEvent) -> String {
        let mut out = String::new();
        match ev {
            EngineEvent::Waiting { node, what } => {
                if let Some(w) = self.waits.get_mut(node).filter(|w| &w.what == what) {
                    w.times += 1;
                    if self.tty && self.last_wait == Some(*node) {
                        w.shown = w.times;
                        // Up one line, clear it, say it again with the count.
                        let _ = writeln!(
                            out,
                            "\x1b[1A\r\x1b[2K{} (×{})",
                            wait_line(*node, what),
                            w.times
                        );
                    }
                    return out;
                }
                out.push_str(&self.close(at_ms, *node));
                let _ = writeln!(out, "{}", wait_line(*node, what));
                self.waits.insert(
                    *node,
                    Wait {
                        what: what.clone(),
                        times: 1,
                        shown: 1,
                        since_ms: at_ms,
                    },
                );
                self.last_wait = Some(*node);
                return out;
            }
            // Calls go to the log file (the caller's business), not to the terminal.
            EngineEvent::Call { .. } => return out,
            EngineEvent::Started(n)
            | EngineEvent::Done { node: n, .. }
            | EngineEvent::Skipped { node: n, .. }
            | EngineEvent::Failed { node: n, .. } => out.push_str(&self.close(at_ms, *n)),
        }
        match ev {
            EngineEvent::Started(n) => {
                let _ = writeln!(out, "… {}", n.title());
            }
            EngineEvent::Done { node, summary } => {
                let _ = writeln!(out, "✓ {}: {summary}", node.title());
            }
            EngineEvent::Skipped { node, why } => {
                let _ = writeln!(out, "– {}: skipped: {why}", node.title());
            }
            EngineEvent::Failed { node, error } => {
                let _ = writeln!(out, "✗ {}: {error}\n  → {}", node.title(), error.hint());
            }
            EngineEvent::Waiting { .. } | EngineEvent::Call { .. } => {}
        }
        self.last_wait = None;
        out
    }

    /// The wait of `node` is over: one repeated more often than the screen shows says so once,
    /// with its count and how long it lasted.
    fn close(&mut self, at_ms: u64, node: NodeId) -> String {
        let Some(w) = self.waits.remove(&node) else {
            return String::new();
        };
        if self.last_wait == Some(node) {
            self.last_wait = None;
        }
        if w.times > w.shown {
            format!(
                "{} (×{} over {})\n",
                wait_line(node, &w.what),
                w.times,
                crate::ui::screens::apply::secs(at_ms.saturating_sub(w.since_ms))
            )
        } else {
            String::new()
        }
    }

    /// The run ended: the waits still open say how long they lasted.
    pub fn finish(&mut self, at_ms: u64) -> String {
        let open: Vec<NodeId> = self.waits.keys().copied().collect();
        open.into_iter().map(|n| self.close(at_ms, n)).collect()
    }
}

/// One event as `--json` prints it (`"data"` of a `"type": "event"` line).
pub fn json(ev: &EngineEvent) -> serde_json::Value {
    use serde_json::json;
    match ev {
        EngineEvent::Started(n) => json!({"event": "started", "step": n}),
        EngineEvent::Waiting { node, what } => {
            json!({"event": "waiting", "step": node, "for": what})
        }
        EngineEvent::Done { node, summary } => {
            json!({"event": "done", "step": node, "summary": summary})
        }
        EngineEvent::Skipped { node, why } => {
            json!({"event": "skipped", "step": node, "why": why})
        }
        EngineEvent::Failed { node, error } => json!({
            "event": "failed", "step": node, "kind": error.kind, "action": error.action,
            "code": error.code, "message": error.message, "hint": error.hint()
        }),
        EngineEvent::Call { node, command } => {
            json!({"event": "call", "step": node, "command": command})
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wait(what: &str) -> EngineEvent {
        EngineEvent::Waiting {
            node: NodeId::Endpoint,
            what: what.into(),
        }
    }

    fn run(tty: bool, events: &[(u64, EngineEvent)]) -> String {
        let mut p = Lines::new(tty);
        let mut out: String = events.iter().map(|(t, e)| p.event(*t, e)).collect();
        out.push_str(&p.finish(99_000));
        out
    }

    fn destroy_of_the_endpoint() -> Vec<(u64, EngineEvent)> {
        let mut events = vec![(0, EngineEvent::Started(NodeId::Endpoint))];
        for i in 0..12 {
            events.push((1000 + i * 1000, wait("vpce-1 to be deleted (deleting)")));
        }
        events.push((
            14_000,
            EngineEvent::Done {
                node: NodeId::Endpoint,
                summary: "endpoint vpce-1 deleted".into(),
            },
        ));
        events
    }

    #[test]
    fn without_a_terminal_a_repeated_wait_is_its_first_line_and_a_summary() {
        assert_eq!(
            run(false, &destroy_of_the_endpoint()),
            "… execute-api VPC endpoint\n\
             \x20 execute-api VPC endpoint: waiting for vpce-1 to be deleted (deleting)\n\
             \x20 execute-api VPC endpoint: waiting for vpce-1 to be deleted (deleting) (×12 over 13s)\n\
             ✓ execute-api VPC endpoint: endpoint vpce-1 deleted\n"
        );
    }

    #[test]
    fn on_a_terminal_the_wait_line_counts_up_in_place() {
        let out = run(true, &destroy_of_the_endpoint());
        assert_eq!(out.matches("waiting for").count(), 12);
        assert!(out.ends_with(
            "\x1b[1A\r\x1b[2K  execute-api VPC endpoint: waiting for vpce-1 to be deleted (deleting) (×12)\n\
             ✓ execute-api VPC endpoint: endpoint vpce-1 deleted\n"
        ));
        // What a terminal shows: three lines, the wait with its count.
        let shown: Vec<String> = {
            let mut lines: Vec<String> = Vec::new();
            for piece in out.split('\n').filter(|l| !l.is_empty()) {
                match piece.strip_prefix("\x1b[1A\r\x1b[2K") {
                    Some(again) => {
                        lines.pop();
                        lines.push(again.to_string());
                    }
                    None => lines.push(piece.to_string()),
                }
            }
            lines
        };
        assert_eq!(
            shown,
            vec![
                "… execute-api VPC endpoint",
                "  execute-api VPC endpoint: waiting for vpce-1 to be deleted (deleting) (×12)",
                "✓ execute-api VPC endpoint: endpoint vpce-1 deleted",
            ]
        );
    }

    #[test]
    fn another_line_in_between_stops_the_rewrite_and_a_new_wait_closes_the_old() {
        let events = vec![
            (0, wait("a")),
            (1000, wait("a")),
            (2000, EngineEvent::Started(NodeId::Nlb)),
            // Not the last line any more: counted, not rewritten.
            (3000, wait("a")),
            (4000, wait("b")),
        ];
        let tty = run(true, &events);
        assert_eq!(tty.matches("\x1b[1A").count(), 1, "{tty:?}");
        let plain = run(false, &events);
        assert_eq!(
            plain,
            "  execute-api VPC endpoint: waiting for a\n\
             … Network Load Balancer\n\
             \x20 execute-api VPC endpoint: waiting for a (×3 over 4s)\n\
             \x20 execute-api VPC endpoint: waiting for b\n"
        );
    }

    #[test]
    fn skipped_and_call_events() {
        let mut p = Lines::new(false);
        assert_eq!(
            p.event(
                0,
                &EngineEvent::Skipped {
                    node: NodeId::Listener,
                    why: "deleted with the NLB".into()
                }
            ),
            "– TLS:443 listener: skipped: deleted with the NLB\n"
        );
        let call = EngineEvent::Call {
            node: NodeId::Nlb,
            command: "aws elbv2 delete-load-balancer".into(),
        };
        assert_eq!(p.event(0, &call), "");
        assert_eq!(json(&call)["event"], "call");
    }
}
