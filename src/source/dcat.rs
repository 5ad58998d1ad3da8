//! Reading a DCAT catalogue (DCAT-AP-SE, DCAT-AP) into `dataset` records.
//!
//! The RDF is parsed by Oxigraph's parsers (Turtle and N-Triples by `oxttl`, RDF/XML by
//! `oxrdfxml`, JSON-LD by `oxjsonld`, which is given no document loader, so a remote `@context`
//! is refused rather than fetched). Every `dcat:Dataset` (and every node a catalogue lists with
//! `dcat:dataset`) becomes one record; its publisher, contact point, distributions and period of
//! time are read from the nodes they name, wherever in the file those are described.
//!
//! Positions: a Turtle file is fed to the parser line by line, so each triple is known by the
//! line on which it was completed; an RDF/XML triple by the element the parser had reached; a
//! JSON-LD file gives no positions, so its records stand where their `@id` first appears. A
//! record stands at its first triple, each field at the triple it came from.
//!
//! Words of the vocabulary become tillsyn's: an access-right IRI `…/access-right/PUBLIC` is
//! `public`; a value tillsyn has no word for is kept as it is written, for the schema to report
//! at its line rather than for the importer to guess.

use std::collections::HashMap;

use oxrdf::{NamedOrBlankNode, Term, Triple};

use super::imported::{Fields, Records, list, string};
use super::node::Node;
use super::span::Span;
use super::{Limits, ParseError};

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const DCAT: &str = "http://www.w3.org/ns/dcat#";
const DCTERMS: &str = "http://purl.org/dc/terms/";
const FOAF: &str = "http://xmlns.com/foaf/0.1/";
const VCARD: &str = "http://www.w3.org/2006/vcard/ns#";
const DCATAP: &str = "http://data.europa.eu/r5r/";
const SCHEMA_ORG: &str = "http://schema.org/";
const ACCESS_RIGHT: &str = "http://publications.europa.eu/resource/authority/access-right/";

/// How a field is read from its predicate.
#[derive(Clone, Copy)]
enum Read {
    /// Every object, as a list.
    All,
    /// The first object.
    First,
    /// The first object's day (a date, or the day of a date-time).
    Day,
}

/// The dataset fields that are one predicate's objects as they are written.
const DIRECT_FIELDS: &[(&str, &str, &str, Read)] = &[
    ("themes", DCAT, "theme", Read::All),
    ("keywords", DCAT, "keyword", Read::All),
    ("spatial", DCTERMS, "spatial", Read::All),
    ("landing_page", DCAT, "landingPage", Read::First),
    ("languages", DCTERMS, "language", Read::All),
    (
        "accrual_periodicity",
        DCTERMS,
        "accrualPeriodicity",
        Read::First,
    ),
    ("issued", DCTERMS, "issued", Read::Day),
    ("modified", DCTERMS, "modified", Read::Day),
    ("hvd_category", DCATAP, "hvdCategory", Read::All),
    (
        "applicable_legislation",
        DCATAP,
        "applicableLegislation",
        Read::All,
    ),
];

/// The syntaxes of RDF, told by the file's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Syntax {
    Turtle,
    RdfXml,
    JsonLd,
}

fn syntax(path: &str) -> Syntax {
    let extension = path
        .rsplit_once('.')
        .map(|(_, extension)| extension.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "rdf" | "xml" | "owl" => Syntax::RdfXml,
        "jsonld" | "json" => Syntax::JsonLd,
        _ => Syntax::Turtle,
    }
}

/// The `dataset` records of a DCAT catalogue, or where its RDF does not parse.
pub fn parse(text: &str, path: &str, limits: &Limits) -> Result<Node, ParseError> {
    // Relative IRIs resolve against the file's place in the tree, the same on every machine.
    let base = format!("file:///{}", path.trim_start_matches('/'));
    let statements = match syntax(path) {
        Syntax::Turtle => turtle(text, &base)?,
        Syntax::RdfXml => rdf_xml(text, &base)?,
        Syntax::JsonLd => json_ld(text, &base)?,
    };
    let statement_count = statements.len();
    let graph = Graph::new(statements);
    let datasets = graph.datasets();
    if datasets.is_empty() {
        return Err(no_datasets(&graph, statement_count));
    }
    let mut records = Records::default();
    for (dataset, listing) in datasets {
        if records.len() > limits.records_per_file {
            // The repository reports the cap; one more record is enough for it to see.
            break;
        }
        records.push("dataset", graph.dataset(dataset, listing, limits.max_depth));
    }
    Ok(records.into_root())
}

/// One triple and where its text is (a byte offset in the file).
struct Statement {
    triple: Triple,
    offset: usize,
}

fn turtle(text: &str, base: &str) -> Result<Vec<Statement>, ParseError> {
    let mut parser = oxttl::TurtleParser::new()
        .with_base_iri(base)
        .map_err(|error| ParseError::new(error.to_string(), Span::at(0)))?
        .low_level();
    let mut statements = Vec::new();
    let mut line_start = 0;
    let drain = |parser: &mut oxttl::turtle::LowLevelTurtleParser,
                 offset: usize,
                 statements: &mut Vec<Statement>|
     -> Result<(), ParseError> {
        while let Some(result) = parser.parse_next() {
            match result {
                Ok(triple) => statements.push(Statement { triple, offset }),
                Err(error) => {
                    let start = usize::try_from(error.location().start.offset).unwrap_or(0);
                    return Err(syntax_error(error.message(), start, text));
                }
            }
        }
        Ok(())
    };
    for line in text.split_inclusive('\n') {
        parser.extend_from_slice(line.as_bytes());
        drain(
            &mut parser,
            first_visible(text, line_start),
            &mut statements,
        )?;
        line_start += line.len();
    }
    parser.end();
    drain(
        &mut parser,
        first_visible(text, line_start),
        &mut statements,
    )?;
    Ok(statements)
}

fn rdf_xml(text: &str, base: &str) -> Result<Vec<Statement>, ParseError> {
    refuse_nested_entities(text)?;
    let mut parser = oxrdfxml::RdfXmlParser::new()
        .with_base_iri(base)
        .map_err(|error| ParseError::new(error.to_string(), Span::at(0)))?
        .for_slice(text.as_bytes());
    let mut statements = Vec::new();
    while let Some(result) = parser.next() {
        let reached = usize::try_from(parser.buffer_position()).unwrap_or(0);
        match result {
            Ok(triple) => {
                // The element just read ends before `reached`: its line is the triple's.
                let offset = line_start(text, reached.saturating_sub(1));
                statements.push(Statement {
                    triple,
                    offset: first_visible(text, offset),
                });
            }
            Err(error) => {
                return Err(syntax_error(&error.to_string(), reached, text));
            }
        }
    }
    Ok(statements)
}

fn json_ld(text: &str, base: &str) -> Result<Vec<Statement>, ParseError> {
    let parser = oxjsonld::JsonLdParser::new()
        .with_base_iri(base)
        .map_err(|error| ParseError::new(error.to_string(), Span::at(0)))?
        .for_slice(text.as_bytes());
    let mut statements = Vec::new();
    let mut subject_offsets: HashMap<String, usize> = HashMap::new();
    for result in parser {
        let quad = result.map_err(|error| {
            ParseError::ours(
                format!("not JSON-LD that tillsyn can read: {error}"),
                format!("inte JSON-LD som tillsyn kan läsa: {error}"),
                Span::at(0),
            )
            .with_hint(
                "tillsyn reads JSON-LD with its context in the file; a remote @context is never fetched",
                "tillsyn läser JSON-LD med sin kontext i filen; en fjärr-@context hämtas aldrig",
            )
        })?;
        let offset = match &quad.subject {
            NamedOrBlankNode::NamedNode(node) => {
                *subject_offsets
                    .entry(node.as_str().to_string())
                    .or_insert_with(|| {
                        // The subject's `@id` (absolute or as written relative to the base).
                        let relative = node.as_str().strip_prefix(base).unwrap_or(node.as_str());
                        [node.as_str(), relative]
                            .iter()
                            .filter(|written| !written.is_empty())
                            .find_map(|written| text.find(&format!("\"{written}\"")))
                            .map_or(0, |found| first_visible(text, line_start(text, found)))
                    })
            }
            _ => 0,
        };
        statements.push(Statement {
            triple: Triple::new(quad.subject, quad.predicate, quad.object),
            offset,
        });
    }
    Ok(statements)
}

/// Why a file named as a DCAT catalogue gives no dataset: it would otherwise pass without a word.
fn no_datasets(graph: &Graph, statement_count: usize) -> ParseError {
    let has_catalog = graph
        .subjects
        .iter()
        .any(|subject| graph.has_type(subject, DCAT, "Catalog"));
    if statement_count == 0 {
        ParseError::ours(
            "the file gives no RDF statements, so no datasets",
            "filen ger inga RDF-påståenden, och alltså inga datamängder",
            Span::at(0),
        )
        .with_hint(
            "a DCAT catalogue in JSON-LD needs its @context; a file in another JSON shape (such as the input of DIGG's DCAT-AP-SE processor) is converted to DCAT first",
            "en DCAT-katalog i JSON-LD behöver sin @context; en fil i en annan JSON-form (som indata till DIGG:s DCAT-AP-SE-processor) konverteras till DCAT först",
        )
    } else if has_catalog {
        ParseError::ours(
            "the catalogue lists no datasets (no dcat:dataset, and no dcat:Dataset in the file)",
            "katalogen listar inga datamängder (inget dcat:dataset och ingen dcat:Dataset i filen)",
            Span::at(0),
        )
    } else {
        let (statements, statements_sv) = match statement_count {
            1 => ("1 RDF statement".to_string(), "1 RDF-påstående".to_string()),
            many => (
                format!("{many} RDF statements"),
                format!("{many} RDF-påståenden"),
            ),
        };
        ParseError::ours(
            format!(
                "the file holds {statements} but no DCAT dataset (no dcat:Dataset, and no dcat:Catalog listing one)"
            ),
            format!(
                "filen innehåller {statements_sv} men ingen DCAT-datamängd (ingen dcat:Dataset och ingen dcat:Catalog som listar en)"
            ),
            Span::at(0),
        )
        .with_hint(
            "point the [[sources]] entry with format = \"dcat\" at the catalogue",
            "låt [[sources]]-posten med format = \"dcat\" peka på katalogen",
        )
    }
}

/// An RDF/XML document type whose entities are built of other entities could expand a small
/// file into gigabytes; such a file is refused before it is parsed.
fn refuse_nested_entities(text: &str) -> Result<(), ParseError> {
    let mut rest = text;
    let mut consumed = 0;
    while let Some(found) = rest.find("<!ENTITY") {
        let declaration = rest.get(found..).unwrap_or_default();
        let end = declaration.find('>').unwrap_or(declaration.len());
        if declaration.get(..end).unwrap_or_default().contains('&') {
            return Err(ParseError::ours(
                "an entity of the document type refers to another entity; tillsyn does not expand such entities",
                "en entitet i dokumenttypen hänvisar till en annan entitet; tillsyn expanderar inte sådana entiteter",
                Span::at(consumed + found),
            )
            .with_hint(
                "write the values out in the file, or export the catalogue as Turtle",
                "skriv ut värdena i filen, eller exportera katalogen som Turtle",
            ));
        }
        consumed += found + end;
        rest = declaration.get(end..).unwrap_or_default();
    }
    Ok(())
}

fn syntax_error(message: &str, offset: usize, text: &str) -> ParseError {
    let offset = offset.min(text.len());
    ParseError::ours(
        format!("not RDF that tillsyn can read: {message}"),
        format!("inte RDF som tillsyn kan läsa: {message}"),
        Span::at(offset),
    )
}

/// The start of the line that holds `offset`.
fn line_start(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |newline| newline + 1)
}

/// The first character of the line at `offset` that is not a space or a tab (where the
/// statement's text starts), or `offset` for a blank line.
fn first_visible(text: &str, offset: usize) -> usize {
    let line = text.get(offset..).unwrap_or_default();
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    if line
        .get(indent..)
        .is_some_and(|rest| rest.starts_with(['\n', '\r']) || rest.is_empty())
    {
        offset
    } else {
        offset + indent
    }
}

/// A catalogue's `dcat:dataset` statement that lists a dataset.
#[derive(Clone, Copy)]
struct Listing<'a> {
    catalog: &'a NamedOrBlankNode,
    statement: &'a Statement,
}

/// The triples by subject, each subject's in the order of the file.
struct Graph {
    by_subject: HashMap<NamedOrBlankNode, Vec<Statement>>,
    /// The subjects in the order of their first triple.
    subjects: Vec<NamedOrBlankNode>,
}

impl Graph {
    fn new(statements: Vec<Statement>) -> Graph {
        let mut by_subject: HashMap<NamedOrBlankNode, Vec<Statement>> = HashMap::new();
        let mut subjects = Vec::new();
        for statement in statements {
            let subject = statement.triple.subject.clone();
            let described = by_subject.entry(subject.clone()).or_default();
            if described.is_empty() {
                subjects.push(subject);
            }
            described.push(statement);
        }
        Graph {
            by_subject,
            subjects,
        }
    }

    fn about(&self, subject: &NamedOrBlankNode) -> &[Statement] {
        self.by_subject.get(subject).map_or(&[], Vec::as_slice)
    }

    /// The statements of `subject` with the predicate `namespace` + `name`.
    fn values<'a>(
        &'a self,
        subject: &'a NamedOrBlankNode,
        namespace: &'a str,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Statement> + 'a {
        self.about(subject).iter().filter(move |statement| {
            statement
                .triple
                .predicate
                .as_str()
                .strip_prefix(namespace)
                .is_some_and(|rest| rest == name)
        })
    }

    fn first<'a>(
        &'a self,
        subject: &'a NamedOrBlankNode,
        namespace: &'a str,
        name: &'a str,
    ) -> Option<&'a Statement> {
        self.values(subject, namespace, name).next()
    }

    fn has_type(&self, subject: &NamedOrBlankNode, namespace: &str, name: &str) -> bool {
        self.about(subject).iter().any(|statement| {
            statement.triple.predicate.as_str() == RDF_TYPE
                && matches!(&statement.triple.object, Term::NamedNode(class)
                    if class.as_str().strip_prefix(namespace) == Some(name))
        })
    }

    /// The datasets, in the order the file describes them (every `dcat:Dataset`, and every node
    /// a catalogue lists with `dcat:dataset`), each with the catalogue that lists it first and
    /// that listing's statement.
    fn datasets(&self) -> Vec<(&NamedOrBlankNode, Option<Listing<'_>>)> {
        let mut listings: HashMap<NamedOrBlankNode, Listing<'_>> = HashMap::new();
        for catalog in &self.subjects {
            for statement in self.values(catalog, DCAT, "dataset") {
                if let Some(dataset) = node_of(&statement.triple.object) {
                    listings
                        .entry(dataset)
                        .or_insert(Listing { catalog, statement });
                }
            }
        }
        self.subjects
            .iter()
            .filter_map(|subject| {
                let listing = listings.get(subject).copied();
                (listing.is_some() || self.has_type(subject, DCAT, "Dataset"))
                    .then_some((subject, listing))
            })
            .collect()
    }

    fn dataset(
        &self,
        subject: &NamedOrBlankNode,
        listing: Option<Listing<'_>>,
        max_depth: usize,
    ) -> Node {
        let statements = self.about(subject);
        let start = statements.first().map_or(0, |statement| statement.offset);
        let mut record = Fields::new(Span::at(start));
        record.set_str("id", &self.dataset_id(subject, max_depth), Span::at(start));
        if let Some(Listing { catalog, statement }) = listing {
            record.set_str("catalog", &term_text(catalog), Span::at(statement.offset));
            if let Some(license) = self.first(catalog, DCTERMS, "license") {
                record.set(
                    "catalog_license",
                    string(
                        &object_text(&license.triple.object),
                        Span::at(license.offset),
                    ),
                );
            }
        }
        self.set_texts(&mut record, "title", subject, DCTERMS, "title");
        self.set_texts(&mut record, "description", subject, DCTERMS, "description");
        if let Some(publisher) = self.first(subject, DCTERMS, "publisher") {
            record.set("publisher", self.publisher(publisher));
        }
        if let Some(contact) = self.first(subject, DCAT, "contactPoint") {
            record.set("contact_point", self.contact_point(contact));
        }
        if let Some(rights) = self.first(subject, DCTERMS, "accessRights") {
            let written = object_text(&rights.triple.object);
            let word = access_right(&written).unwrap_or(&written);
            record.set_str("access_rights", word, Span::at(rights.offset));
        }
        if let Some(temporal) = self.first(subject, DCTERMS, "temporal") {
            record.set("temporal", self.period(temporal));
        }
        for &(field, namespace, name, read) in DIRECT_FIELDS {
            match read {
                Read::All => self.set_list(&mut record, field, subject, namespace, name),
                Read::First => self.set_one(&mut record, field, subject, namespace, name),
                Read::Day => self.set_date(&mut record, field, subject, namespace, name),
            }
        }
        let distributions: Vec<Node> = self
            .values(subject, DCAT, "distribution")
            .map(|statement| self.distribution(statement))
            .collect();
        if let Some(first) = distributions.first() {
            let span = first.span();
            record.set("distributions", list(distributions, span));
        }
        record.into_node()
    }

    /// The dataset's IRI; for a blank node, its `dcterms:identifier`, or else a name made from
    /// its content (the same content gives the same name on every run).
    fn dataset_id(&self, subject: &NamedOrBlankNode, max_depth: usize) -> String {
        match subject {
            NamedOrBlankNode::NamedNode(node) => node.as_str().to_string(),
            NamedOrBlankNode::BlankNode(_) => {
                if let Some(identifier) = self.first(subject, DCTERMS, "identifier")
                    && let Term::Literal(literal) = &identifier.triple.object
                    && !literal.value().trim().is_empty()
                    && !literal.value().contains(char::is_whitespace)
                {
                    return literal.value().to_string();
                }
                let mut budget = 1_000;
                let content = self.content(subject, max_depth, &mut budget);
                let digest = blake3::hash(content.as_bytes());
                let hex = digest.to_hex();
                format!("_:dataset-{}", hex.get(..16).unwrap_or_default())
            }
        }
    }

    /// The node's statements as sorted text, blank nodes replaced by their own content, so that
    /// the text does not depend on the labels a parser gives blank nodes. `budget` bounds the
    /// blank nodes expanded, since labelled blank nodes can share and loop.
    fn content(&self, subject: &NamedOrBlankNode, depth_left: usize, budget: &mut usize) -> String {
        let mut lines: Vec<String> = self
            .about(subject)
            .iter()
            .map(|statement| {
                let object = match &statement.triple.object {
                    Term::BlankNode(blank) if depth_left > 0 && *budget > 0 => {
                        *budget -= 1;
                        let inner = NamedOrBlankNode::BlankNode(blank.clone());
                        format!("[{}]", self.content(&inner, depth_left - 1, budget))
                    }
                    Term::BlankNode(_) => "[]".to_string(),
                    other => other.to_string(),
                };
                format!("{} {object}", statement.triple.predicate)
            })
            .collect();
        lines.sort();
        lines.join(" ; ")
    }

    /// `title` or `description`: one text per language (`und` for a text without one).
    fn set_texts(
        &self,
        record: &mut Fields,
        field: &str,
        subject: &NamedOrBlankNode,
        namespace: &str,
        name: &str,
    ) {
        let mut texts: Option<Fields> = None;
        for statement in self.values(subject, namespace, name) {
            let Term::Literal(literal) = &statement.triple.object else {
                continue;
            };
            let language = literal.language().unwrap_or("und");
            let texts = texts.get_or_insert_with(|| Fields::new(Span::at(statement.offset)));
            if !texts.contains(language) {
                texts.set_str(language, literal.value(), Span::at(statement.offset));
            }
        }
        if let Some(texts) = texts {
            record.set(field, texts.into_node());
        }
    }

    fn set_list(
        &self,
        record: &mut Fields,
        field: &str,
        subject: &NamedOrBlankNode,
        namespace: &str,
        name: &str,
    ) {
        let items: Vec<Node> = self
            .values(subject, namespace, name)
            .map(|statement| {
                string(
                    &object_text(&statement.triple.object),
                    Span::at(statement.offset),
                )
            })
            .collect();
        if let Some(first) = items.first() {
            let span = first.span();
            record.set(field, list(items, span));
        }
    }

    fn set_one(
        &self,
        record: &mut Fields,
        field: &str,
        subject: &NamedOrBlankNode,
        namespace: &str,
        name: &str,
    ) {
        self.set_written(record, field, subject, (namespace, name), |written| written);
    }

    /// A date (`xsd:date`, or the day of an `xsd:dateTime`); another text is kept as written,
    /// for the schema to report.
    fn set_date(
        &self,
        record: &mut Fields,
        field: &str,
        subject: &NamedOrBlankNode,
        namespace: &str,
        name: &str,
    ) {
        self.set_written(record, field, subject, (namespace, name), day_of);
    }

    /// Sets `field` to the first object of the predicate, as `shown` shows its text.
    fn set_written(
        &self,
        record: &mut Fields,
        field: &str,
        subject: &NamedOrBlankNode,
        (namespace, name): (&str, &str),
        shown: fn(&str) -> &str,
    ) {
        if let Some(statement) = self.first(subject, namespace, name) {
            let written = object_text(&statement.triple.object);
            record.set_str(field, shown(&written), Span::at(statement.offset));
        }
    }

    fn publisher(&self, statement: &Statement) -> Node {
        let mut publisher = Fields::new(Span::at(statement.offset));
        match node_of(&statement.triple.object) {
            Some(agent) => {
                if let NamedOrBlankNode::NamedNode(iri) = &agent {
                    publisher.set_str("iri", iri.as_str(), Span::at(statement.offset));
                }
                if let Some(name) = self.preferred_text(&agent, FOAF, "name") {
                    publisher.set_str("name", &name.0, Span::at(name.1));
                }
                if let Some(kind) = self.first(&agent, DCTERMS, "type") {
                    publisher.set_str(
                        "type",
                        &object_text(&kind.triple.object),
                        Span::at(kind.offset),
                    );
                }
            }
            None => publisher.set_str(
                "name",
                &object_text(&statement.triple.object),
                Span::at(statement.offset),
            ),
        }
        publisher.into_node()
    }

    fn contact_point(&self, statement: &Statement) -> Node {
        let mut contact = Fields::new(Span::at(statement.offset));
        if let Some(card) = node_of(&statement.triple.object) {
            if let Some(name) = self.preferred_text(&card, VCARD, "fn") {
                contact.set_str("name", &name.0, Span::at(name.1));
            }
            if let Some(email) = self.first(&card, VCARD, "hasEmail") {
                let mut written = object_text(&email.triple.object);
                // The vCard ontology's long form, `vcard:hasEmail [ vcard:value <mailto:…> ]`:
                // the address is the value of the node, not the node's name.
                if !written.starts_with("mailto:")
                    && let Some(holder) = node_of(&email.triple.object)
                    && let Some(value) = self.first(&holder, VCARD, "value")
                {
                    written = object_text(&value.triple.object);
                }
                // `mailto:` alone is kept as written: it is a contact point whose address was
                // left out, and the schema says so in those words rather than "empty".
                let address = match written.strip_prefix("mailto:").map(str::trim) {
                    Some("") => written.trim(),
                    Some(address) => address,
                    None => written.trim(),
                };
                contact.set_str("email", address, Span::at(email.offset));
            }
        }
        contact.into_node()
    }

    fn period(&self, statement: &Statement) -> Node {
        let mut period = Fields::new(Span::at(statement.offset));
        if let Some(node) = node_of(&statement.triple.object) {
            for (field, name) in [("start", "startDate"), ("end", "endDate")] {
                let found = self
                    .first(&node, DCAT, name)
                    .or_else(|| self.first(&node, SCHEMA_ORG, name));
                if let Some(found) = found {
                    let written = object_text(&found.triple.object);
                    period.set_str(field, day_of(&written), Span::at(found.offset));
                }
            }
        }
        period.into_node()
    }

    fn distribution(&self, statement: &Statement) -> Node {
        let mut distribution = Fields::new(Span::at(statement.offset));
        let Some(node) = node_of(&statement.triple.object) else {
            return distribution.into_node();
        };
        if let NamedOrBlankNode::NamedNode(iri) = &node {
            distribution.set_str("iri", iri.as_str(), Span::at(statement.offset));
        }
        self.set_one(&mut distribution, "access_url", &node, DCAT, "accessURL");
        self.set_one(
            &mut distribution,
            "download_url",
            &node,
            DCAT,
            "downloadURL",
        );
        self.set_one(&mut distribution, "format", &node, DCTERMS, "format");
        if !distribution.contains("format") {
            self.set_one(&mut distribution, "format", &node, DCAT, "mediaType");
        }
        self.set_one(&mut distribution, "license", &node, DCTERMS, "license");
        self.set_one(
            &mut distribution,
            "access_service",
            &node,
            DCAT,
            "accessService",
        );
        distribution.into_node()
    }

    /// A name: the Swedish text if there is one, else one without a language, else the first.
    fn preferred_text(
        &self,
        subject: &NamedOrBlankNode,
        namespace: &str,
        name: &str,
    ) -> Option<(String, usize)> {
        let texts: Vec<(&oxrdf::Literal, usize)> = self
            .values(subject, namespace, name)
            .filter_map(|statement| match &statement.triple.object {
                Term::Literal(literal) => Some((literal, statement.offset)),
                _ => None,
            })
            .collect();
        texts
            .iter()
            .find(|(literal, _)| literal.language() == Some("sv"))
            .or_else(|| {
                texts
                    .iter()
                    .find(|(literal, _)| literal.language().is_none())
            })
            .or_else(|| texts.first())
            .map(|(literal, offset)| (literal.value().to_string(), *offset))
    }
}

/// The node an object names, when it is one (not a literal).
fn node_of(term: &Term) -> Option<NamedOrBlankNode> {
    match term {
        Term::NamedNode(node) => Some(NamedOrBlankNode::NamedNode(node.clone())),
        Term::BlankNode(node) => Some(NamedOrBlankNode::BlankNode(node.clone())),
        _ => None,
    }
}

fn term_text(node: &NamedOrBlankNode) -> String {
    match node {
        NamedOrBlankNode::NamedNode(node) => node.as_str().to_string(),
        NamedOrBlankNode::BlankNode(node) => format!("_:{}", node.as_str()),
    }
}

/// An IRI's text, a literal's value, or a blank node's label.
fn object_text(term: &Term) -> String {
    match term {
        Term::NamedNode(node) => node.as_str().to_string(),
        Term::BlankNode(node) => format!("_:{}", node.as_str()),
        Term::Literal(literal) => literal.value().to_string(),
        #[allow(unreachable_patterns)]
        other => other.to_string(),
    }
}

/// tillsyn's word for an access right of the EU vocabulary.
fn access_right(iri: &str) -> Option<&'static str> {
    match iri.strip_prefix(ACCESS_RIGHT)? {
        "PUBLIC" => Some("public"),
        "RESTRICTED" => Some("restricted"),
        "NON_PUBLIC" => Some("non_public"),
        _ => None,
    }
}

/// The date of a date or date-time text (`2020-01-01T12:00:00Z` is `2020-01-01`).
fn day_of(written: &str) -> &str {
    let trimmed = written.trim();
    match trimmed.get(..10) {
        Some(day)
            if trimmed.len() > 10
                && trimmed.as_bytes().get(10) == Some(&b'T')
                && jiff::civil::Date::strptime("%Y-%m-%d", day).is_ok() =>
        {
            day
        }
        _ => trimmed,
    }
}
