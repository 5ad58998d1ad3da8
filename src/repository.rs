//! The repository: every record of the checked tree by kind and id, with the indexes that later
//! stages use instead of scanning (ids per kind, references and who refers to whom), built once.
//!
//! Building it is also where a parsed file becomes records, so the findings about files that are
//! not records at all (PARSE001, SRC001) and about shared ids (XRF002) are made here.
//!
//! Indexing here is by record and file positions this module built itself, never by data from
//! outside.
#![allow(clippy::indexing_slicing)]

mod id_index;

use rayon::prelude::*;

use jiff::civil::Date;

use crate::builtin::{self, BuiltinRule};
use crate::finding::{Finding, Identity, Message, Origin};
use crate::schema::{Catalog, ReferenceField, Step};
use crate::source::discover::WalkProblem;
use crate::source::node::{List, Node, Value, escape_pointer_token};
use crate::source::span::{LineIndex, Position, Span};
use crate::source::{Format, Limits, ParsedFile, xlsx};
use crate::suggest::{did_you_mean, did_you_mean_sv};

/// What a repository keeps of a file once it is parsed: its path, and what turns spans into
/// positions. The text itself is not kept (see [`LineIndex`]).
pub struct SourceText {
    pub path: String,
    pub format: Format,
    pub lines: LineIndex,
    /// The Markdown body, for governing documents kept as Markdown.
    pub body: Option<Span>,
    /// For a workbook, the sheet read; its spans are cells of this sheet.
    pub sheet: Option<String>,
}

impl SourceText {
    /// Line and column of a span's start; for a workbook, row and column number of its cell.
    pub fn position(&self, span: Span) -> Position {
        match self.format {
            Format::Xlsx => xlsx::position(span.start()),
            _ => self.lines.position(span.start()),
        }
    }

    /// The cell a span points at (`Assets!C12`), for a workbook; `None` for every other file
    /// and for spans on the workbook as a whole.
    pub fn cell(&self, span: Span) -> Option<String> {
        match (self.format, &self.sheet) {
            (Format::Xlsx, Some(sheet)) => xlsx::cell_reference(sheet, span),
            _ => None,
        }
    }

    /// Where a span is, as a person reads it: `path:line:column`, or `path:Sheet!C12`.
    pub fn location(&self, span: Span) -> String {
        match self.cell(span) {
            Some(cell) => format!("{}:{cell}", self.path),
            None => {
                let position = self.position(span);
                format!("{}:{}:{}", self.path, position.line, position.column)
            }
        }
    }
}

/// A file whose records could not all be read: it did not parse, named no known kind, was not a
/// table or list of records, or held more records than `records_per_file`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnreadFile {
    /// The file's position in [`Repository::files`].
    pub file: usize,
    /// The kind of records it holds, when that can be made out: the kind it declares, the
    /// `[[sources]]` mapping's, or the known kind nearest to an unknown one.
    pub kind: Option<&'static str>,
}

/// One record: a table of fields of one kind, somewhere in one file.
pub struct Record {
    pub kind: &'static str,
    pub file: usize,
    pub place: Place,
    pub node: Node,
}

/// Where a record is in its file. Kept as positions rather than as its pointer's text, which a
/// million records would each allocate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// The file is the record.
    Whole,
    /// An item of the list that is the file (`/3`).
    Listed(u32),
    /// An item of the file's `records` (`/records/3`).
    InRecords(u32),
    /// A record an importer read from another tool's format, the item of its kind's list
    /// (`/dataset/3`).
    Imported(u32),
}

impl Record {
    /// The id when the record has a string `id` (a record without one is a schema finding).
    pub fn id(&self) -> Option<&str> {
        self.get_str("id")
    }

    /// The record's JSON pointer within its file: empty for a one-record file, `/records/3`
    /// otherwise.
    pub fn pointer(&self) -> String {
        match self.place {
            Place::Whole => String::new(),
            Place::Listed(index) => format!("/{index}"),
            Place::InRecords(index) => format!("/records/{index}"),
            Place::Imported(index) => format!("/{}/{index}", self.kind),
        }
    }

    /// `status` as DOMAIN.md defines it: absent means active.
    pub fn status(&self) -> &str {
        self.node
            .get("status")
            .and_then(Node::as_str)
            .unwrap_or("active")
    }

    pub fn is_active(&self) -> bool {
        self.status() == "active"
    }

    pub fn get_str(&self, field: &str) -> Option<&str> {
        self.node.get(field).and_then(Node::as_str)
    }

    /// A date field, when it holds a valid date (`until_further_notice` and bad dates do not).
    pub fn date(&self, field: &str) -> Option<Date> {
        self.get_str(field)
            .and_then(|text| crate::dates::parse(text).ok())
    }

    /// In force (DOMAIN.md, "Derived values"): active, and `today` within the record's validity
    /// dates — `valid_from`/`valid_to`, else `approved_on`/`expires_on`; `until_further_notice`
    /// has no end. The one definition every stage uses.
    pub fn in_force(&self, today: Date) -> bool {
        let starts = self.date("valid_from").or_else(|| self.date("approved_on"));
        let ends = self.date("valid_to").or_else(|| self.date("expires_on"));
        self.is_active()
            && starts.is_none_or(|start| start <= today)
            && ends.is_none_or(|end| today <= end)
    }
}

/// Record `record`'s part of a list kept for all records at once, `starts` giving where each
/// record's part starts (and, one past the last record, where the list ends).
fn record_part<'l, T>(list: &'l [T], starts: &[u32], record: usize) -> &'l [T] {
    let start = starts.get(record).map_or(0, |&start| start as usize);
    let end = starts.get(record + 1).map_or(start, |&end| end as usize);
    list.get(start..end).unwrap_or_default()
}

/// Where each record's part of a list kept for all records starts, from how many items each
/// record has: `counts[r + 1]` is record `r`'s count, `counts[0]` is zero.
fn starts_from_counts(mut counts: Vec<u32>) -> Vec<u32> {
    for index in 1..counts.len() {
        counts[index] = counts[index].saturating_add(counts[index - 1]);
    }
    counts
}

/// A reference seen from the record it names: which record holds it, and in which field (by
/// its number, [`Repository::referring_field`] gives it), without reading the reference or the
/// referring record. Rules ask "who refers to this record from field F of kind K" for every
/// record; at a million records the references and records are far apart in memory, and
/// reading them for each referrer cost more than the rest of the question. Eight bytes: a
/// million-record tree has eight million.
#[derive(Clone, Copy)]
pub struct Referrer {
    /// The referring record.
    from: u32,
    /// The number of the field's schema among the catalogue's reference fields.
    field: u32,
}

impl Referrer {
    /// The referring record.
    pub fn from(&self) -> usize {
        self.from as usize
    }
}

/// The referring record's field that holds a reference: `hosting` for `hosting.supplier`.
pub fn top_field(field: &ReferenceField) -> &str {
    match field.path.first() {
        Some(Step::Key(key)) => key,
        _ => "",
    }
}

/// A field of one record holding the id of another. A repository holds millions of these, so a
/// reference keeps what the schema knows by reference to the (static) catalogue, and finds its
/// pointer and id again in the record when a finding needs them.
pub struct Reference {
    /// The referring record (positions are 32-bit here: a reference is one of millions).
    from: u32,
    /// Which of the field's ids in the record this is (a list field holds several).
    occurrence: u32,
    /// Where the id's text starts (as its node keeps it), so that a reference is 24 bytes.
    start: u32,
    /// The schema's description of the field.
    pub schema: &'static ReferenceField,
    /// The record the id resolves to, or `UNRESOLVED`.
    resolved: u32,
}

const UNRESOLVED: u32 = u32::MAX;

/// How many levels of `parent` above an org unit are followed. An organisation chart has a
/// handful (council, board, administration, department, unit); a longer chain is an error in
/// the register, reported once as XRF004, and bounding the walk keeps `ancestors()` and
/// `assignments()` linear in the units however long a chain a register holds.
pub const MOST_PARENT_LEVELS: usize = 64;

impl Reference {
    /// Where the id is.
    pub fn span(&self) -> Span {
        Span::starting_at(self.start as usize)
    }

    /// The referring record.
    pub fn from(&self) -> usize {
        self.from as usize
    }

    /// The record the id resolves to, if any.
    pub fn resolved(&self) -> Option<usize> {
        (self.resolved != UNRESOLVED).then_some(self.resolved as usize)
    }

    /// The field as the schema names it (`hosting.supplier`).
    pub fn field(&self) -> &'static str {
        &self.schema.name
    }

    /// The record's field that holds the reference: `hosting` for `hosting.supplier`.
    pub fn top_field(&self) -> &'static str {
        top_field(self.schema)
    }

    /// The kinds the id may name.
    pub fn kinds(&self) -> &'static [&'static str] {
        &self.schema.kinds
    }

    /// The pointer within the referring record, and the id written there.
    pub fn located<'r>(&self, repository: &'r Repository) -> (String, &'r str) {
        let record = repository.record(self.from());
        ids_at(&record.node, self.schema)
            .into_iter()
            .nth(self.occurrence as usize)
            .map_or_else(|| (String::new(), ""), |(pointer, _, id)| (pointer, id))
    }
}

/// Pointers in document order, list positions by number (`/a/10` after `/a/9`), a table before
/// what is below it.
fn pointer_order(left: &str, right: &str) -> std::cmp::Ordering {
    let tokens = |pointer: &str| -> Vec<(u64, String)> {
        pointer
            .split('/')
            .skip(1)
            .map(|token| match token.parse::<u64>() {
                Ok(position) => (position, String::new()),
                Err(_) => (u64::MAX, token.to_string()),
            })
            .collect()
    };
    tokens(left).cmp(&tokens(right))
}

/// The ids a reference field holds in a record, with their pointers and nodes, in record order:
/// values that are not strings, and tokens that are not ids (`all_committees`), left out.
fn ids_at<'n>(node: &'n Node, field: &'static ReferenceField) -> Vec<(String, &'n Node, &'n str)> {
    let mut found = Vec::new();
    let mut pointer = String::new();
    for_each_id::<true>(
        node,
        field,
        &field.path,
        &mut pointer,
        &mut |pointer, node, id| {
            found.push((pointer.to_string(), node, id));
        },
    );
    found
}

pub struct Repository {
    pub files: Vec<SourceText>,
    /// Files that were read but hold nothing for tillsyn (no `kind`, no mapping), for `-v`.
    pub skipped: Vec<(String, &'static str)>,
    pub records: Vec<Record>,
    /// Files whose records could not all be read, in file order: the follow-up must not take
    /// their records' absence for a fix.
    pub unread: Vec<UnreadFile>,
    pub references: Vec<Reference>,
    ids: id_index::IdIndex,
    /// The references that point at record `r` are `referrers[referrer_starts[r]..
    /// referrer_starts[r + 1]]`, in repository order: one list for all records rather than a
    /// list per record, which at a million records would be a million allocations.
    referrer_starts: Vec<u32>,
    referrers: Vec<Referrer>,
    /// The references record `r` holds are `references[reference_starts[r]..
    /// reference_starts[r + 1]]`: references are in repository order of the referring record.
    reference_starts: Vec<u32>,
    /// The catalogue's reference fields by number, for [`Repository::referring_field`].
    reference_fields: Vec<&'static ReferenceField>,
    /// Where each value validation refused was, by record and pointer: the value is gone from
    /// its record ([`Repository::withhold`]), and a rule that names its field still points there.
    withheld: std::collections::HashMap<(usize, String), Span>,
}

impl Repository {
    /// Turns parsed files into records and indexes them. The findings returned are those of
    /// reading: files that did not parse, unknown kinds, malformed record lists, shared ids.
    pub fn build(
        parsed: Vec<ParsedFile>,
        walk_problems: &[WalkProblem],
        catalog: &'static Catalog,
        limits: &Limits,
    ) -> (Repository, Vec<Finding>) {
        let mut builder = Builder {
            catalog,
            records_per_file: limits.records_per_file,
            files: Vec::new(),
            skipped: Vec::new(),
            unread: Vec::new(),
            // Sized once: growing a list of a million records by doubling would hold the old
            // and the new list at the same time, at the run's peak of memory.
            records: Vec::with_capacity(parsed.iter().map(record_estimate).sum()),
            findings: Vec::new(),
        };
        for problem in walk_problems {
            builder.findings.push(file_finding(
                &builtin::PARSE001,
                &problem.path,
                Position { line: 1, column: 1 },
                "",
                Message::new(problem.message.clone(), problem.message_sv.clone()),
            ));
        }
        for file in parsed {
            builder.add_file(file);
        }
        builder.link_oscal_assessments();
        let Builder {
            files,
            skipped,
            unread,
            records,
            mut findings,
            ..
        } = builder;
        let (ids, duplicates) = id_index::IdIndex::build(&records);
        let mut repository = Repository {
            files,
            skipped,
            records,
            unread,
            references: Vec::new(),
            ids,
            referrer_starts: Vec::new(),
            referrers: Vec::new(),
            reference_starts: Vec::new(),
            reference_fields: catalog.reference_fields(),
            withheld: std::collections::HashMap::new(),
        };
        findings.extend(repository.duplicate_findings(duplicates));
        repository.index_references(catalog);
        (repository, findings)
    }

    pub fn record(&self, index: usize) -> &Record {
        &self.records[index]
    }

    /// Takes the values validation refused out of their records, so that every later stage
    /// reads them as absent: a rule on the review date decides from `valid_from` when
    /// `last_revised` is `[Datum]`, rather than from a date that is none. A record's `id` stays,
    /// for its findings to be known by. Called once, after validation, before the rules.
    pub fn withhold(&mut self, mut withheld: Vec<(usize, String)>) {
        // Deepest and last first, so that taking out a list item leaves the pointers of the
        // ones before it, and a value below a refused table is taken out before the table.
        withheld.sort_by(|(a, left), (b, right)| a.cmp(b).then_with(|| pointer_order(right, left)));
        withheld.dedup();
        for (index, pointer) in withheld {
            if pointer == "/id" {
                continue;
            }
            let Some(record) = self.records.get_mut(index) else {
                continue;
            };
            if let Some(span) = record.node.remove(&pointer) {
                self.withheld.insert((index, pointer), span);
            }
        }
    }

    /// Where the value at `pointer` of a record is, or was before it was withheld; the nearest
    /// table that exists for a field that is absent.
    pub fn span_at(&self, index: usize, pointer: &str) -> Span {
        if !self.withheld.is_empty()
            && let Some(span) = self.withheld.get(&(index, pointer.to_string()))
        {
            return *span;
        }
        self.record(index).node.pointer(pointer).span()
    }

    /// The record of one of `kinds` with this id, in the order the kinds are given.
    pub fn resolve(&self, kinds: &[&str], id: &str) -> Option<usize> {
        self.ids.resolve(kinds, id)
    }

    /// The ids of every record of a kind, in repository order: a scan, for a "did you mean" on
    /// an id that resolved to nothing, never for a look-up.
    pub fn ids_of(&self, kind: &str) -> Vec<&str> {
        self.records
            .iter()
            .filter(|record| record.kind == kind)
            .filter_map(Record::id)
            .collect()
    }

    /// The first record with this id, of any kind, and whether other records have the id too.
    pub fn any_kind(&self, id: &str) -> Option<(usize, bool)> {
        self.ids.any_kind(id)
    }

    /// The references a record holds, in the order of its schema's reference fields.
    pub fn references_of(&self, record: usize) -> &[Reference] {
        record_part(&self.references, &self.reference_starts, record)
    }

    /// The schema of the field a referrer refers from.
    pub fn referring_field(&self, referrer: &Referrer) -> Option<&'static ReferenceField> {
        self.reference_fields.get(referrer.field as usize).copied()
    }

    /// Who refers to a record, and from which field, in repository order.
    pub fn referrer_entries(&self, record: usize) -> &[Referrer] {
        record_part(&self.referrers, &self.referrer_starts, record)
    }

    pub fn position(&self, file: usize, span: Span) -> Position {
        self.files[file].position(span)
    }

    /// A finding about one value of a record. `pointer` is within the record.
    pub fn finding(
        &self,
        rule: &Origin,
        record: usize,
        pointer: &str,
        span: Span,
        detail: &str,
        message: Message,
    ) -> Finding {
        let record = &self.records[record];
        let file = &self.files[record.file];
        let position = file.position(span);
        // A record without an id is known by its place in the file.
        let place;
        let record_key = match record.id() {
            Some(id) => id,
            None => {
                place = format!("{}#{}", file.path, record.pointer());
                &place
            }
        };
        let fingerprint = Identity {
            rule: rule.id,
            kind: record.kind,
            record: record_key,
            pointer,
            detail,
        }
        .fingerprint();
        let mut finding = rule.at(
            message,
            &file.path,
            position.line,
            position.column,
            format!("{}{pointer}", record.pointer()),
        );
        finding.kind = Some(record.kind.into());
        finding.record = record.id().map(str::to_string);
        finding.cell = file.cell(span);
        finding.fingerprint = fingerprint;
        finding
    }

    /// XRF002 for every record whose id an earlier record of its kind already has.
    fn duplicate_findings(&self, duplicates: Vec<id_index::Duplicate>) -> Vec<Finding> {
        let mut findings = Vec::new();
        for id_index::Duplicate {
            record: index,
            first,
        } in duplicates
        {
            let record = &self.records[index];
            let Some(id) = record.id() else {
                continue;
            };
            let first = &self.records[first];
            let first_file = &self.files[first.file];
            let first_span = first
                .node
                .get("id")
                .map_or(first.node.span(), |node| node.span());
            let at = first_file.location(first_span);
            let span = record
                .node
                .get("id")
                .map_or(record.node.span(), |node| node.span());
            let message = Message::new(
                format!(
                    "the id `{id}` is also the id of the {} at {at}",
                    record.kind
                ),
                format!(
                    "id:t `{id}` är också id för posten av typen {} på {at}",
                    record.kind
                ),
            );
            // Both records share rule, kind and id: their places tell them apart.
            let place = format!("{}#{}", self.files[record.file].path, record.pointer());
            let finding = self.finding(
                &builtin::XRF002.origin(),
                index,
                "/id",
                span,
                &place,
                message,
            );
            findings.push(finding);
        }
        findings
    }

    fn index_references(&mut self, catalog: &'static Catalog) {
        // Counted first, so that the list is allocated once at its size; then found and resolved
        // in parallel, a batch of records at a time. A list of millions collected by the threads
        // in one piece would exist twice, at the run's peak of memory.
        const BATCH: usize = 65_536;
        const CHUNK: usize = 1_024;
        let count: usize = self
            .records
            .par_iter()
            .map(|record| {
                catalog.kind(record.kind).map_or(0, |schema| {
                    let mut count = 0;
                    for field in &schema.references {
                        for_each_id::<false>(
                            &record.node,
                            field,
                            &field.path,
                            &mut String::new(),
                            &mut |_, _, _| count += 1,
                        );
                    }
                    count
                })
            })
            .sum();
        let mut references: Vec<Reference> = Vec::with_capacity(count);
        for (batch, records) in self.records.chunks(BATCH).enumerate() {
            // A list per chunk of records, not per record: a million small lists cost more to
            // allocate than to fill.
            let found: Vec<Vec<Reference>> = records
                .par_chunks(CHUNK)
                .enumerate()
                .map(|(chunk, records)| {
                    let first = batch * BATCH + chunk * CHUNK;
                    let mut found = Vec::new();
                    for (offset, record) in records.iter().enumerate() {
                        self.add_references_of(catalog, first + offset, record, &mut found);
                    }
                    found
                })
                .collect();
            for found in found {
                references.extend(found);
            }
        }
        // Counted, then placed: a counting sort by target that keeps repository order.
        let mut starts = vec![0u32; self.records.len() + 1];
        for target in references.iter().filter_map(Reference::resolved) {
            starts[target + 1] = starts[target + 1].saturating_add(1);
        }
        let starts = starts_from_counts(starts);
        let mut next = starts.clone();
        let mut referrers =
            vec![Referrer { from: 0, field: 0 }; starts.last().map_or(0, |&end| end as usize)];
        for reference in &references {
            if let Some(target) = reference.resolved() {
                if let Some(slot) = referrers.get_mut(next[target] as usize) {
                    *slot = Referrer {
                        from: reference.from,
                        field: reference.schema.number,
                    };
                }
                next[target] = next[target].saturating_add(1);
            }
        }
        // References are in the order of the records holding them: record `r`'s start is the
        // number of references held by the records before it.
        let mut held = vec![0u32; self.records.len() + 1];
        for reference in &references {
            held[reference.from() + 1] = held[reference.from() + 1].saturating_add(1);
        }
        let held = starts_from_counts(held);
        self.references = references;
        self.reference_starts = held;
        self.referrer_starts = starts;
        self.referrers = referrers;
    }

    /// The references a record holds, resolved, in the order of its schema's reference fields.
    fn add_references_of(
        &self,
        catalog: &'static Catalog,
        index: usize,
        record: &Record,
        found: &mut Vec<Reference>,
    ) {
        // Four billion records would not fit in memory long before this.
        let (Some(schema), Ok(from)) = (catalog.kind(record.kind), u32::try_from(index)) else {
            return;
        };
        for field in &schema.references {
            let mut occurrence = 0u32;
            for_each_id::<false>(
                &record.node,
                field,
                &field.path,
                &mut String::new(),
                &mut |_, node, id| {
                    let resolved = self
                        .resolve(&field.kinds, id)
                        .and_then(|target| u32::try_from(target).ok())
                        .unwrap_or(UNRESOLVED);
                    found.push(Reference {
                        from,
                        schema: field,
                        occurrence,
                        start: u32::try_from(node.span().start()).unwrap_or(u32::MAX),
                        resolved,
                    });
                    occurrence = occurrence.saturating_add(1);
                },
            );
        }
    }
}

/// Calls `found` with every id a reference field holds in a record (below `path`, the steps of
/// the field still to take), in record order, without the values that are not strings or are
/// tokens rather than ids (`all_committees`). With `POINTERS`, each id comes with its pointer
/// (`pointer` is the pointer of `node`, extended and restored on the way down); indexing
/// millions of references builds none, and without them this compiles to the bare walk.
fn for_each_id<'n, const POINTERS: bool>(
    node: &'n Node,
    field: &ReferenceField,
    path: &[Step],
    pointer: &mut String,
    found: &mut impl FnMut(&str, &'n Node, &'n str),
) {
    let length = pointer.len();
    match (path.split_first(), &node.value) {
        (None, Value::String(id)) if !field.tokens.iter().any(|token| token == id.as_str()) => {
            found(pointer, node, id.as_str());
        }
        (Some((Step::Key(key), rest)), Value::Map(_)) => {
            if let Some(child) = node.get(key) {
                if POINTERS {
                    pointer.push('/');
                    pointer.push_str(&escape_pointer_token(key));
                }
                for_each_id::<POINTERS>(child, field, rest, pointer, found);
            }
        }
        (Some((Step::Items, rest)), Value::Sequence(items)) => {
            for (index, item) in items.iter().enumerate() {
                if POINTERS {
                    pointer.truncate(length);
                    pointer.push('/');
                    pointer.push_str(&index.to_string());
                }
                for_each_id::<POINTERS>(item, field, rest, pointer, found);
            }
        }
        _ => {}
    }
    if POINTERS {
        pointer.truncate(length);
    }
}

/// How many records a parsed file holds, at most: the items of its list or of its `records`.
fn record_estimate(file: &ParsedFile) -> usize {
    let Ok(document) = &file.outcome else {
        return 0;
    };
    match &document.root.value {
        Value::Sequence(items) => items.len(),
        Value::Map(_) => match document.root.get("records").map(|node| &node.value) {
            Some(Value::Sequence(items)) => items.len(),
            _ => 1,
        },
        _ => 0,
    }
}

/// A finding about a whole file (or a part of it that is not a record).
fn file_finding(
    rule: &BuiltinRule,
    path: &str,
    position: Position,
    pointer: &str,
    message: Message,
) -> Finding {
    let mut finding = rule.origin().at(
        message,
        path,
        position.line,
        position.column,
        pointer.to_string(),
    );
    finding.fingerprint = Identity {
        rule: rule.id,
        kind: "",
        record: "",
        pointer: path,
        detail: pointer,
    }
    .fingerprint();
    finding
}

struct Builder<'c> {
    catalog: &'c Catalog,
    records_per_file: usize,
    files: Vec<SourceText>,
    skipped: Vec<(String, &'static str)>,
    unread: Vec<UnreadFile>,
    records: Vec<Record>,
    findings: Vec<Finding>,
}

impl Builder<'_> {
    fn add_file(&mut self, parsed: ParsedFile) {
        let ParsedFile {
            path,
            format,
            mapped_kind,
            sheet,
            lines,
            outcome,
            kind_hint,
            ..
        } = parsed;
        let file_index = self.files.len();
        self.files.push(SourceText {
            path,
            format,
            lines,
            body: None,
            sheet,
        });
        let root = match outcome {
            Ok(document) => {
                self.files[file_index].body = document.body;
                Some(document.root)
            }
            Err(error) => {
                // A library's own words stay English, after a Swedish lead-in.
                let swedish = error.sv.map(|sv| *sv).unwrap_or_default();
                let mut sv = swedish
                    .message
                    .unwrap_or_else(|| format!("filen kan inte tolkas: {}", error.message));
                let mut message = error.message;
                if let Some(hint) = error.hint {
                    let hint_sv = swedish.hint.as_deref().unwrap_or(&hint);
                    sv = format!("{sv} ({hint_sv})");
                    message = format!("{message} ({hint})");
                }
                let message = Message::new(message, sv);
                self.file_problem(&builtin::PARSE001, file_index, error.span, "", message);
                let kind = mapped_kind
                    .as_deref()
                    .or(kind_hint.as_deref())
                    .and_then(|name| self.catalog.intern(name));
                self.unread(file_index, kind);
                None
            }
        };
        if let Some(root) = root {
            self.add_records(file_index, root, mapped_kind.as_deref());
        }
    }

    /// Notes that not all of a file's records were read (once per file).
    fn unread(&mut self, file: usize, kind: Option<&'static str>) {
        if self.unread.last().is_none_or(|last| last.file != file) {
            self.unread.push(UnreadFile { file, kind });
        }
    }

    fn file_problem(
        &mut self,
        rule: &BuiltinRule,
        file: usize,
        span: Span,
        pointer: &str,
        message: Message,
    ) {
        let source = &self.files[file];
        let mut finding = file_finding(rule, &source.path, source.position(span), pointer, message);
        finding.cell = source.cell(span);
        self.findings.push(finding);
    }

    fn add_records(&mut self, file: usize, root: Node, mapped_kind: Option<&str>) {
        if self.files[file].format.is_imported() {
            self.add_imported(file, root);
            return;
        }
        let declared = root
            .entry("kind")
            .map(|entry| (entry.value.clone(), entry.key_span()));
        let kind = match (&declared, mapped_kind) {
            // Not a tillsyn file: other files in the tree are none of our business.
            (None, None) => {
                self.skipped.push((
                    self.files[file].path.clone(),
                    "no `kind` and no [[sources]] mapping",
                ));
                return;
            }
            (None, Some(mapped)) => self.catalog.intern(mapped),
            (Some((node, _)), mapped) => {
                let Some(name) = node.as_str() else {
                    let message = Message::new(
                        format!(
                            "`kind` must be the name of a kind, not a {}",
                            node.type_name()
                        ),
                        format!(
                            "`kind` måste vara namnet på en posttyp, inte {}",
                            node.type_name_sv()
                        ),
                    );
                    self.file_problem(&builtin::SRC001, file, node.span(), "/kind", message);
                    self.unread(file, mapped.and_then(|name| self.catalog.intern(name)));
                    return;
                };
                // A Kubernetes manifest (or any file with `apiVersion`) has a `kind` of its own
                // world: not tillsyn's business, not an unknown kind.
                if self.catalog.intern(name).is_none() && root.entry("apiVersion").is_some() {
                    self.skipped.push((
                        self.files[file].path.clone(),
                        "its `kind` is another tool's (it has `apiVersion`)",
                    ));
                    return;
                }
                let Some(kind) = self.catalog.intern(name) else {
                    let hint = did_you_mean(name, self.catalog.kind_names())
                        .unwrap_or_else(|| "`tillsyn schema list` shows the kinds".to_string());
                    let hint_sv = did_you_mean_sv(name, self.catalog.kind_names())
                        .unwrap_or_else(|| "`tillsyn schema list` visar posttyperna".to_string());
                    let message = Message::new(
                        format!("`{name}` is not a known kind; {hint}"),
                        format!("`{name}` är ingen känd posttyp; {hint_sv}"),
                    );
                    self.file_problem(&builtin::SRC001, file, node.span(), "/kind", message);
                    let nearest = crate::suggest::nearest(name, self.catalog.kind_names());
                    let kind = mapped
                        .or(nearest)
                        .and_then(|name| self.catalog.intern(name));
                    self.unread(file, kind);
                    return;
                };
                if let Some(mapped) = mapped
                    && mapped != kind
                {
                    let message = Message::new(
                        format!(
                            "the file says kind `{kind}` but tillsyn.toml maps it to `{mapped}`; keep one"
                        ),
                        format!(
                            "filen anger posttypen `{kind}` men tillsyn.toml mappar den till `{mapped}`; behåll en av dem"
                        ),
                    );
                    self.file_problem(&builtin::SRC001, file, node.span(), "/kind", message);
                    // Either could be meant; the declared one is what the file says.
                    self.unread(file, Some(kind));
                    return;
                }
                Some(kind)
            }
        };
        let Some(kind) = kind else { return };
        match root.value {
            Value::Sequence(items) => self.add_record_list(file, kind, items, ""),
            Value::Map(_) if root.get("records").is_some() => {
                self.add_records_form(file, kind, root)
            }
            Value::Map(_) => self.push_record(file, kind, Place::Whole, root),
            Value::Null => {}
            _ => {
                let message = Message::new(
                    format!("a `{kind}` file must hold a table or a list of records"),
                    format!(
                        "en fil av typen `{kind}` måste innehålla en tabell eller en lista av poster"
                    ),
                );
                self.file_problem(&builtin::SCH001, file, root.span(), "", message);
                self.unread(file, Some(kind));
            }
        }
    }

    /// What an importer read: for each kind it gives, the list of its records.
    fn add_imported(&mut self, file: usize, root: Node) {
        let Value::Map(groups) = root.value else {
            return;
        };
        let holds_records = groups
            .iter()
            .any(|group| matches!(&group.value.value, Value::Sequence(items) if !items.is_empty()));
        if !holds_records {
            // An OSCAL catalog or a fides dataset manifest is not a register: not an error, but
            // not read either, and `-v` says so.
            self.skipped.push((
                self.files[file].path.clone(),
                "another tool's file with nothing tillsyn reads as records",
            ));
            return;
        }
        for group in groups {
            let Some(kind) = self.catalog.intern(&group.key) else {
                continue;
            };
            if let Value::Sequence(items) = group.value.value {
                self.add_record_list(file, kind, items, &format!("/{kind}"));
            }
        }
    }

    /// `kind = "…"` with `records = [ … ]`: only `kind`, `records` and `$schema` may stand beside.
    fn add_records_form(&mut self, file: usize, kind: &'static str, root: Node) {
        let Value::Map(entries) = root.value else {
            return;
        };
        for entry in entries {
            match entry.key.as_ref() {
                "kind" | "$schema" => {}
                "records" => match entry.value.value {
                    Value::Sequence(items) => self.add_record_list(file, kind, items, "/records"),
                    _ => {
                        let message = Message::new(
                            format!(
                                "`records` must be a list of tables, not a {}",
                                entry.value.type_name()
                            ),
                            format!(
                                "`records` måste vara en lista av tabeller, inte {}",
                                entry.value.type_name_sv()
                            ),
                        );
                        self.file_problem(
                            &builtin::SCH001,
                            file,
                            entry.value.span(),
                            "/records",
                            message,
                        );
                        self.unread(file, Some(kind));
                    }
                },
                other => {
                    let message = Message::new(
                        format!(
                            "unknown top-level key `{other}` beside `records`; a field belongs inside each record"
                        ),
                        format!(
                            "okänd nyckel `{other}` på översta nivån bredvid `records`; ett fält hör hemma i varje post"
                        ),
                    );
                    let pointer = format!("/{}", escape_pointer_token(other));
                    self.file_problem(&builtin::SCH001, file, entry.key_span(), &pointer, message);
                }
            }
        }
    }

    fn add_record_list(
        &mut self,
        file: usize,
        kind: &'static str,
        mut items: List<Node>,
        base: &str,
    ) {
        if items.len() > self.records_per_file {
            let first_unchecked = &items[self.records_per_file];
            // A workbook is read no further than the limit, so its count is a lower bound.
            let limit = self.records_per_file;
            let message = if self.files[file].format == Format::Xlsx {
                Message::new(
                    format!(
                        "the sheet holds more than {limit} records; only the first {limit} are checked (limit `records_per_file`)"
                    ),
                    format!(
                        "bladet innehåller fler än {limit} poster; bara de första {limit} kontrolleras (gränsen `records_per_file`)"
                    ),
                )
            } else {
                let count = items.len();
                Message::new(
                    format!(
                        "the file holds {count} records; only the first {limit} are checked (limit `records_per_file`)"
                    ),
                    format!(
                        "filen innehåller {count} poster; bara de första {limit} kontrolleras (gränsen `records_per_file`)"
                    ),
                )
            };
            let pointer = format!("{base}/{}", self.records_per_file);
            self.file_problem(
                &builtin::PARSE001,
                file,
                first_unchecked.span(),
                &pointer,
                message,
            );
            self.unread(file, Some(kind));
            items.truncate(self.records_per_file);
        }
        for (index, item) in items.into_iter().enumerate() {
            if let Value::Map(_) = item.value {
                // A file under 4 GiB holds fewer than 2^31 items.
                let position = u32::try_from(index).unwrap_or(u32::MAX);
                let place = match base {
                    "" => Place::Listed(position),
                    "/records" => Place::InRecords(position),
                    _ => Place::Imported(position),
                };
                self.push_record(file, kind, place, item);
            } else {
                let pointer = format!("{base}/{index}");
                self.unread(file, Some(kind));
                let message = Message::new(
                    format!(
                        "a record must be a table of fields, not a {}",
                        item.type_name()
                    ),
                    format!(
                        "en post måste vara en tabell av fält, inte {}",
                        item.type_name_sv()
                    ),
                );
                self.file_problem(&builtin::SCH001, file, item.span(), &pointer, message);
            }
        }
    }

    /// An OSCAL assessment results document does not name the system it assessed, only the
    /// components it observed: its analyses (without an `object`) are taken to be of the OSCAL
    /// system whose plan lists one of those components, the first in the order they are named.
    /// The `object` stands where that component is named in the assessment.
    fn link_oscal_assessments(&mut self) {
        let from_oscal = |record: &Record, files: &[SourceText]| {
            files
                .get(record.file)
                .is_some_and(|file| file.format == Format::Oscal)
        };
        let mut system_of: std::collections::HashMap<String, String> = Default::default();
        for record in &self.records {
            if record.kind != "system" || !from_oscal(record, &self.files) {
                continue;
            }
            let Some(id) = record.id() else { continue };
            if let Some(Value::Sequence(components)) =
                record.node.get("components").map(|n| &n.value)
            {
                for component in components.iter().filter_map(Node::as_str) {
                    system_of
                        .entry(component.to_string())
                        .or_insert_with(|| id.to_string());
                }
            }
        }
        if system_of.is_empty() {
            return;
        }
        for index in 0..self.records.len() {
            let record = &self.records[index];
            if record.kind != "risk_analysis"
                || !from_oscal(record, &self.files)
                || record.node.get("object").is_some()
            {
                continue;
            }
            let Some(Value::Sequence(assessed)) =
                record.node.get("assessed_components").map(|n| &n.value)
            else {
                continue;
            };
            let linked = assessed.iter().find_map(|component| {
                let system = system_of.get(component.as_str()?)?;
                Some(Node::new(
                    Value::String(system.as_str().into()),
                    component.span(),
                ))
            });
            if let Some(object) = linked
                && let Value::Map(entries) = &mut self.records[index].node.value
            {
                let span = object.span();
                entries.push(crate::source::node::Entry::new(
                    "object".into(),
                    span,
                    object,
                ));
            }
        }
    }

    fn push_record(&mut self, file: usize, kind: &'static str, place: Place, node: Node) {
        self.records.push(Record {
            kind,
            file,
            place,
            node,
        });
    }
}
