//! A small YAML writer for CloudFormation templates: block style, keys in the order given,
//! CloudFormation's short-form tags (`!Ref`, `!GetAtt`, `!Sub`, `!Select`…), comments. Output is
//! deterministic and readable; strings that YAML could read as something else are double-quoted.

/// A YAML value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A string: written plain when that is unambiguous, double-quoted otherwise.
    Str(String),
    /// Written verbatim: numbers and booleans.
    Raw(String),
    /// A literal block scalar (`|`), e.g. inline code.
    Block(String),
    /// A short-form intrinsic function, `!Name argument`.
    Tag(&'static str, Box<Node>),
    Seq(Vec<Node>),
    Map(Vec<Item>),
}

/// An entry of a mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Pair(String, Node),
    /// A `# …` line (one per line of the text).
    Comment(String),
    /// An empty line, between top-level sections or resources.
    Blank,
}

const INDENT: usize = 2;

/// Words YAML 1.1 (PyYAML, cfn-lint's loader) reads as booleans or null.
const RESERVED: [&str; 11] = [
    "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", "",
];

/// Whether `s` can be written as a plain scalar in block and flow context alike.
/// `:` only inside (as in `AWS::EC2::VPC::Id`): never last, so never `: ` nor a key indicator.
fn plain_ok(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic())
        && !s.ends_with(':')
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | ':' | '<' | '>')
        })
        && !RESERVED.iter().any(|r| s.eq_ignore_ascii_case(r))
}

/// A scalar string as YAML: plain, or double-quoted with JSON escapes (valid YAML escapes).
pub fn scalar(s: &str) -> String {
    if plain_ok(s) {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| format!("\"{}\"", s.escape_default()))
    }
}

impl Node {
    /// The value on one line, when it has a one-line form.
    fn inline(&self) -> Option<String> {
        match self {
            Node::Str(s) => Some(scalar(s)),
            Node::Raw(r) => Some(r.clone()),
            Node::Block(_) => None,
            Node::Tag(name, arg) => arg.inline().map(|a| format!("!{name} {a}")),
            Node::Seq(items) if items.is_empty() => Some("[]".into()),
            Node::Seq(items) => {
                let parts: Option<Vec<String>> = items
                    .iter()
                    .map(|i| match i {
                        // Keep flow sequences to scalars, tags and nested flow sequences.
                        Node::Map(_) | Node::Block(_) => None,
                        other => other.inline(),
                    })
                    .collect();
                parts.map(|p| format!("[{}]", p.join(", ")))
            }
            Node::Map(items) if items.is_empty() => Some("{}".into()),
            Node::Map(_) => None,
        }
    }
}

/// The whole document: a top-level mapping.
pub fn document(items: &[Item]) -> String {
    let mut out = String::new();
    write_map(&mut out, items, 0);
    out
}

fn pad(n: usize) -> String {
    " ".repeat(n)
}

fn write_map(out: &mut String, items: &[Item], indent: usize) {
    for item in items {
        match item {
            Item::Blank => out.push('\n'),
            Item::Comment(text) => {
                for line in text.lines() {
                    if line.is_empty() {
                        out.push_str(&format!("{}#\n", pad(indent)));
                    } else {
                        out.push_str(&format!("{}# {line}\n", pad(indent)));
                    }
                }
            }
            Item::Pair(key, value) => {
                out.push_str(&pad(indent));
                out.push_str(&scalar(key));
                out.push(':');
                write_after_indicator(out, value, indent);
            }
        }
    }
}

/// The value after `key:` or `- `, starting on the indicator's line.
fn write_after_indicator(out: &mut String, value: &Node, indent: usize) {
    if let Some(one) = value.inline() {
        out.push(' ');
        out.push_str(&one);
        out.push('\n');
        return;
    }
    match value {
        Node::Block(text) => {
            out.push_str(" |\n");
            for line in text.lines() {
                if line.is_empty() {
                    out.push('\n');
                } else {
                    out.push_str(&format!("{}{line}\n", pad(indent + INDENT)));
                }
            }
        }
        Node::Tag(name, arg) => {
            out.push_str(&format!(" !{name}\n"));
            write_block(out, arg, indent + INDENT);
        }
        other => {
            out.push('\n');
            write_block(out, other, indent + INDENT);
        }
    }
}

/// A mapping or sequence in block style at `indent`.
fn write_block(out: &mut String, node: &Node, indent: usize) {
    match node {
        Node::Map(items) => write_map(out, items, indent),
        Node::Seq(items) => {
            for item in items {
                write_seq_item(out, item, indent);
            }
        }
        // Scalars have an inline form and never get here; keep them valid anyway.
        other => {
            out.push_str(&pad(indent));
            out.push_str(&other.inline().unwrap_or_default());
            out.push('\n');
        }
    }
}

fn write_seq_item(out: &mut String, item: &Node, indent: usize) {
    match item {
        Node::Map(items) if !items.is_empty() => {
            // The mapping one level deeper, its first line moved onto the dash.
            let mut inner = String::new();
            write_map(&mut inner, items, indent + INDENT);
            let body = inner
                .strip_prefix(&pad(indent + INDENT))
                .unwrap_or(&inner)
                .to_string();
            out.push_str(&pad(indent));
            out.push_str("- ");
            out.push_str(&body);
        }
        other => {
            out.push_str(&pad(indent));
            out.push('-');
            write_after_indicator(out, other, indent);
        }
    }
}

/// Builders, so templates read close to the YAML they produce.
pub mod build {
    use super::{Item, Node};

    pub fn s(v: impl Into<String>) -> Node {
        Node::Str(v.into())
    }
    pub fn int(v: impl std::fmt::Display) -> Node {
        Node::Raw(v.to_string())
    }
    pub fn boolean(v: bool) -> Node {
        Node::Raw(v.to_string())
    }
    pub fn seq(items: Vec<Node>) -> Node {
        Node::Seq(items)
    }
    pub fn map(pairs: Vec<(&str, Node)>) -> Node {
        Node::Map(pairs.into_iter().map(|(k, v)| pair(k, v)).collect())
    }
    pub fn pair(k: &str, v: Node) -> Item {
        Item::Pair(k.to_string(), v)
    }
    pub fn comment(text: impl Into<String>) -> Item {
        Item::Comment(text.into())
    }
    pub fn r(name: &str) -> Node {
        Node::Tag("Ref", Box::new(s(name)))
    }
    pub fn get_att(resource: &str, attribute: &str) -> Node {
        Node::Tag("GetAtt", Box::new(s(format!("{resource}.{attribute}"))))
    }
    pub fn sub(text: impl Into<String>) -> Node {
        Node::Tag("Sub", Box::new(s(text)))
    }
    pub fn select(index: usize, list: Node) -> Node {
        Node::Tag("Select", Box::new(seq(vec![int(index), list])))
    }
    pub fn split(delimiter: &str, text: Node) -> Node {
        Node::Tag("Split", Box::new(seq(vec![s(delimiter), text])))
    }
    pub fn join(delimiter: &str, list: Node) -> Node {
        Node::Tag("Join", Box::new(seq(vec![s(delimiter), list])))
    }
    pub fn if_(condition: &str, then: Node, otherwise: Node) -> Node {
        Node::Tag("If", Box::new(seq(vec![s(condition), then, otherwise])))
    }
    pub fn equals(a: Node, b: Node) -> Node {
        Node::Tag("Equals", Box::new(seq(vec![a, b])))
    }
}

#[cfg(test)]
mod tests {
    use super::build::*;
    use super::*;

    #[test]
    fn scalars_are_quoted_only_when_needed() {
        assert_eq!(scalar("vpc-0135f36302291c303"), "vpc-0135f36302291c303");
        assert_eq!(scalar("443"), "\"443\"");
        assert_eq!(scalar("None"), "None");
        assert_eq!(scalar("no"), "\"no\"");
        assert_eq!(scalar("On"), "\"On\"");
        assert_eq!(scalar(""), "\"\"");
        assert_eq!(scalar("*"), "\"*\"");
        assert_eq!(scalar("AWS::Region"), "AWS::Region");
        assert_eq!(
            scalar("List<AWS::EC2::Subnet::Id>"),
            "List<AWS::EC2::Subnet::Id>"
        );
        assert_eq!(scalar("key:"), "\"key:\"");
        assert_eq!(scalar("execute-api:/*"), "\"execute-api:/*\"");
        assert_eq!(scalar("203.0.113.0/24"), "\"203.0.113.0/24\"");
        assert_eq!(scalar("a \"b\"\n"), "\"a \\\"b\\\"\\n\"");
    }

    #[test]
    fn block_style_with_tags_flow_sequences_and_comments() {
        let doc = document(&[
            comment("header\n\nsecond"),
            pair("A", map(vec![("B", r("X")), ("C", seq(vec![]))])),
            Item::Blank,
            pair(
                "L",
                seq(vec![
                    map(vec![
                        ("Id", select(0, split(",", get_att("R", "Ips")))),
                        ("Port", int(443)),
                    ]),
                    s("x"),
                ]),
            ),
            pair("I", if_("C", map(vec![("K", s("v"))]), s("w"))),
            pair("Z", Node::Block("line 1\n\n  line 3\n".into())),
        ]);
        assert_eq!(
            doc,
            "# header\n#\n# second\nA:\n  B: !Ref X\n  C: []\n\nL:\n  - Id: !Select [0, !Split [\",\", !GetAtt R.Ips]]\n    Port: 443\n  - x\nI: !If\n  - C\n  - K: v\n  - w\nZ: |\n  line 1\n\n    line 3\n"
        );
    }
}
