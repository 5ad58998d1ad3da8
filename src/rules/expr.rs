//! CEL expressions and message templates, compiled once at load. A compile error names the pack
//! file, line and column, with the line and a caret under the place.

use cel::Program;
use cel::common::ast::{EntryExpr, Expr as Ast, IdedExpr};

use super::code::{self, Code};
use super::interpreter::Machine;
use super::pack::{ExprSource, PackSource};

/// A compiled expression and its source, for error messages.
pub struct Expr {
    pub code: Code,
    pub source: ExprSource,
}

/// An expression that does not compile: where, what, and the line with a caret.
#[derive(Debug)]
pub struct CompileError {
    pub rendered: String,
    /// What the compiler refused, when it was the compiler (not the parser or the bounds).
    pub refusal: Option<code::RefusalKind>,
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.rendered)
    }
}

/// The longest expression accepted: rules are predicates, not programs.
pub const MAX_EXPRESSION_BYTES: usize = 4096;

/// How deeply loops (`all`, `exists`, `map`, `filter`, …) may nest inside each other's bodies.
/// Each level multiplies the work by the size of a list; chaining (`a.filter(…).map(…)`) does not
/// nest and is not limited.
pub const MAX_LOOP_NESTING: usize = 4;

/// The most nodes an expression's syntax tree may have.
pub const MAX_EXPRESSION_NODES: usize = 2_000;

/// Why an expression could run unbounded, if it could: checked once, at load.
fn bounded(expression: &IdedExpr) -> Result<(), String> {
    let mut nodes = 0;
    let depth = loop_depth(expression, &mut nodes);
    if nodes > MAX_EXPRESSION_NODES {
        return Err(format!(
            "it has {nodes} parts, more than {MAX_EXPRESSION_NODES}; split the rule"
        ));
    }
    let cost = known_cost(expression);
    if cost > MOST_KNOWN_STEPS {
        return Err(format!(
            "its loops over the lists it writes out take {cost} steps for every record, more than the {MOST_KNOWN_STEPS} a check may take (the step budget); loop over the records' own lists, or look records up with ref() and referrers()"
        ));
    }
    if depth > MAX_LOOP_NESTING {
        return Err(format!(
            "it nests {depth} loops (all, exists, map, filter) inside each other, more than {MAX_LOOP_NESTING}: \
             its work grows with the {depth}th power of the lists; look records up with ref() and referrers() instead"
        ));
    }
    Ok(())
}

/// The step budget of a check on one record (see the engine): a check whose loops over the
/// lists written in the expression already take more is refused when the pack is read, rather
/// than stopped on every record.
pub const MOST_KNOWN_STEPS: u64 = 5_000_000;

/// The steps the expression takes at the least, as far as the expression itself tells: one per
/// part, and a loop's body once per item of a list it writes out (`[1, 2, 3]`, or `map` and
/// `filter` over one, which have at most as many). A list that comes from the data counts as
/// one item here; the step budget bounds it when the rule runs.
fn known_cost(expression: &IdedExpr) -> u64 {
    match &expression.expr {
        Ast::Comprehension(comprehension) => {
            let items = known_length(&comprehension.iter_range).unwrap_or(1);
            let body = [
                &comprehension.loop_cond,
                &comprehension.loop_step,
                &comprehension.result,
                &comprehension.accu_init,
            ]
            .into_iter()
            .map(known_cost)
            .fold(0u64, u64::saturating_add);
            known_cost(&comprehension.iter_range)
                .saturating_add(items.saturating_mul(body.saturating_add(1)))
        }
        Ast::Call(call) => match code::two_variable_macro(call) {
            // A loop like a comprehension's: its body once per item of the range.
            Some(two) => {
                let items = known_length(two.range).unwrap_or(1);
                let body = two
                    .guard
                    .into_iter()
                    .chain([two.body])
                    .map(known_cost)
                    .fold(0u64, u64::saturating_add);
                known_cost(two.range).saturating_add(items.saturating_mul(body.saturating_add(1)))
            }
            None => call
                .target
                .iter()
                .map(|target| &**target)
                .chain(call.args.iter())
                .map(known_cost)
                .fold(1, u64::saturating_add),
        },
        Ast::List(list) => list
            .elements
            .iter()
            .map(known_cost)
            .fold(1, u64::saturating_add),
        Ast::Select(select) => known_cost(&select.operand).saturating_add(1),
        Ast::Map(_) | Ast::Struct(_) | Ast::Ident(_) | Ast::Literal(_) | Ast::Unspecified => 1,
    }
}

/// How many items a list has, when the expression writes it out: a list literal, or `map` or
/// `filter` over one (a comprehension that builds a list from an empty one).
fn known_length(expression: &IdedExpr) -> Option<u64> {
    match &expression.expr {
        Ast::List(list) => u64::try_from(list.elements.len()).ok(),
        Ast::Comprehension(comprehension) if matches!(&comprehension.accu_init.expr, Ast::List(list) if list.elements.is_empty()) => {
            known_length(&comprehension.iter_range)
        }
        Ast::Call(call) => match code::two_variable_macro(call) {
            Some(two) if two.name == "transformList" => known_length(two.range),
            _ => None,
        },
        _ => None,
    }
}

/// The deepest nesting of comprehension bodies, counting nodes on the way.
fn loop_depth(expression: &IdedExpr, nodes: &mut usize) -> usize {
    *nodes += 1;
    match &expression.expr {
        Ast::Call(call) if let Some(two) = code::two_variable_macro(call) => {
            // The two variables' names are parts too.
            *nodes += 2;
            let range = loop_depth(two.range, nodes);
            let body = two
                .guard
                .into_iter()
                .chain([two.body])
                .map(|part| loop_depth(part, nodes))
                .max()
                .unwrap_or(0);
            range.max(body + 1)
        }
        Ast::Call(call) => {
            let mut deepest = 0;
            for part in call
                .target
                .iter()
                .map(|target| &**target)
                .chain(call.args.iter())
            {
                deepest = deepest.max(loop_depth(part, nodes));
            }
            deepest
        }
        Ast::Comprehension(comprehension) => {
            let range = loop_depth(&comprehension.iter_range, nodes);
            let body = [
                &comprehension.loop_cond,
                &comprehension.loop_step,
                &comprehension.result,
                &comprehension.accu_init,
            ]
            .into_iter()
            .map(|part| loop_depth(part, nodes))
            .max()
            .unwrap_or(0);
            range.max(body + 1)
        }
        Ast::List(list) => list
            .elements
            .iter()
            .map(|element| loop_depth(element, nodes))
            .max()
            .unwrap_or(0),
        Ast::Map(map) => map
            .entries
            .iter()
            .map(|entry| entry_depth(&entry.expr, nodes))
            .max()
            .unwrap_or(0),
        Ast::Struct(structure) => structure
            .entries
            .iter()
            .map(|entry| entry_depth(&entry.expr, nodes))
            .max()
            .unwrap_or(0),
        Ast::Select(select) => loop_depth(&select.operand, nodes),
        Ast::Ident(_) | Ast::Literal(_) | Ast::Unspecified => 0,
    }
}

fn entry_depth(entry: &EntryExpr, nodes: &mut usize) -> usize {
    match entry {
        EntryExpr::StructField(field) => loop_depth(&field.value, nodes),
        EntryExpr::MapEntry(entry) => {
            loop_depth(&entry.key, nodes).max(loop_depth(&entry.value, nodes))
        }
    }
}

/// The syntax trees of the expressions a load has parsed, by text. The `cel` crate's parser is
/// most of a load, and a pack repeats expressions: the Swedish messages those of the English
/// ones, many messages `{self.name}`.
#[derive(Default)]
pub struct Parsed(std::sync::Mutex<std::collections::HashMap<String, IdedExpr>>);

impl Parsed {
    fn get(&self, text: &str) -> Option<IdedExpr> {
        let trees = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        trees.get(text).cloned()
    }

    fn insert(&self, text: &str, tree: &IdedExpr) {
        let mut trees = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        trees.insert(text.to_string(), tree.clone());
    }

    /// The texts parsed so far.
    #[cfg(test)]
    fn texts(&self) -> Vec<String> {
        let trees = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        trees.keys().cloned().collect()
    }
}

/// An expression compiled, its syntax tree taken from `parsed` if this load has parsed the same
/// text before.
pub fn compile(
    source: &ExprSource,
    packs: &[PackSource],
    what: &str,
    parsed: &Parsed,
) -> Result<Expr, CompileError> {
    compile_with_names(source, packs, what, parsed, &[])
}

/// [`compile`] of an expression that may also read the variables `names` (see
/// [`code::compile_with_names`]).
pub fn compile_with_names(
    source: &ExprSource,
    packs: &[PackSource],
    what: &str,
    parsed: &Parsed,
    names: &[String],
) -> Result<Expr, CompileError> {
    if source.text.len() > MAX_EXPRESSION_BYTES {
        return Err(render(
            packs,
            source,
            0,
            &format!("{what} is longer than {MAX_EXPRESSION_BYTES} bytes; split the rule"),
        ));
    }
    let tree = match parsed.get(&source.text) {
        Some(tree) => tree,
        None => match syntax_tree(&source.text) {
            Ok(tree) => {
                parsed.insert(&source.text, &tree);
                tree
            }
            Err(Some(errors)) => {
                let first = errors.errors.first();
                let (line, column) = first.map_or((1, 0), |error| {
                    (error.pos.0.max(1) as usize, error.pos.1.max(0) as usize)
                });
                let message =
                    first.map_or_else(|| "syntax error".to_string(), |error| error.msg.clone());
                let offset = offset_of(&source.text, line, column);
                if let Some((feature, words)) = syntax_not_offered(&source.text, &message) {
                    let mut error = render(
                        packs,
                        source,
                        offset,
                        &format!("cannot compile {what}: {words}"),
                    );
                    error.refusal = Some(code::RefusalKind::NotOffered(feature));
                    return Err(error);
                }
                return Err(render(
                    packs,
                    source,
                    offset,
                    &format!("cannot compile {what}: {message}"),
                ));
            }
            Err(None) => return Err(render(packs, source, 0, &format!("cannot compile {what}"))),
        },
    };
    if let Err(reason) = bounded(&tree) {
        return Err(render(
            packs,
            source,
            0,
            &format!("{what} is not accepted: {reason}"),
        ));
    }
    match code::compile_with_names(&tree, names) {
        Ok(code) => Ok(Expr {
            code,
            source: source.clone(),
        }),
        Err(refusal) => {
            let offset = refusal
                .near
                .as_deref()
                .and_then(|near| source.text.find(near))
                .unwrap_or(0);
            let mut error = render(
                packs,
                source,
                offset,
                &format!("cannot compile {what}: {}", refusal.message),
            );
            error.refusal = Some(refusal.kind);
            Err(error)
        }
    }
}

/// The syntax tree of an expression, with its macros expanded; `Err(None)` if a parser panicked.
///
/// The `cel` crate has two parsers that build the same tree: the generated ANTLR parser that
/// `Program::compile` uses, and a hand-written Pratt parser. The Pratt parser reads the default
/// pack in a fraction of the time (the ANTLR one was two-thirds of a small run's fixed start), so
/// it reads first; an expression it refuses is read again by the ANTLR parser, whose error
/// messages the documentation shows. `tests::both_parsers_build_the_same_tree` holds the two
/// equal, so that a `cel` upgrade that makes them differ fails there.
fn syntax_tree(text: &str) -> Result<IdedExpr, Option<cel::ParseErrors>> {
    // Both are parsers of untrusted text written by others; guard against a panic all the same.
    if !stacks_prefix_operators(text) {
        let pratt = std::panic::catch_unwind(|| cel::parser::PrattParser::new().parse(text));
        if let Ok(Ok(tree)) = pratt {
            return Ok(tree);
        }
    }
    match std::panic::catch_unwind(|| Program::compile(text)) {
        Ok(Ok(program)) => Ok(program.expression().clone()),
        Ok(Err(errors)) => Err(Some(errors)),
        Err(_) => Err(None),
    }
}

/// The part of CEL's syntax that the parser refused as unsupported, when rules do not offer it:
/// its name, and the refusal in words that say what to write instead.
fn syntax_not_offered(text: &str, message: &str) -> Option<(&'static str, &'static str)> {
    if !message.contains("unsupported syntax") {
        return None;
    }
    if text.contains('`') {
        return Some((
            "field names in backquotes",
            "field names in backquotes (`a.`b-c``) are not offered in tillsyn rules; index the map instead: a['b-c']",
        ));
    }
    if text.contains(".?") || text.contains("[?") || text.contains("{?") {
        return Some((
            "optional values",
            "optional values (`a.?b`, `a[?k]`) are not offered in tillsyn rules; test the field with has(a.b) first",
        ));
    }
    None
}

/// Whether `!` or `-` is followed by another `!` or `-` (white space between): the one place
/// where the two parsers of the `cel` crate disagree. CEL's grammar does not let `!` and `-`
/// stack (`!-x`), which only the ANTLR parser refuses, and the two fold `!-7` differently. Such
/// a text goes to the ANTLR parser; so does the odd text that only looks like it (`a - -1`,
/// `'-!'`), which costs nothing but time.
fn stacks_prefix_operators(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(index, byte)| {
        matches!(byte, b'!' | b'-')
            && bytes[index + 1..]
                .iter()
                .find(|next| !next.is_ascii_whitespace())
                .is_some_and(|next| matches!(next, b'!' | b'-'))
    })
}

/// Byte offset of a 1-based line and 0-based character column within an expression.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &text[line_start.min(text.len())..];
    line_start
        + rest
            .char_indices()
            .nth(column)
            .map_or(rest.len(), |(offset, _)| offset)
}

/// `file:line:column: message`, then the pack's line with a caret under the column.
pub fn render(
    packs: &[PackSource],
    source: &ExprSource,
    offset_in_expr: usize,
    message: &str,
) -> CompileError {
    let Some(pack) = packs.get(source.pack) else {
        return CompileError {
            rendered: message.to_string(),
            refusal: None,
        };
    };
    let offset = (source.offset + offset_in_expr).min(pack.text.len());
    CompileError {
        rendered: caret(pack, offset, message),
        refusal: None,
    }
}

/// A diagnostic with the source line and a caret, the way compilers print them.
pub fn caret(pack: &PackSource, offset: usize, message: &str) -> String {
    let position = pack.lines.position(offset);
    let line_text = pack.text.lines().nth(position.line - 1).unwrap_or_default();
    let gutter = position.line.to_string().len();
    format!(
        "{}:{}:{}: {message}\n{:gutter$} |\n{} | {}\n{:gutter$} | {}^",
        pack.path,
        position.line,
        position.column,
        "",
        position.line,
        line_text,
        "",
        " ".repeat(position.column.saturating_sub(1)),
    )
}

/// A message with `{expression}` placeholders (`{{` and `}}` for braces).
pub struct Template {
    parts: Vec<Part>,
}

enum Part {
    Text(String),
    Expr(Expr),
}

impl Template {
    /// A message template compiled, its expressions' syntax trees shared through `parsed`.
    pub fn compile(
        source: &ExprSource,
        packs: &[PackSource],
        parsed: &Parsed,
    ) -> Result<Template, CompileError> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let text = &source.text;
        let mut chars = text.char_indices().peekable();
        while let Some((offset, character)) = chars.next() {
            match character {
                '{' if chars.peek().map(|(_, next)| *next) == Some('{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek().map(|(_, next)| *next) == Some('}') => {
                    chars.next();
                    literal.push('}');
                }
                '{' => {
                    let start = offset + 1;
                    let Some(end) = closing_brace(text, start) else {
                        return Err(render(
                            packs,
                            source,
                            offset,
                            "the message opens `{` but never closes it; write `{{` for a brace",
                        ));
                    };
                    if !literal.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut literal)));
                    }
                    let inner = ExprSource {
                        text: text[start..end].to_string(),
                        offset: source.offset + start,
                        pack: source.pack,
                    };
                    parts.push(Part::Expr(compile(
                        &inner,
                        packs,
                        "a `{…}` in the message",
                        parsed,
                    )?));
                    while chars.peek().is_some_and(|(next, _)| *next <= end) {
                        chars.next();
                    }
                }
                other => literal.push(other),
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Template { parts })
    }

    /// The message for the record (or group) bound in the machine. A placeholder that fails
    /// shows its expression and why, so that a message is never silently incomplete.
    pub fn render<'a>(&'a self, machine: &mut Machine<'a>) -> String {
        machine.in_message(|machine| self.render_parts(machine))
    }

    fn render_parts<'a>(&'a self, machine: &mut Machine<'a>) -> String {
        let mut text = String::new();
        for part in &self.parts {
            match part {
                Part::Text(literal) => text.push_str(literal),
                Part::Expr(expr) => match machine.eval(&expr.code) {
                    Ok(value) => text.push_str(&machine.display_in_message(&value)),
                    Err(fault) => {
                        text.push_str(&format!("{{{}: {}}}", expr.source.text, fault.explain()))
                    }
                },
            }
        }
        text
    }
}

/// The `}` that closes a placeholder opened before `start`: braces inside the expression (a map,
/// a regular expression's `{3,}`) nest, and braces in quoted strings do not count.
fn closing_brace(text: &str, start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (offset, character) in text[start..].char_indices() {
        if let Some(open) = quote {
            if escaped {
                escaped = false;
            } else if character == '\\' {
                escaped = true;
            } else if character == open {
                quote = None;
            }
            continue;
        }
        match character {
            '"' | '\'' => quote = Some(character),
            '{' => depth += 1,
            '}' if depth == 0 => return Some(start + offset),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack(text: &str) -> Vec<PackSource> {
        vec![PackSource::new("rules/x.toml", text, false)]
    }

    #[test]
    fn a_syntax_error_points_into_the_pack_with_a_caret() {
        let text = "[[rule]]\nassert = 'self.a == '\n";
        let packs = pack(text);
        let source = ExprSource {
            text: "self.a == ".into(),
            offset: text.find("self").unwrap(),
            pack: 0,
        };
        let error = compile(&source, &packs, "`assert` of X001", &Parsed::default())
            .err()
            .unwrap();
        assert!(
            error.rendered.starts_with("rules/x.toml:2:"),
            "{}",
            error.rendered
        );
        assert!(
            error.rendered.contains("2 | assert = 'self.a == '"),
            "{}",
            error.rendered
        );
        assert!(error.rendered.ends_with('^'), "{}", error.rendered);
    }

    #[test]
    fn templates_interpolate_expressions_and_escape_braces() {
        let text = "message = 'a {1 + 2} {{b}}'";
        let packs = pack(text);
        let source = ExprSource {
            text: "a {1 + 2} {{b}}".into(),
            offset: 11,
            pack: 0,
        };
        let template = Template::compile(&source, &packs, &Parsed::default()).unwrap();
        assert_eq!(rendered(&template), "a 3 {b}");
    }

    #[test]
    fn braces_inside_a_placeholder_nest_and_quoted_ones_do_not_count() {
        let packs = pack("");
        let source = ExprSource {
            text: "{'a}b' + \"}\"} {size({'k': 1})}".into(),
            offset: 0,
            pack: 0,
        };
        let template = Template::compile(&source, &packs, &Parsed::default()).unwrap();
        assert_eq!(rendered(&template), "a}b} 1");
    }

    #[test]
    fn a_message_reads_an_absent_field_as_none_where_a_condition_fails_on_it() {
        let packs = pack("");
        let source = ExprSource {
            text: "declared {string({'b': 2}.a)}/{ {'b': 2}.b }, {1 / 0}".into(),
            offset: 0,
            pack: 0,
        };
        let template = Template::compile(&source, &packs, &Parsed::default()).unwrap();
        // A failure that is not an absence still shows, so that a message is never silently
        // incomplete.
        assert_eq!(
            rendered(&template),
            "declared none/2, {1 / 0: division by zero}"
        );
    }

    /// The template rendered over an empty repository.
    fn rendered(template: &Template) -> String {
        let catalog = crate::schema::Catalog::get().unwrap();
        let (repository, _) = crate::repository::Repository::build(
            Vec::new(),
            &[],
            catalog,
            &crate::source::Limits::default(),
        );
        let today = jiff::civil::date(2026, 11, 27);
        let world = crate::rules::functions::World::new(&repository, today, Default::default());
        let mut machine = Machine::new(&world, crate::rules::value::Val::Null);
        template.render(&mut machine)
    }

    #[test]
    fn an_unknown_function_is_refused_at_load_with_a_suggestion() {
        let text = "assert = 'in_forse(self)'";
        let packs = pack(text);
        let source = ExprSource {
            text: "in_forse(self)".into(),
            offset: 10,
            pack: 0,
        };
        let error = compile(&source, &packs, "`assert` of X001", &Parsed::default())
            .err()
            .unwrap();
        assert!(
            error.rendered.starts_with("rules/x.toml:1:11: cannot compile `assert` of X001: unknown function `in_forse`; did you mean `in_force`?"),
            "{}",
            error.rendered
        );
    }

    #[test]
    fn an_unknown_name_is_refused_at_load() {
        let packs = pack("");
        let source = ExprSource {
            text: "has(slef.owner)".into(),
            offset: 0,
            pack: 0,
        };
        let error = compile(&source, &packs, "`assert` of X001", &Parsed::default())
            .err()
            .unwrap();
        assert!(
            error.rendered.contains("unknown name `slef`")
                && error.rendered.contains("did you mean `self`?"),
            "{}",
            error.rendered
        );
    }

    /// The tree the `cel` crate's ANTLR parser builds, the reference, with the ids of its nodes
    /// left out: the two parsers number the nodes of maps and of stacked signs differently, and
    /// nothing reads the ids.
    fn antlr_tree(text: &str) -> Option<String> {
        Program::compile(text)
            .ok()
            .map(|program| without_ids(program.expression()))
    }

    fn without_ids(tree: &IdedExpr) -> String {
        let ids = regex::Regex::new(r"\bid: \d+").unwrap();
        ids.replace_all(&format!("{tree:?}"), "id: _").into_owned()
    }

    /// The tree `syntax_tree` reads, in the form of [`antlr_tree`].
    fn our_tree(text: &str) -> Option<String> {
        syntax_tree(text).ok().map(|tree| without_ids(&tree))
    }

    #[test]
    fn both_parsers_build_the_same_tree_for_every_expression_of_the_default_pack() {
        let sources = crate::rules::pack::DEFAULT_PACKS
            .iter()
            .map(|(path, text)| PackSource::new(*path, *text, true))
            .collect();
        let packs = crate::rules::pack::read(sources).unwrap();
        let parsed = Parsed::default();
        for rule in &packs.rules {
            for check in &rule.checks {
                let mut expressions: Vec<&ExprSource> = check.when.iter().collect();
                expressions.push(&check.assert);
                if let crate::rules::pack::Scope::Group(group_by) = &check.scope {
                    expressions.push(&group_by.0);
                }
                for expression in expressions {
                    compile(expression, &packs.sources, "an expression", &parsed).unwrap();
                }
                for message in std::iter::once(&check.message).chain(&check.message_sv) {
                    Template::compile(message, &packs.sources, &parsed).unwrap();
                }
            }
        }
        let texts = parsed.texts();
        assert!(texts.len() > 200, "only {} texts", texts.len());
        for text in texts {
            let pratt = cel::parser::PrattParser::new().parse(&text);
            let pratt = pratt.ok().map(|tree| without_ids(&tree));
            // The default pack is read by the Pratt parser alone, or the gain is lost.
            assert!(
                pratt.is_some() && !stacks_prefix_operators(&text),
                "the Pratt parser does not read `{text}`"
            );
            assert_eq!(pratt, antlr_tree(&text), "the parsers differ on `{text}`");
        }
    }

    /// Random expressions in the syntax rules use: names, fields, calls and methods, the macros,
    /// literals with escapes, every operator, conditionals, lists, maps and indexes.
    fn expression(depth: u32) -> proptest::strategy::BoxedStrategy<String> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            prop::sample::select(vec!["self", "params", "today", "group", "x", "_y1"])
                .prop_map(str::to_string),
            (0i64..1_000_000).prop_map(|number| number.to_string()),
            (0u64..1_000).prop_map(|number| format!("{number}u")),
            (0u32..1000, 0u32..100).prop_map(|(whole, part)| format!("{whole}.{part}")),
            prop::sample::select(vec!["true", "false", "null", "1e3", "0x1F", "-7"])
                .prop_map(str::to_string),
            "[a-zåäö '\\\"\\\\n{}]{0,8}".prop_map(|text| format!("'{text}'")),
            "[a-z\\\\']{0,6}".prop_map(|text| format!("r\"{text}\"")),
        ];
        leaf.prop_recursive(depth, 48, 4, |inner| {
            let operator = prop::sample::select(vec![
                "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "&&", "||", "in",
            ]);
            let name = prop::sample::select(vec!["owner", "unit", "size", "all", "ref", "a_b"]);
            let function =
                prop::sample::select(vec!["size", "ref", "in_force", "has_any", "int", "string"]);
            let method = prop::sample::select(vec!["all", "exists", "exists_one", "map", "filter"]);
            prop_oneof![
                (inner.clone(), operator, inner.clone())
                    .prop_map(|(left, operator, right)| format!("{left} {operator} {right}")),
                (inner.clone(), name.clone())
                    .prop_map(|(operand, field)| format!("{operand}.{field}")),
                (inner.clone(), name)
                    .prop_map(|(operand, field)| format!("has({operand}.{field})")),
                (function, prop::collection::vec(inner.clone(), 0..3))
                    .prop_map(|(function, args)| format!("{function}({})", args.join(", "))),
                (inner.clone(), method, inner.clone())
                    .prop_map(|(range, method, body)| format!("{range}.{method}(v, {body})")),
                (inner.clone(), inner.clone(), inner.clone())
                    .prop_map(|(guard, then, otherwise)| format!("{guard} ? {then} : {otherwise}")),
                prop::collection::vec(inner.clone(), 0..3)
                    .prop_map(|items| format!("[{}]", items.join(", "))),
                prop::collection::vec((inner.clone(), inner.clone()), 0..3).prop_map(|entries| {
                    let entries: Vec<String> = entries
                        .iter()
                        .map(|(key, value)| format!("{key}: {value}"))
                        .collect();
                    format!("{{{}}}", entries.join(", "))
                }),
                (inner.clone(), inner.clone())
                    .prop_map(|(operand, index)| format!("{operand}[{index}]")),
                inner.clone().prop_map(|operand| format!("!{operand}")),
                inner.clone().prop_map(|operand| format!("-{operand}")),
                inner.prop_map(|operand| format!("({operand})")),
            ]
        })
        .boxed()
    }

    /// Texts made of CEL's tokens in any order, most of them not CEL: the corners of the lexer
    /// (escapes, raw and triple-quoted strings, number forms, reserved words, comments, trailing
    /// commas) and of what a parser refuses.
    fn token_soup() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let tokens = vec![
            "a",
            "b.c",
            "1",
            "1u",
            "1.5",
            ".5",
            "1.",
            "1e3",
            "0x1",
            "-",
            "!",
            "+",
            "*",
            "/",
            "%",
            "==",
            "!=",
            "<",
            "<=",
            ">",
            ">=",
            "&&",
            "||",
            "?",
            ":",
            "(",
            ")",
            "[",
            "]",
            "{",
            "}",
            ",",
            ".",
            "in",
            "true",
            "null",
            "'s'",
            "\"s\"",
            "r's'",
            "b'x'",
            "'''t'''",
            r"'\n'",
            r"'\u00e5'",
            r"'\x41'",
            r"'\101'",
            r"'\q'",
            "//c\n",
            " ",
            "\n",
            "\t",
            "ä",
            "has",
            "all",
            "exists",
            "map",
            "filter",
            "a.all(x, x)",
            "has(a.b)",
            "a.exists_one(x, x)",
            "x.map(y, y, y)",
            "as",
            "if",
            "let",
            "namespace",
            "`a`",
            "?.",
            ".?",
            "1e",
            "0x",
            "9223372036854775808",
            "-9223372036854775808",
            "18446744073709551616u",
            "[1,]",
            "{1:2,}",
            "a(b,)",
        ];
        prop::collection::vec(prop::sample::select(tokens), 0..10)
            .prop_map(|tokens| tokens.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(CASES))]

        /// What tillsyn reads is what the ANTLR parser reads: the same tree, or a refusal.
        #[test]
        fn random_expressions_read_as_the_antlr_parser_reads_them(text in expression(4)) {
            proptest::prop_assert_eq!(our_tree(&text), antlr_tree(&text), "on `{}`", text);
        }

        #[test]
        fn random_tokens_read_as_the_antlr_parser_reads_them(text in token_soup()) {
            proptest::prop_assert_eq!(our_tree(&text), antlr_tree(&text), "on `{}`", text.escape_debug());
        }

        #[test]
        fn random_text_reads_as_the_antlr_parser_reads_it(text in "[ -~]{0,24}") {
            proptest::prop_assert_eq!(our_tree(&text), antlr_tree(&text), "on `{}`", text.escape_debug());
        }
    }

    /// Cases per property: the ANTLR parser is slow in a test build, and these run in CI.
    const CASES: u32 = 1000;
}
