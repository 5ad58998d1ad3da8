//! A deterministic synthetic municipality of any size, for benchmarks and for trying tillsyn on
//! a realistic repository: council, executive board, committees with their administrations and
//! a few municipal companies with boards; roles, persons and role assignments; governing
//! documents (Markdown with front matter) with the goals of the digitalisation plan; information
//! assets, systems, processing activities, agreements, suppliers (a CSV register mapped in
//! `tillsyn.toml`), risk analyses and risks, exceptions, development initiatives, benefits, open
//! datasets and the yearly follow-up — spread over JSON, YAML, TOML, CSV and Markdown.
//!
//! Everything is clean under the default rule pack as of [`AS_OF`], except about 2 % of the
//! records, which carry a planted defect that one default rule catches ([`Defect`]). The same
//! [`Size`] (assets and seed) gives a byte-identical tree: a small own PRNG (splitmix64) decides.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The day the generated city is meant to be checked on (`tillsyn check --as-of`).
pub const AS_OF: &str = "2026-11-27";

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 2026;

/// How big a city to generate, and from which seed.
pub struct Size {
    pub assets: usize,
    /// Information assets per JSON file (also the chunk size of other bulk JSON registers).
    pub assets_per_file: usize,
    pub seed: u64,
}

impl Size {
    /// A city of `assets` information assets, with the default seed and 1,000 records per file.
    pub fn new(assets: usize) -> Size {
        Size {
            assets,
            assets_per_file: 1_000,
            seed: DEFAULT_SEED,
        }
    }
}

/// What a generation wrote: records per kind, files per format, defects planted per rule.
#[derive(Default)]
pub struct Report {
    pub records: BTreeMap<&'static str, usize>,
    pub files: BTreeMap<&'static str, usize>,
    pub defects: BTreeMap<&'static str, usize>,
    /// Planted findings that a generated exception in force accepts (they are still findings).
    pub accepted: usize,
}

impl Report {
    pub fn total_records(&self) -> usize {
        self.records.values().sum()
    }
    pub fn total_files(&self) -> usize {
        self.files.values().sum()
    }
    pub fn total_defects(&self) -> usize {
        self.defects.values().sum()
    }
}

/// Generates a city into `root` (which should be empty) and returns the number of records.
pub fn generate(root: &Path, size: &Size) -> usize {
    generate_city(root, size)
        .expect("write the generated city")
        .total_records()
}

/// Generates a city into `root` and reports what it wrote.
pub fn generate_city(root: &Path, size: &Size) -> std::io::Result<Report> {
    let city = City::new(size);
    let mut out = Output::new(root);
    city.write(&mut out)?;
    out.report.defects = city.planted_defects();
    out.report.accepted = city.accepted_by_exceptions;
    Ok(out.report)
}

// ---------------------------------------------------------------------------------------------
// Random numbers and dates

/// splitmix64: small, fast and good enough to spread defects and vary values.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    /// An independent stream for one record of one kind.
    fn for_record(seed: u64, salt: u64, index: usize) -> Rng {
        let mut rng = Rng(seed ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (index as u64) << 1);
        rng.next();
        rng
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    /// A date in the months `from..=to` (each `(year, month)`), day 1–28.
    fn date(&mut self, from: (u32, u32), to: (u32, u32)) -> String {
        let first = from.0 * 12 + from.1 - 1;
        let last = to.0 * 12 + to.1 - 1;
        let month = first + self.below((last - first + 1) as usize) as u32;
        let day = 1 + self.below(28);
        format!("{}-{:02}-{day:02}", month / 12, month % 12 + 1)
    }
}

// ---------------------------------------------------------------------------------------------
// A record as a small value tree, and its forms in the five formats

enum V {
    Str(String),
    Int(i64),
    Bool(bool),
    Date(String),
    List(Vec<V>),
    Map(Vec<(&'static str, V)>),
}

fn s(text: impl Into<String>) -> V {
    V::Str(text.into())
}
fn d(date: impl Into<String>) -> V {
    V::Date(date.into())
}
fn strs<I: IntoIterator<Item = S>, S: Into<String>>(items: I) -> V {
    V::List(items.into_iter().map(|item| V::Str(item.into())).collect())
}

type Record = Vec<(&'static str, V)>;

fn remove(record: &mut Record, key: &str) {
    record.retain(|(k, _)| *k != key);
}
fn set(record: &mut Record, key: &'static str, value: V) {
    match record.iter_mut().find(|(k, _)| *k == key) {
        Some(slot) => slot.1 = value,
        None => record.push((key, value)),
    }
}
fn field<'a>(record: &'a mut Record, key: &str) -> Option<&'a mut V> {
    record.iter_mut().find(|(k, _)| *k == key).map(|(_, v)| v)
}
fn set_in(record: &mut Record, key: &str, inner: &'static str, value: V) {
    if let Some(V::Map(map)) = field(record, key) {
        set(map, inner, value);
    }
}
fn remove_in(record: &mut Record, key: &str, inner: &str) {
    if let Some(V::Map(map)) = field(record, key) {
        remove(map, inner);
    }
}

fn quoted(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Json,
    Yaml,
    Toml,
}

/// A value inline: JSON, YAML flow style (JSON with bare dates) or a TOML inline value.
fn inline(out: &mut String, value: &V, format: Format) {
    match value {
        V::Str(text) => quoted(out, text),
        V::Int(n) => {
            let _ = write!(out, "{n}");
        }
        V::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        V::Date(date) if format == Format::Json => quoted(out, date),
        V::Date(date) => out.push_str(date),
        V::List(items) => {
            out.push('[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                inline(out, item, format);
            }
            out.push(']');
        }
        V::Map(entries) => {
            out.push_str("{ ");
            for (n, (key, item)) in entries.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                match format {
                    Format::Json => {
                        quoted(out, key);
                        out.push_str(": ");
                    }
                    Format::Yaml => {
                        let _ = write!(out, "{key}: ");
                    }
                    Format::Toml => {
                        let _ = write!(out, "{key} = ");
                    }
                }
                inline(out, item, format);
            }
            out.push_str(" }");
        }
    }
}

/// The fields of one record, top-level keys on their own lines, with `indent` before each line
/// after the first (YAML list items and front matter) or as TOML `key = value` lines.
fn block(out: &mut String, record: &Record, format: Format, first: &str, indent: &str) {
    for (n, (key, value)) in record.iter().enumerate() {
        out.push_str(if n == 0 { first } else { indent });
        match format {
            Format::Toml => {
                let _ = write!(out, "{key} = ");
            }
            _ => {
                let _ = write!(out, "{key}: ");
            }
        }
        inline(out, value, format);
        out.push('\n');
    }
}

// ---------------------------------------------------------------------------------------------
// Files

/// Writes the files and counts what was written.
struct Output {
    root: PathBuf,
    report: Report,
}

impl Output {
    fn new(root: &Path) -> Output {
        Output {
            root: root.to_path_buf(),
            report: Report::default(),
        }
    }

    fn file(&mut self, path: &str, text: &str, format: &'static str) -> std::io::Result<()> {
        let path = self.root.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text)?;
        *self.report.files.entry(format).or_default() += 1;
        Ok(())
    }

    /// A register of `count` records of `kind` in `format`, `per_file` records a file (`0`: one
    /// file); `stem` names it (`stem.json`, or `stem-0001.json` when it takes several files).
    fn register(
        &mut self,
        stem: &str,
        kind: &'static str,
        format: Format,
        count: usize,
        per_file: usize,
        mut record: impl FnMut(usize) -> Record,
    ) -> std::io::Result<()> {
        if count == 0 {
            return Ok(());
        }
        let per_file = if per_file == 0 { count } else { per_file };
        let files = count.div_ceil(per_file);
        for file in 0..files {
            let first = file * per_file;
            let last = (first + per_file).min(count);
            let mut text = String::new();
            match format {
                Format::Json => {
                    let _ = write!(text, "{{\n  \"kind\": \"{kind}\",\n  \"records\": [\n");
                    for index in first..last {
                        text.push_str("    ");
                        inline(&mut text, &V::Map(record(index)), Format::Json);
                        text.push_str(if index + 1 < last { ",\n" } else { "\n" });
                    }
                    text.push_str("  ]\n}\n");
                }
                Format::Yaml => {
                    let _ = write!(text, "kind: {kind}\nrecords:\n");
                    for index in first..last {
                        block(&mut text, &record(index), Format::Yaml, "  - ", "    ");
                    }
                }
                Format::Toml => {
                    let _ = writeln!(text, "kind = \"{kind}\"");
                    for index in first..last {
                        text.push_str("\n[[records]]\n");
                        block(&mut text, &record(index), Format::Toml, "", "");
                    }
                }
            }
            let (extension, name) = match format {
                Format::Json => ("json", "JSON"),
                Format::Yaml => ("yaml", "YAML"),
                Format::Toml => ("toml", "TOML"),
            };
            let path = if files == 1 {
                format!("{stem}.{extension}")
            } else {
                format!("{stem}-{:04}.{extension}", file + 1)
            };
            self.file(&path, &text, name)?;
        }
        *self.report.records.entry(kind).or_default() += count;
        Ok(())
    }

    /// One record in a file of its own: a Markdown document with front matter, or TOML/YAML.
    fn single(
        &mut self,
        path: &str,
        kind: &'static str,
        format: Format,
        record: &Record,
        body: Option<&str>,
    ) -> std::io::Result<()> {
        let mut text = String::new();
        let (fence, name) = match (body.is_some(), format) {
            (true, Format::Toml) => ("+++\n", "Markdown"),
            (true, _) => ("---\n", "Markdown"),
            (false, Format::Toml) => ("", "TOML"),
            (false, Format::Yaml) => ("", "YAML"),
            (false, Format::Json) => ("", "JSON"),
        };
        text.push_str(fence);
        match format {
            Format::Toml => {
                let _ = writeln!(text, "kind = \"{kind}\"");
                block(&mut text, record, Format::Toml, "", "");
            }
            Format::Yaml => {
                let _ = writeln!(text, "kind: {kind}");
                block(&mut text, record, Format::Yaml, "", "");
            }
            Format::Json => {
                let mut full: Record = vec![("kind", s(kind))];
                full.extend(record.iter().map(|(k, v)| (*k, clone(v))));
                inline(&mut text, &V::Map(full), Format::Json);
                text.push('\n');
            }
        }
        text.push_str(fence);
        if let Some(body) = body {
            text.push('\n');
            text.push_str(body);
        }
        self.file(path, &text, name)?;
        *self.report.records.entry(kind).or_default() += 1;
        Ok(())
    }
}

fn clone(value: &V) -> V {
    match value {
        V::Str(text) => V::Str(text.clone()),
        V::Int(n) => V::Int(*n),
        V::Bool(b) => V::Bool(*b),
        V::Date(date) => V::Date(date.clone()),
        V::List(items) => V::List(items.iter().map(clone).collect()),
        V::Map(entries) => V::Map(entries.iter().map(|(k, v)| (*k, clone(v))).collect()),
    }
}

// ---------------------------------------------------------------------------------------------
// Defects

/// A planted defect: what is wrong with one record, and the one default rule that catches it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Defect {
    // Information assets.
    MissingOwner,
    MissingDefinition,
    StaleClassification,
    OwnerWithoutOwnerRole,
    SecretButLowConfidentiality,
    ClassifiedByOther,
    UnknownCustodian,
    InNoSystem,
    PersonalDataWithoutRetention,
    // Systems.
    MissingSystemManager,
    StaleRestoreTest,
    StaleContinuityTest,
    DeclaredBelowHighWaterMark,
    StaleRiskAnalysis,
    UnknownDependency,
    CloudWithoutHostingCountry,
    // Suppliers.
    StaleSupplierAssessment,
    CloudSupplierUnassessed,
    // Agreements.
    ProcessorClauseMissing,
    AgreementExpiresSoon,
    ExpiredAgreementOfOperatingSystem,
    // Processing activities.
    MissingSecurityMeasures,
    CriminalDataWithoutLaw,
    DpiaNotCompleted,
    ProcessorWithoutAgreement,
    TransferWithoutMechanism,
    // Governing documents.
    ReviewOverdue,
    ExpiredPlan,
    DecidedAfterValidFrom,
    PlaceholderLeft,
    GuidelineWithGoals,
    ExpiresSoon,
    CommitteeDecidesForOthers,
    // Exceptions.
    ExpiredException,
    SelfApprovedException,
    ExceptionExpiresSoon,
    // Risks.
    OverdueAction,
    AcceptedAboveAuthority,
    // Benefits and initiatives.
    FollowUpOverdue,
    UnknownGoal,
    InitiativeWithoutBenefit,
    // Datasets.
    WrongCatalogLicense,
    NonOpenLicense,
    NoContactPoint,
    PublisherWithoutType,
}

impl Defect {
    /// The rule that reports it.
    pub fn rule(self) -> &'static str {
        use Defect::*;
        match self {
            MissingOwner => "OWN001",
            MissingDefinition => "OWN004",
            StaleClassification => "CLS002",
            OwnerWithoutOwnerRole => "OWN002",
            SecretButLowConfidentiality => "CLS004",
            ClassifiedByOther => "CLS005",
            UnknownCustodian | UnknownDependency | UnknownGoal => "XRF001",
            InNoSystem => "OWN005",
            PersonalDataWithoutRetention => "PRV007",
            MissingSystemManager => "OWN003",
            StaleRestoreTest => "CON002",
            StaleContinuityTest => "CON001",
            DeclaredBelowHighWaterMark => "CLS003",
            StaleRiskAnalysis => "RSK001",
            CloudWithoutHostingCountry | CloudSupplierUnassessed => "SUP004",
            StaleSupplierAssessment => "SUP003",
            ProcessorClauseMissing => "PRV005",
            AgreementExpiresSoon => "SUP005",
            ExpiredAgreementOfOperatingSystem => "SUP002",
            MissingSecurityMeasures => "PRV001",
            CriminalDataWithoutLaw => "PRV002",
            DpiaNotCompleted => "PRV003",
            ProcessorWithoutAgreement => "PRV004",
            TransferWithoutMechanism => "PRV006",
            ReviewOverdue => "DOC006",
            ExpiredPlan => "DOC003",
            DecidedAfterValidFrom => "DOC002",
            PlaceholderLeft => "DOC001",
            GuidelineWithGoals => "DOC004",
            ExpiresSoon => "DOC010",
            CommitteeDecidesForOthers => "DOC005",
            ExpiredException => "EXC001",
            SelfApprovedException => "EXC002",
            ExceptionExpiresSoon => "EXC004",
            OverdueAction => "RSK002",
            AcceptedAboveAuthority => "RSK003",
            FollowUpOverdue => "BEN002",
            InitiativeWithoutBenefit => "PFL003",
            WrongCatalogLicense => "DAT003",
            NonOpenLicense => "DAT004",
            NoContactPoint => "DAT006",
            PublisherWithoutType => "DAT002",
        }
    }
}

use Defect::*;

const ASSET_DEFECTS: &[Defect] = &[
    MissingOwner,
    MissingDefinition,
    StaleClassification,
    OwnerWithoutOwnerRole,
    SecretButLowConfidentiality,
    ClassifiedByOther,
    UnknownCustodian,
    InNoSystem,
    PersonalDataWithoutRetention,
];
const SYSTEM_DEFECTS: &[Defect] = &[
    MissingSystemManager,
    StaleRestoreTest,
    StaleContinuityTest,
    DeclaredBelowHighWaterMark,
    StaleRiskAnalysis,
    UnknownDependency,
    CloudWithoutHostingCountry,
];
const SUPPLIER_DEFECTS: &[Defect] = &[StaleSupplierAssessment, CloudSupplierUnassessed];
const AGREEMENT_DEFECTS: &[Defect] = &[ProcessorClauseMissing, AgreementExpiresSoon];
const ACTIVITY_DEFECTS: &[Defect] = &[
    MissingSecurityMeasures,
    CriminalDataWithoutLaw,
    DpiaNotCompleted,
    ProcessorWithoutAgreement,
    TransferWithoutMechanism,
];
const DOCUMENT_DEFECTS: &[Defect] = &[
    ReviewOverdue,
    ExpiredPlan,
    DecidedAfterValidFrom,
    PlaceholderLeft,
    GuidelineWithGoals,
    ExpiresSoon,
    CommitteeDecidesForOthers,
];
const RISK_DEFECTS: &[Defect] = &[OverdueAction, AcceptedAboveAuthority];
const BENEFIT_DEFECTS: &[Defect] = &[FollowUpOverdue, UnknownGoal];
const DATASET_DEFECTS: &[Defect] = &[
    WrongCatalogLicense,
    NonOpenLicense,
    NoContactPoint,
    PublisherWithoutType,
];

/// The share of records with a planted defect, in per mille of each kind's records.
const DEFECTS_PER_MILLE: usize = 20;

/// Chooses which records of a kind carry which defect: at least one of each in `menu` (where a
/// record qualifies), else about [`DEFECTS_PER_MILLE`] of `count`, spread by the seed.
fn plant(
    seed: u64,
    salt: u64,
    count: usize,
    menu: &[Defect],
    qualifies: impl Fn(Defect, usize) -> bool,
) -> HashMap<usize, Defect> {
    let mut planted = HashMap::new();
    if count == 0 {
        return planted;
    }
    let wanted = (count * DEFECTS_PER_MILLE)
        .div_ceil(1_000)
        .max(menu.len())
        .min(count / 3);
    let mut rng = Rng::new(seed ^ salt);
    for number in 0..wanted {
        let defect = menu[number % menu.len()];
        // A bounded search: a small city may have no record that qualifies.
        for _ in 0..64 {
            let index = rng.below(count);
            if !planted.contains_key(&index) && qualifies(defect, index) {
                planted.insert(index, defect);
                break;
            }
        }
    }
    planted
}

// ---------------------------------------------------------------------------------------------
// The city

/// An area of responsibility: an administration (or a company) and the body it answers to.
struct Area {
    /// The administration or company that holds the information and the systems.
    unit: String,
    unit_name: String,
    /// The committee, executive board or company board it answers to.
    body: String,
    body_short: String,
    is_company: bool,
}

/// What every record's content is derived from: counts, areas and the planted defects.
struct City {
    seed: u64,
    assets: usize,
    assets_per_file: usize,
    committees: usize,
    companies: usize,
    areas: Vec<Area>,
    systems: usize,
    suppliers: usize,
    activities: usize,
    documents: usize,
    initiatives: usize,
    benefits: usize,
    datasets: usize,
    risks: usize,
    goals: usize,
    /// Extra records that are defects by themselves (expired agreements, initiatives without
    /// benefit) or exceptions.
    expired_agreements: usize,
    orphan_initiatives: usize,
    exceptions: Vec<ExceptionPlan>,
    accepted_by_exceptions: usize,
    asset_defects: HashMap<usize, Defect>,
    system_defects: HashMap<usize, Defect>,
    supplier_defects: HashMap<usize, Defect>,
    agreement_defects: HashMap<usize, Defect>,
    activity_defects: HashMap<usize, Defect>,
    document_defects: HashMap<usize, Defect>,
    risk_defects: HashMap<usize, Defect>,
    benefit_defects: HashMap<usize, Defect>,
    dataset_defects: HashMap<usize, Defect>,
}

/// An exception: the rule and record it accepts, and what (if anything) is wrong with it.
struct ExceptionPlan {
    rule: &'static str,
    target: String,
    area: usize,
    defect: Option<Defect>,
    /// A risk acceptance (riskacceptans) named by a risk, rather than an accepted finding.
    risk_acceptance: bool,
}

/// Systems per assets: ten assets to a system; a system `s` with `s % 5 < 3` holds personal
/// data, one with `s % 10 == 9` holds an asset of high availability.
const ASSETS_PER_SYSTEM: usize = 10;
/// Personal-data assets are the first two of a personal-data system's assets.
const PERSONAL_PER_SYSTEM: usize = 2;
/// Offset of the open-data source asset within a system with `s % 5 == 3`.
const DATASET_OFFSET: usize = 5;
/// Offsets of the assets that may carry an asset defect (neither personal, critical nor open).
const PLAIN_OFFSETS: std::ops::RangeInclusive<usize> = 6..=8;

impl City {
    fn new(size: &Size) -> City {
        let assets = size.assets.max(ASSETS_PER_SYSTEM);
        let per_mille = |n: usize, min: usize| (assets * n / 1_000).max(min);
        let committees = (3 + assets / 10_000).min(12);
        let companies = (1 + assets / 50_000).min(4);
        let mut areas = vec![Area {
            unit: "KLK".into(),
            unit_name: "Kommunledningskontoret".into(),
            body: "KS".into(),
            body_short: "KS".into(),
            is_company: false,
        }];
        for c in 0..committees {
            let (committee, administration) = COMMITTEES[c % COMMITTEES.len()];
            let round = c / COMMITTEES.len();
            let suffix = if round == 0 {
                String::new()
            } else {
                format!("{}", round + 1)
            };
            areas.push(Area {
                unit: format!("{committee}F{suffix}"),
                unit_name: format!("{administration}{suffix}"),
                body: format!("{committee}{suffix}"),
                body_short: format!("{committee}{suffix}"),
                is_company: false,
            });
        }
        for k in 0..companies {
            let (short, name) = COMPANIES[k % COMPANIES.len()];
            areas.push(Area {
                unit: short.to_string(),
                unit_name: name.to_string(),
                body: format!("{short}-STY"),
                body_short: format!("{short}-styrelsen"),
                is_company: true,
            });
        }
        let systems = assets.div_ceil(ASSETS_PER_SYSTEM);
        let suppliers = per_mille(20, 4);
        // One processing activity per personal-data system (s % 5 < 3): 60 per 1,000 assets.
        let activities = (0..systems).filter(|s| s % 5 < 3).count();
        let documents = per_mille(40, 10);
        let initiatives = per_mille(50, 6);
        let benefits = per_mille(80, initiatives + initiatives / 2);
        // A dataset's source asset sits in a system with s % 5 == 3.
        let sources = if assets > 35 {
            (assets - 36) / 50 + 1
        } else {
            0
        };
        let datasets = per_mille(15, 4).min(sources);
        let risks = per_mille(10, 4).min(systems);
        let mut city = City {
            seed: size.seed,
            assets,
            assets_per_file: size.assets_per_file.max(1),
            committees,
            companies,
            areas,
            systems,
            suppliers,
            activities,
            documents,
            initiatives,
            benefits,
            datasets,
            risks,
            goals: 5,
            expired_agreements: 0,
            orphan_initiatives: 0,
            exceptions: Vec::new(),
            accepted_by_exceptions: 0,
            asset_defects: HashMap::new(),
            system_defects: HashMap::new(),
            supplier_defects: HashMap::new(),
            agreement_defects: HashMap::new(),
            activity_defects: HashMap::new(),
            document_defects: HashMap::new(),
            risk_defects: HashMap::new(),
            benefit_defects: HashMap::new(),
            dataset_defects: HashMap::new(),
        };
        city.plant_defects();
        city
    }

    fn plant_defects(&mut self) {
        let seed = self.seed;
        let systems = self.systems;
        let assets = self.assets;
        self.asset_defects = plant(seed, 1, assets, ASSET_DEFECTS, |defect, index| {
            let system = index / ASSETS_PER_SYSTEM;
            let offset = index % ASSETS_PER_SYSTEM;
            match defect {
                PersonalDataWithoutRetention => is_personal_asset(index),
                // An asset alone in its system would leave the system without assets.
                InNoSystem => PLAIN_OFFSETS.contains(&offset) && system * 10 + 9 < assets,
                _ => PLAIN_OFFSETS.contains(&offset),
            }
        });
        let suppliers = self.suppliers;
        self.system_defects = plant(
            seed,
            2,
            systems,
            SYSTEM_DEFECTS,
            |defect, system| match defect {
                StaleRestoreTest | DeclaredBelowHighWaterMark | StaleRiskAnalysis => {
                    is_personal_system(system)
                }
                StaleContinuityTest => is_critical_system(system, assets),
                CloudWithoutHostingCountry => is_cloud_supplier(system % suppliers),
                _ => true,
            },
        );
        self.supplier_defects = plant(seed, 3, suppliers, SUPPLIER_DEFECTS, |defect, n| {
            defect != CloudSupplierUnassessed || is_cloud_supplier(n)
        });
        // Agreements: one delivery agreement per supplier, then one processor agreement per
        // cloud supplier.
        let agreements = self.suppliers + self.processor_suppliers().len();
        self.agreement_defects = plant(seed, 4, agreements, AGREEMENT_DEFECTS, |defect, n| {
            (defect == ProcessorClauseMissing) == (n >= suppliers)
        });
        self.expired_agreements = (agreements * DEFECTS_PER_MILLE).div_ceil(1_000).max(1);
        let activities = self.activities;
        self.activity_defects = plant(seed, 5, activities, ACTIVITY_DEFECTS, |_, _| true);
        // The first three documents are the policy, the incident guideline and the plan.
        let documents = self.documents;
        self.document_defects = plant(seed, 6, documents, DOCUMENT_DEFECTS, |_, n| n >= 3);
        self.risk_defects = plant(seed, 7, self.risks, RISK_DEFECTS, |_, _| true);
        self.benefit_defects = plant(seed, 8, self.benefits, BENEFIT_DEFECTS, |_, _| true);
        self.orphan_initiatives = (self.initiatives * DEFECTS_PER_MILLE)
            .div_ceil(1_000)
            .max(1);
        self.dataset_defects = plant(seed, 9, self.datasets, DATASET_DEFECTS, |_, _| true);
        self.plan_exceptions();
    }

    /// Exceptions: each accepts a planted finding (an exception that covers no finding is an
    /// EXC003 finding itself), some with a defect of their own; and the risk acceptances.
    fn plan_exceptions(&mut self) {
        let mut covered: Vec<(usize, Defect)> = self
            .asset_defects
            .iter()
            .filter(|(_, defect)| matches!(defect, MissingDefinition | StaleClassification))
            .map(|(index, defect)| (*index, *defect))
            .collect();
        covered.sort_unstable_by_key(|(index, _)| *index);
        let wanted = (self.assets / 1_000).clamp(3, covered.len().max(3));
        let faulty = [
            Some(ExpiredException),
            Some(SelfApprovedException),
            Some(ExceptionExpiresSoon),
        ];
        for (number, (index, defect)) in covered.into_iter().take(wanted).enumerate() {
            let defect_of_exception = faulty.get(number % 6).copied().flatten();
            if defect_of_exception != Some(ExpiredException) {
                self.accepted_by_exceptions += 1;
            }
            self.exceptions.push(ExceptionPlan {
                rule: defect.rule(),
                target: format!("information_asset:{}", asset_id(index)),
                area: self.area_of_system(index / ASSETS_PER_SYSTEM),
                defect: defect_of_exception,
                risk_acceptance: false,
            });
        }
        for risk in 0..self.risks {
            if self.is_accepted_risk(risk) {
                // The acceptance of a defective one still accepts the RSK003 finding it names.
                if self.risk_defects.contains_key(&risk) {
                    self.accepted_by_exceptions += 1;
                }
                self.exceptions.push(ExceptionPlan {
                    rule: "RSK003",
                    target: format!("risk:{}", risk_id(risk)),
                    area: self.area_of_system(risk),
                    defect: None,
                    risk_acceptance: true,
                });
            }
        }
    }

    /// A risk accepted with a risk acceptance (the defective ones by too low an authority).
    fn is_accepted_risk(&self, risk: usize) -> bool {
        match self.risk_defects.get(&risk) {
            Some(AcceptedAboveAuthority) => true,
            Some(_) => false,
            None => risk % 4 == 3,
        }
    }

    fn planted_defects(&self) -> BTreeMap<&'static str, usize> {
        let mut count: BTreeMap<&'static str, usize> = BTreeMap::new();
        for map in [
            &self.asset_defects,
            &self.system_defects,
            &self.supplier_defects,
            &self.agreement_defects,
            &self.activity_defects,
            &self.document_defects,
            &self.risk_defects,
            &self.benefit_defects,
            &self.dataset_defects,
        ] {
            for defect in map.values() {
                *count.entry(defect.rule()).or_default() += 1;
            }
        }
        *count
            .entry(ExpiredAgreementOfOperatingSystem.rule())
            .or_default() += self.expired_agreements;
        *count.entry(InitiativeWithoutBenefit.rule()).or_default() += self.orphan_initiatives;
        for exception in &self.exceptions {
            if let Some(defect) = exception.defect {
                *count.entry(defect.rule()).or_default() += 1;
            }
        }
        count
    }

    fn cloud_suppliers(&self) -> usize {
        (0..self.suppliers)
            .filter(|n| is_cloud_supplier(*n))
            .count()
    }

    fn area_of_system(&self, system: usize) -> usize {
        system % self.areas.len()
    }

    fn write(&self, out: &mut Output) -> std::io::Result<()> {
        self.write_config(out)?;
        self.write_organisation(out)?;
        self.write_documents(out)?;
        self.write_assets(out)?;
        self.write_systems(out)?;
        self.write_suppliers(out)?;
        self.write_agreements(out)?;
        self.write_activities(out)?;
        self.write_risks(out)?;
        self.write_exceptions(out)?;
        self.write_portfolio(out)?;
        self.write_datasets(out)?;
        self.write_followup(out)?;
        Ok(())
    }
}

const COMMITTEES: &[(&str, &str)] = &[
    ("UN", "Utbildningsförvaltningen"),
    ("SN", "Socialförvaltningen"),
    ("TN", "Tekniska förvaltningen"),
    ("KN", "Kultur- och fritidsförvaltningen"),
    ("BN", "Samhällsbyggnadsförvaltningen"),
    ("MN", "Miljöförvaltningen"),
    ("ON", "Omsorgsförvaltningen"),
    ("AN", "Arbetsmarknadsförvaltningen"),
];
const COMPANIES: &[(&str, &str)] = &[
    ("EVAB", "Exempelstad Vatten AB"),
    ("EBAB", "Exempelstads Bostäder AB"),
    ("EEAB", "Exempelstad Energi AB"),
    ("EHAB", "Exempelstads Hamn AB"),
];
const FIRST_NAMES: &[&str] = &[
    "Anna", "Erik", "Sara", "Mohammed", "Karin", "Johan", "Lina", "Maria", "Per", "Fatima", "Lars",
    "Eva", "Ali", "Sofia", "Nils", "Ingrid",
];
const LAST_NAMES: &[&str] = &[
    "Lindqvist",
    "Johansson",
    "Nilsson",
    "Haddad",
    "Berg",
    "Ek",
    "Åberg",
    "Svensson",
    "Holm",
    "Ali",
    "Karlsson",
    "Andersson",
    "Yilmaz",
    "Persson",
    "Lund",
    "Hassan",
];
const SUBJECTS: &[&str] = &[
    "ärenden",
    "avtal",
    "fakturor",
    "ansökningar",
    "tillstånd",
    "beslut",
    "mätvärden",
    "bokningar",
    "anmälningar",
    "lokaler",
    "fordon",
    "inköp",
    "synpunkter",
    "projekt",
];
const TOPICS: &[&str] = &[
    "information_security",
    "data_protection",
    "archive",
    "procurement",
    "continuity",
];

fn is_personal_system(system: usize) -> bool {
    system % 5 < 3
}
fn is_critical_system(system: usize, assets: usize) -> bool {
    system % 10 == 9 && system * ASSETS_PER_SYSTEM < assets
}
fn is_personal_asset(index: usize) -> bool {
    is_personal_system(index / ASSETS_PER_SYSTEM) && index % ASSETS_PER_SYSTEM < PERSONAL_PER_SYSTEM
}
fn is_cloud_supplier(supplier: usize) -> bool {
    supplier.is_multiple_of(2)
}
fn asset_id(index: usize) -> String {
    format!("IA-{index:07}")
}
fn system_id(system: usize) -> String {
    format!("SYS-{system:05}")
}
fn supplier_id(supplier: usize) -> String {
    format!("SUP-{supplier:04}")
}
fn activity_id(activity: usize) -> String {
    format!("PA-{activity:05}")
}
fn document_id(document: usize) -> String {
    format!("DOC-{document:04}")
}
fn goal_id(goal: usize) -> String {
    format!("GOAL-{:02}", goal + 1)
}
fn risk_id(risk: usize) -> String {
    format!("RISK-{risk:05}")
}
fn initiative_id(initiative: usize) -> String {
    format!("INI-{initiative:05}")
}
fn assignment(area: &Area, role: &str) -> String {
    format!("RA-{}-{role}", area.unit)
}
/// The system of personal-data activity `n`: the n-th system with `s % 5 < 3`.
fn system_of_activity(activity: usize) -> usize {
    activity / 3 * 5 + activity % 3
}
/// The activity of a personal-data system.
fn activity_of_system(system: usize) -> usize {
    system / 5 * 3 + system % 5
}

const CC0: &str = "http://creativecommons.org/publicdomain/zero/1.0/";
const CC_BY: &str = "http://creativecommons.org/licenses/by/4.0/";

impl City {
    fn write_config(&self, out: &mut Output) -> std::io::Result<()> {
        let text = format!(
            "# tillsyn configuration of a synthetic municipality (generated, {} information assets,\n\
             # seed {}). Check it with `tillsyn check DIR --as-of {AS_OF}`.\n\n\
             select = [\"ALL\"]\n\
             # PFL004 is a figure for the report, not a gap to fix.\n\
             ignore = [\"PFL004\"]\n\n\
             # The supplier register is a spreadsheet export.\n\
             [[sources]]\npath = \"registers/suppliers.csv\"\nkind = \"supplier\"\n\n\
             [params]\ndoc_review = \"P12M\"\ninnovation_share_target_pct = 5\n",
            self.assets, self.seed
        );
        out.file("tillsyn.toml", &text, "TOML (configuration)")
    }

    fn write_organisation(&self, out: &mut Output) -> std::io::Result<()> {
        let mut units: Vec<Record> = vec![
            vec![
                ("id", s("KF")),
                ("name", s("Kommunfullmäktige")),
                ("short_name", s("KF")),
                ("unit_type", s("council")),
                ("org_number", s("212000-0000")),
                ("is_controller", V::Bool(false)),
            ],
            vec![
                ("id", s("KS")),
                ("name", s("Kommunstyrelsen")),
                ("short_name", s("KS")),
                ("unit_type", s("executive_board")),
                ("parent", s("KF")),
                ("is_controller", V::Bool(true)),
                ("nis2_scope", s("important")),
            ],
        ];
        for area in &self.areas {
            if area.is_company {
                units.push(vec![
                    ("id", s(&area.body)),
                    ("name", s(format!("Styrelsen för {}", area.unit_name))),
                    ("short_name", s(&area.body_short)),
                    ("unit_type", s("company_board")),
                    ("parent", s("KF")),
                    ("is_controller", V::Bool(false)),
                ]);
                units.push(vec![
                    ("id", s(&area.unit)),
                    ("name", s(&area.unit_name)),
                    ("short_name", s(&area.unit)),
                    ("unit_type", s("company")),
                    ("parent", s(&area.body)),
                    ("governing_body", s(&area.body)),
                    ("wholly_owned", V::Bool(true)),
                    ("is_controller", V::Bool(true)),
                    ("nis2_scope", s("essential")),
                ]);
            } else {
                if area.body != "KS" {
                    units.push(vec![
                        ("id", s(&area.body)),
                        (
                            "name",
                            s(format!("Nämnden för {}", area.unit_name.to_lowercase())),
                        ),
                        ("short_name", s(&area.body_short)),
                        ("unit_type", s("committee")),
                        ("parent", s("KF")),
                        ("is_controller", V::Bool(true)),
                    ]);
                }
                units.push(vec![
                    ("id", s(&area.unit)),
                    ("name", s(&area.unit_name)),
                    ("short_name", s(&area.unit)),
                    ("unit_type", s("administration")),
                    ("parent", s(&area.body)),
                    ("governing_body", s(&area.body)),
                    ("is_controller", V::Bool(false)),
                ]);
            }
        }
        let count = units.len();
        let mut units = units.into_iter();
        out.register(
            "organisation/units",
            "org_unit",
            Format::Toml,
            count,
            0,
            |_| units.next().unwrap_or_default(),
        )?;

        out.register(
            "organisation/roles",
            "role",
            Format::Json,
            ROLES.len(),
            0,
            |n| {
                let (id, title, function, owner, level) = ROLES[n];
                vec![
                    ("id", s(id)),
                    ("title", s(title)),
                    ("function", s(function)),
                    ("is_owner_role", V::Bool(owner)),
                    ("authority_level", V::Int(level)),
                ]
            },
        )?;

        // Two named persons per area: the head of the administration and a system manager.
        let persons = self.areas.len() * 2 + 3;
        out.register(
            "organisation/persons",
            "person",
            Format::Yaml,
            persons,
            0,
            |n| {
                let mut rng = Rng::for_record(self.seed, 10, n);
                let first = rng.pick(FIRST_NAMES);
                let last = rng.pick(LAST_NAMES);
                let unit = if n < 3 {
                    "KLK"
                } else {
                    &self.areas[(n - 3) / 2].unit
                };
                vec![
                    ("id", s(format!("P-{n:03}"))),
                    ("name", s(format!("{first} {last}"))),
                    ("unit", s(unit)),
                    (
                        "email",
                        s(format!(
                            "{}.{}{n}@exempelstad.se",
                            ascii(first).to_lowercase(),
                            ascii(last).to_lowercase()
                        )),
                    ),
                ]
            },
        )?;

        let mut assignments: Vec<Record> = vec![
            vec![
                ("id", s("RA-KF-DPO")),
                ("role", s("ROLE-DPO")),
                ("scope_unit", s("KF")),
                ("holder_person", s("P-000")),
                ("valid_from", d("2023-05-01")),
            ],
            vec![
                ("id", s("RA-KF-ISC")),
                ("role", s("ROLE-ISC")),
                ("scope_unit", s("KF")),
                ("holder_person", s("P-001")),
                ("valid_from", d("2022-09-01")),
            ],
            vec![
                ("id", s("RA-KS-KD")),
                ("role", s("ROLE-KD")),
                ("scope_unit", s("KS")),
                ("holder_person", s("P-002")),
                ("valid_from", d("2021-03-01")),
            ],
        ];
        for (n, area) in self.areas.iter().enumerate() {
            let head = format!("P-{:03}", 3 + 2 * n);
            let manager = format!("P-{:03}", 4 + 2 * n);
            let owner_holder: (&'static str, V) = if area.is_company {
                ("holder_person", s(&head))
            } else {
                ("holder_unit", s(&area.body))
            };
            assignments.push(vec![
                ("id", s(assignment(area, "IAO"))),
                ("role", s("ROLE-IAO")),
                ("scope_unit", s(&area.body)),
                owner_holder,
                ("valid_from", d("2023-01-01")),
            ]);
            for (role, holder) in [
                ("SO", &head),
                ("SM", &manager),
                ("DOC", &head),
                ("BO", &head),
            ] {
                assignments.push(vec![
                    ("id", s(assignment(area, role))),
                    ("role", s(format!("ROLE-{role}"))),
                    ("scope_unit", s(&area.unit)),
                    ("holder_person", s(holder.as_str())),
                    ("valid_from", d("2023-01-01")),
                ]);
            }
            assignments.push(vec![
                ("id", s(assignment(area, "OPS"))),
                ("role", s("ROLE-OPS")),
                ("scope_unit", s(&area.unit)),
                (
                    "holder_title",
                    s(format!("Driftansvarig, {}", area.unit_name)),
                ),
                ("valid_from", d("2024-01-01")),
            ]);
        }
        let count = assignments.len();
        let mut assignments = assignments.into_iter();
        out.register(
            "organisation/assignments",
            "role_assignment",
            Format::Yaml,
            count,
            0,
            |_| assignments.next().unwrap_or_default(),
        )
    }
}

const ROLES: &[(&str, &str, &str, bool, i64)] = &[
    (
        "ROLE-IAO",
        "Informationsägare",
        "information_owner",
        true,
        3,
    ),
    ("ROLE-SO", "Systemägare", "system_owner", false, 4),
    ("ROLE-SM", "Systemförvaltare", "system_manager", false, 5),
    ("ROLE-OPS", "Driftansvarig", "operations_owner", false, 5),
    ("ROLE-DPO", "Dataskyddsombud", "dpo", false, 6),
    (
        "ROLE-ISC",
        "Informationssäkerhetssamordnare",
        "infosec_coordinator",
        false,
        6,
    ),
    ("ROLE-BO", "Nyttoägare", "benefit_owner", false, 5),
    ("ROLE-DOC", "Dokumentansvarig", "document_owner", false, 5),
    ("ROLE-KD", "Kommundirektör", "management", false, 4),
];

/// Swedish letters folded for e-mail addresses.
fn ascii(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'å' | 'ä' => 'a',
            'Å' | 'Ä' => 'A',
            'ö' => 'o',
            'Ö' => 'O',
            c => c,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Governing documents and the plan's goals

const DOC_KINDS: &[(&str, &str)] = &[
    ("guideline", "Riktlinje"),
    ("routine", "Rutin"),
    ("instruction", "Anvisning"),
    ("rule", "Regel"),
    ("guideline", "Riktlinje"),
    ("plan", "Plan"),
];

impl City {
    fn committee_bodies(&self) -> Vec<String> {
        self.areas
            .iter()
            .filter(|area| !area.is_company)
            .map(|area| area.body.clone())
            .collect()
    }

    fn write_documents(&self, out: &mut Output) -> std::io::Result<()> {
        for n in 0..self.documents {
            let (record, body) = self.document(n);
            let format = if n % 2 == 0 {
                Format::Yaml
            } else {
                Format::Toml
            };
            let path = format!("documents/{}.md", document_id(n).to_lowercase());
            out.single(&path, "governing_document", format, &record, Some(&body))?;
        }
        out.register(
            "documents/goals",
            "goal",
            Format::Json,
            self.goals,
            0,
            |g| {
                let (title, indicator, baseline, target) = GOALS[g % GOALS.len()];
                vec![
                    ("id", s(goal_id(g))),
                    ("document", s(document_id(2))),
                    ("title", s(title)),
                    ("indicator", s(indicator)),
                    (
                        "baseline",
                        V::Map(vec![("value", V::Int(baseline)), ("date", d("2024-12-31"))]),
                    ),
                    (
                        "target",
                        V::Map(vec![("value", V::Int(target)), ("date", d("2028-12-31"))]),
                    ),
                    ("responsible_unit", s("KS")),
                ]
            },
        )
    }

    /// Document `n`: 0 the information-security policy, 1 the incident-management guideline,
    /// 2 the digitalisation plan with the goals; the rest each area's own documents.
    fn document(&self, n: usize) -> (Record, String) {
        let mut rng = Rng::for_record(self.seed, 20, n);
        let id = document_id(n);
        let registry = format!("{:04}/{:02}", 100 + n % 9_000, 25 + n % 2);
        let decision = |body: &str, date: &str, paragraph: i64| {
            V::Map(vec![
                ("body", s(body)),
                ("date", d(date)),
                ("paragraph", V::Int(paragraph)),
            ])
        };
        match n {
            0 => {
                let record = vec![
                    ("id", s(&id)),
                    (
                        "title",
                        s("Informationssäkerhetspolicy för Exempelstad kommun"),
                    ),
                    ("doc_kind", s("policy")),
                    ("topic", s("information_security")),
                    ("decided_by", s("KF")),
                    ("applies_to", strs(["all_committees", "all_company_boards"])),
                    ("registry_number", s("0087/26")),
                    ("decision", decision("KF", "2026-02-12", 14)),
                    ("valid_from", d("2026-03-01")),
                    ("valid_to", s("until_further_notice")),
                    ("last_revised", d("2026-02-12")),
                    ("review_interval", s("P12M")),
                    ("document_owner", s("RA-KF-ISC")),
                    ("related_documents", strs([document_id(1)])),
                ];
                (record, POLICY_TEXT.to_string())
            }
            1 => {
                let mut applies = vec!["KS".to_string()];
                applies.extend(
                    self.areas
                        .iter()
                        .filter(|area| area.is_company)
                        .map(|area| area.unit.clone()),
                );
                let record = vec![
                    ("id", s(&id)),
                    (
                        "title",
                        s(
                            "Riktlinje för hantering och rapportering av informationssäkerhetsincidenter",
                        ),
                    ),
                    ("doc_kind", s("guideline")),
                    ("topic", s("incident_management")),
                    ("decided_by", s("KF")),
                    ("applies_to", strs(applies)),
                    ("registry_number", s("0233/26")),
                    ("decision", decision("KF", "2026-04-23", 52)),
                    ("valid_from", d("2026-05-01")),
                    ("valid_to", s("until_further_notice")),
                    ("last_revised", d("2026-04-23")),
                    ("review_interval", s("P12M")),
                    ("document_owner", s("RA-KF-ISC")),
                    ("parent_document", s(document_id(0))),
                ];
                (record, INCIDENT_TEXT.to_string())
            }
            2 => {
                let record = vec![
                    ("id", s(&id)),
                    ("title", s("Plan för digitalisering 2025–2028")),
                    ("doc_kind", s("plan")),
                    ("topic", s("digitalisation")),
                    ("decided_by", s("KF")),
                    ("applies_to", strs(self.committee_bodies())),
                    ("registry_number", s("0612/24")),
                    ("decision", decision("KF", "2024-12-12", 187)),
                    ("valid_from", d("2025-01-01")),
                    ("valid_to", d("2028-12-31")),
                    ("last_revised", d("2026-06-11")),
                    ("review_interval", s("P12M")),
                    ("document_owner", s(assignment(&self.areas[0], "DOC"))),
                    ("goals", strs((0..self.goals).map(goal_id))),
                ];
                (record, PLAN_TEXT.to_string())
            }
            _ => self.area_document(n, &id, &registry, &mut rng, decision),
        }
    }

    fn area_document(
        &self,
        n: usize,
        id: &str,
        registry: &str,
        rng: &mut Rng,
        decision: impl Fn(&str, &str, i64) -> V,
    ) -> (Record, String) {
        let area = &self.areas[n % self.areas.len()];
        let defect = self.document_defects.get(&n).copied();
        let (mut doc_kind, mut kind_name) = DOC_KINDS[n % DOC_KINDS.len()];
        if matches!(defect, Some(ExpiredPlan | ExpiresSoon)) {
            (doc_kind, kind_name) = ("plan", "Plan");
        }
        if defect == Some(GuidelineWithGoals) {
            (doc_kind, kind_name) = ("guideline", "Riktlinje");
        }
        let planning = doc_kind == "plan";
        let topic = if planning {
            "continuity"
        } else {
            TOPICS[n % TOPICS.len()]
        };
        let subject = rng.pick(SUBJECTS);
        let title = format!(
            "{kind_name} för {subject} inom {} (nr {n})",
            area.unit_name.to_lowercase()
        );
        let mut decided_on = rng.date((2025, 11), (2026, 8));
        let mut valid_from = format!("{}-01", &decided_on[..7]);
        valid_from = next_month(&valid_from);
        let mut last_revised = decided_on.clone();
        let mut valid_to = if planning {
            d("2028-12-31")
        } else {
            s("until_further_notice")
        };
        let mut applies = vec![area.body.clone()];
        let mut appendices = vec![V::Map(vec![
            (
                "title",
                s(format!("Bilaga 1 Ansvar och roller för {subject}")),
            ),
            ("ref", s(format!("Dnr {registry} handling 2"))),
        ])];
        match defect {
            Some(ReviewOverdue) => {
                decided_on = "2025-02-10".into();
                valid_from = "2025-03-01".into();
                last_revised = "2025-05-20".into();
            }
            Some(ExpiredPlan) => {
                decided_on = "2022-12-08".into();
                valid_from = "2023-01-01".into();
                last_revised = "2025-12-01".into();
                valid_to = d("2026-06-30");
            }
            Some(ExpiresSoon) => valid_to = d("2027-01-31"),
            Some(DecidedAfterValidFrom) => {
                decided_on = "2026-03-20".into();
                valid_from = "2026-03-01".into();
                last_revised = decided_on.clone();
            }
            Some(PlaceholderLeft) => {
                appendices = vec![V::Map(vec![
                    ("title", s("Bilaga 1 [Titel på bilagan]")),
                    ("ref", s(format!("Dnr {registry} handling 2"))),
                ])]
            }
            Some(CommitteeDecidesForOthers) => {
                let other = &self.areas[(n + 1) % self.areas.len()].body;
                applies.push(other.clone());
            }
            _ => {}
        }
        let mut record = vec![
            ("id", s(id)),
            ("title", s(title.clone())),
            ("doc_kind", s(doc_kind)),
            ("topic", s(topic)),
            ("decided_by", s(&area.body)),
            ("applies_to", strs(applies)),
            ("registry_number", s(registry)),
            (
                "decision",
                decision(&area.body_short, &decided_on, 10 + (n % 200) as i64),
            ),
            ("valid_from", d(valid_from)),
            ("valid_to", valid_to),
            ("last_revised", d(last_revised)),
            ("review_interval", s("P12M")),
            ("document_owner", s(assignment(area, "DOC"))),
            ("appendices", V::List(appendices)),
        ];
        if topic == "information_security" {
            record.push(("parent_document", s(document_id(0))));
        }
        if defect == Some(GuidelineWithGoals) {
            record.push(("goals", strs([goal_id(0)])));
        }
        let body = format!(
            "# {title}\n\n## Syfte\n\n{kind_name}n beskriver hur {} hanterar {subject} så att \
             informationen skyddas enligt sin klassning.\n\n## Ansvar\n\nDokumentansvarig ser \
             till att dokumentet prövas årligen.\n",
            area.unit_name.to_lowercase()
        );
        (record, body)
    }
}

fn next_month(date: &str) -> String {
    let year: u32 = date[..4].parse().unwrap_or(2026);
    let month: u32 = date[5..7].parse().unwrap_or(1);
    let (year, month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    format!("{year}-{month:02}-01")
}

const GOALS: &[(&str, &str, i64, i64)] = &[
    (
        "Effektivare verksamhet genom digitalisering",
        "Andel ärenden som handläggs helt digitalt (procent)",
        45,
        80,
    ),
    (
        "Balans mellan effektivisering och innovation",
        "Innovationsandel av utvecklingsportföljens budget (procent)",
        1,
        5,
    ),
    (
        "Data som strategisk resurs",
        "Andel informationstillgångar med ägare och definition (procent)",
        60,
        100,
    ),
    (
        "Enklare kontakter för invånare och företag",
        "Antal e-tjänster med helt digitalt flöde",
        40,
        120,
    ),
    (
        "Systematiskt informationssäkerhetsarbete",
        "Andel system med aktuell riskanalys (procent)",
        70,
        100,
    ),
];

const POLICY_TEXT: &str = "# Informationssäkerhetspolicy\n\n## Syfte\n\nPolicyn anger \
kommunfullmäktiges viljeinriktning för informationssäkerhetsarbetet i kommunen och de helägda \
bolagen.\n\n## Ansvar\n\nVarje nämnd och bolagsstyrelse ansvarar för informationssäkerheten inom \
sitt område.\n";
const INCIDENT_TEXT: &str = "# Riktlinje för incidenthantering\n\nEn betydande incident \
rapporteras med en tidig varning inom 24 timmar, en incidentanmälan inom 72 timmar och en \
slutrapport inom en månad.\n";
const PLAN_TEXT: &str = "# Plan för digitalisering 2025–2028\n\nPlanen anger målområdena för \
kommunens digitalisering och hur de följs upp årligen.\n";

// ---------------------------------------------------------------------------------------------
// Information assets, systems, suppliers, agreements, processing activities

/// Classification levels (confidentiality, integrity, availability) of asset `index`.
fn asset_levels(index: usize, assets: usize) -> (i64, i64, i64) {
    let system = index / ASSETS_PER_SYSTEM;
    let offset = index % ASSETS_PER_SYSTEM;
    if is_personal_asset(index) {
        (2, 2, 1)
    } else if is_critical_system(system, assets) && offset == 0 {
        (1, 2, 3)
    } else if system % 5 == 3 && offset == DATASET_OFFSET {
        (0, 1, 1)
    } else {
        (1, 1, 1)
    }
}

/// The declared classification of a system: the high-water mark of its assets.
fn system_levels(system: usize, assets: usize) -> (i64, i64, i64) {
    if is_personal_system(system) {
        (2, 2, 1)
    } else if is_critical_system(system, assets) {
        (1, 2, 3)
    } else {
        (1, 1, 1)
    }
}

fn levels(levels: (i64, i64, i64)) -> Vec<(&'static str, V)> {
    vec![
        ("confidentiality", V::Int(levels.0)),
        ("integrity", V::Int(levels.1)),
        ("availability", V::Int(levels.2)),
    ]
}

impl City {
    fn write_assets(&self, out: &mut Output) -> std::io::Result<()> {
        out.register(
            "registers/assets/information-assets",
            "information_asset",
            Format::Json,
            self.assets,
            self.assets_per_file,
            |index| self.asset(index),
        )
    }

    fn asset(&self, index: usize) -> Record {
        let mut rng = Rng::for_record(self.seed, 30, index);
        let system = index / ASSETS_PER_SYSTEM;
        let area = &self.areas[self.area_of_system(system)];
        let personal = is_personal_asset(index);
        let subject = rng.pick(SUBJECTS);
        let owner = assignment(area, "IAO");
        let mut classification = levels(asset_levels(index, self.assets));
        classification.push(("method", s("KLASSA")));
        classification.push(("classified_on", d(rng.date((2025, 7), (2026, 10)))));
        classification.push(("classified_by", s(&owner)));
        let mut record = vec![
            ("id", s(asset_id(index))),
            ("name", s(format!("Register över {subject} {index}"))),
            (
                "definition",
                s(format!(
                    "Uppgifter om {subject} som {} behöver i sin verksamhet (nr {index}).",
                    area.unit_name.to_lowercase()
                )),
            ),
            ("unit", s(&area.unit)),
            ("owner", s(&owner)),
            ("custodian", s(assignment(area, "SM"))),
            ("classification", V::Map(classification)),
            ("contains_personal_data", V::Bool(personal)),
        ];
        if personal {
            record.push(("special_categories", V::Bool(false)));
        }
        record.push(("storage_form", s("digital")));
        record.push(("systems", strs([system_id(system)])));
        record.push((
            "retention",
            V::Map(vec![
                ("period", s(if personal { "P5Y" } else { "preserve" })),
                (
                    "schedule_ref",
                    s(format!("Dokumenthanteringsplan för {}", area.body)),
                ),
            ]),
        ));
        match self.asset_defects.get(&index) {
            Some(MissingOwner) => {
                remove(&mut record, "owner");
                remove_in(&mut record, "classification", "classified_by");
            }
            Some(MissingDefinition) => remove(&mut record, "definition"),
            Some(StaleClassification) => set_in(
                &mut record,
                "classification",
                "classified_on",
                d(rng.date((2022, 1), (2024, 6))),
            ),
            Some(OwnerWithoutOwnerRole) => {
                set(&mut record, "owner", s(assignment(area, "SO")));
                set_in(
                    &mut record,
                    "classification",
                    "classified_by",
                    s(assignment(area, "SO")),
                );
            }
            Some(SecretButLowConfidentiality) => {
                set(&mut record, "secrecy_refs", strs(["OSL 21 kap. 7 §"]))
            }
            Some(ClassifiedByOther) => set_in(
                &mut record,
                "classification",
                "classified_by",
                s(assignment(area, "SM")),
            ),
            Some(UnknownCustodian) => set(&mut record, "custodian", s("RA-SAKNAS-SM")),
            Some(InNoSystem) => remove(&mut record, "systems"),
            Some(PersonalDataWithoutRetention) => remove(&mut record, "retention"),
            _ => {}
        }
        record
    }

    fn write_systems(&self, out: &mut Output) -> std::io::Result<()> {
        out.register(
            "registers/systems/systems",
            "system",
            Format::Json,
            self.systems,
            self.assets_per_file,
            |system| self.system(system),
        )
    }

    fn system(&self, system: usize) -> Record {
        let mut rng = Rng::for_record(self.seed, 40, system);
        let area = &self.areas[self.area_of_system(system)];
        let supplier = system % self.suppliers;
        let first = system * ASSETS_PER_SYSTEM;
        let assets: Vec<String> = (first..(first + ASSETS_PER_SYSTEM).min(self.assets))
            .filter(|index| self.asset_defects.get(index) != Some(&InNoSystem))
            .map(asset_id)
            .collect();
        let hosting = if is_cloud_supplier(supplier) {
            vec![
                ("model", s("saas")),
                ("country", s("SE")),
                ("supplier", s(supplier_id(supplier))),
            ]
        } else {
            vec![("model", s("on_premises")), ("country", s("SE"))]
        };
        let mut record = vec![
            ("id", s(system_id(system))),
            (
                "name",
                s(format!(
                    "Verksamhetssystem för {} {system}",
                    rng.pick(SUBJECTS)
                )),
            ),
            ("lifecycle", s("operating")),
            ("unit", s(&area.unit)),
            ("system_owner", s(assignment(area, "SO"))),
            ("system_manager", s(assignment(area, "SM"))),
            ("operations_owner", s(assignment(area, "OPS"))),
            ("assets", strs(assets)),
            (
                "declared_classification",
                V::Map(levels(system_levels(system, self.assets))),
            ),
            ("hosting", V::Map(hosting)),
            ("suppliers", strs([supplier_id(supplier)])),
            ("agreements", strs([agreement_id(supplier)])),
        ];
        if is_personal_system(system) || is_critical_system(system, self.assets) {
            record.push((
                "continuity",
                V::Map(vec![
                    ("rto_hours", V::Int(8 + (system % 3) as i64 * 8)),
                    ("rpo_hours", V::Int(1 + (system % 4) as i64)),
                    ("plan_ref", s(format!("Kontinuitetsplan {}", area.unit))),
                    ("last_tested", d(rng.date((2026, 1), (2026, 10)))),
                ]),
            ));
        }
        record.push((
            "backup",
            V::Map(vec![
                (
                    "policy_ref",
                    s(format!("Säkerhetskopieringsrutin {}", area.unit)),
                ),
                ("last_restore_test", d(rng.date((2026, 1), (2026, 10)))),
            ]),
        ));
        record.push(("changed_on", d(rng.date((2024, 1), (2025, 6)))));
        match self.system_defects.get(&system) {
            Some(MissingSystemManager) => remove(&mut record, "system_manager"),
            Some(StaleRestoreTest) => {
                set_in(&mut record, "backup", "last_restore_test", d("2025-06-10"))
            }
            Some(StaleContinuityTest) => {
                set_in(&mut record, "continuity", "last_tested", d("2025-04-10"))
            }
            Some(DeclaredBelowHighWaterMark) => set_in(
                &mut record,
                "declared_classification",
                "confidentiality",
                V::Int(1),
            ),
            Some(UnknownDependency) => set(&mut record, "depends_on", strs(["SYS-SAKNAS"])),
            Some(CloudWithoutHostingCountry) => remove_in(&mut record, "hosting", "country"),
            _ => {}
        }
        record
    }

    fn write_suppliers(&self, out: &mut Output) -> std::io::Result<()> {
        let mut text = String::from(
            "id,name,org_number,country,is_cloud,criticality,assessed_on,assessment_ref,certifications\n",
        );
        for n in 0..self.suppliers {
            let mut rng = Rng::for_record(self.seed, 50, n);
            let cloud = is_cloud_supplier(n);
            let mut criticality = if cloud { "high" } else { "medium" };
            let mut assessed_on = rng.date((2026, 1), (2026, 10));
            let mut assessment = format!("Leverantörsbedömning dnr KS {:04}/26", n % 10_000);
            match self.supplier_defects.get(&n) {
                Some(StaleSupplierAssessment) => {
                    criticality = "high";
                    assessed_on = rng.date((2024, 1), (2025, 9));
                }
                Some(CloudSupplierUnassessed) => assessment.clear(),
                _ => {}
            }
            let _ = writeln!(
                text,
                "{},{} {} AB,5568{:02}-{:04},SE,{cloud},{criticality},{assessed_on},{assessment},{}",
                supplier_id(n),
                rng.pick(&["Nordisk", "Svensk", "Kommun", "Digital", "Moln", "Data"]),
                rng.pick(&[
                    "Systemdrift",
                    "Ärendesystem",
                    "IT-tjänst",
                    "Plattform",
                    "Programvara"
                ]),
                n % 100,
                n % 10_000,
                if cloud {
                    "ISO/IEC 27001;ISO/IEC 27017"
                } else {
                    "ISO/IEC 27001"
                }
            );
        }
        out.file("registers/suppliers.csv", &text, "CSV")?;
        *out.report.records.entry("supplier").or_default() += self.suppliers;
        Ok(())
    }

    /// Cloud suppliers that host a personal-data system: each has a processor agreement.
    fn processor_suppliers(&self) -> Vec<usize> {
        (0..self.suppliers)
            .filter(|n| is_cloud_supplier(*n))
            .filter(|n| {
                (*n..self.systems)
                    .step_by(self.suppliers)
                    .any(is_personal_system)
            })
            .collect()
    }

    fn systems_of_supplier(&self, supplier: usize) -> Vec<String> {
        (supplier..self.systems)
            .step_by(self.suppliers)
            .map(system_id)
            .collect()
    }

    fn write_agreements(&self, out: &mut Output) -> std::io::Result<()> {
        let processors = self.processor_suppliers();
        let count = self.suppliers + processors.len() + self.expired_agreements;
        out.register(
            "registers/agreements",
            "agreement",
            Format::Json,
            count,
            0,
            |n| {
                let mut rng = Rng::for_record(self.seed, 60, n);
                let valid_from = d(rng.date((2023, 1), (2025, 12)));
                if n < self.suppliers {
                    let mut record = vec![
                        ("id", s(agreement_id(n))),
                        ("agreement_type", s("delivery")),
                        ("controller_unit", s("KS")),
                        ("counterparty", s(supplier_id(n))),
                        ("valid_from", valid_from),
                        ("valid_to", d("2029-06-30")),
                        ("systems", strs(self.systems_of_supplier(n))),
                        (
                            "security_requirements_ref",
                            s(format!(
                                "Avtal KS {:04}/24 bilaga 4 Säkerhetskrav",
                                n % 10_000
                            )),
                        ),
                        ("exit_plan", V::Bool(true)),
                    ];
                    if self.agreement_defects.get(&n) == Some(&AgreementExpiresSoon) {
                        set(&mut record, "valid_to", d("2027-01-31"));
                    }
                    record
                } else if n < self.suppliers + processors.len() {
                    let supplier = processors[n - self.suppliers];
                    let activities: Vec<String> = (supplier..self.systems)
                        .step_by(self.suppliers)
                        .filter(|system| is_personal_system(*system))
                        .map(|system| activity_id(activity_of_system(system)))
                        .collect();
                    let clause = |flag: bool| V::Bool(flag);
                    let audit = self.agreement_defects.get(&n) != Some(&ProcessorClauseMissing);
                    vec![
                        ("id", s(agreement_id(n))),
                        ("agreement_type", s("processor_agreement")),
                        ("controller_unit", s("KS")),
                        ("counterparty", s(supplier_id(supplier))),
                        ("valid_from", valid_from),
                        ("valid_to", d("2029-06-30")),
                        ("systems", strs(self.systems_of_supplier(supplier))),
                        ("processing_activities", strs(activities)),
                        (
                            "art28_clauses",
                            V::Map(vec![
                                ("subject_duration_nature_purpose", clause(true)),
                                ("instructions", clause(true)),
                                ("confidentiality", clause(true)),
                                ("security", clause(true)),
                                ("subprocessors", clause(true)),
                                ("data_subject_rights", clause(true)),
                                ("assistance", clause(true)),
                                ("deletion_return", clause(true)),
                                ("audit", clause(audit)),
                            ]),
                        ),
                        (
                            "security_requirements_ref",
                            s(format!("PUB-avtal KS {:04}/24 bilaga 2", n % 10_000)),
                        ),
                        ("exit_plan", V::Bool(true)),
                    ]
                } else {
                    // An old service agreement that ran out while its system still operates.
                    let system = (n * 7) % self.systems;
                    let supplier = system % self.suppliers;
                    vec![
                        ("id", s(agreement_id(n))),
                        ("agreement_type", s("sla")),
                        ("controller_unit", s("KS")),
                        ("counterparty", s(supplier_id(supplier))),
                        ("valid_from", d("2021-01-01")),
                        ("valid_to", d("2025-12-31")),
                        ("systems", strs([system_id(system)])),
                    ]
                }
            },
        )
    }

    fn write_activities(&self, out: &mut Output) -> std::io::Result<()> {
        out.register(
            "registers/processing-activities",
            "processing_activity",
            Format::Yaml,
            self.activities,
            0,
            |activity| self.activity(activity),
        )
    }

    fn activity(&self, activity: usize) -> Record {
        let mut rng = Rng::for_record(self.seed, 70, activity);
        let system = system_of_activity(activity);
        let area = &self.areas[self.area_of_system(system)];
        let supplier = system % self.suppliers;
        let subject = rng.pick(SUBJECTS);
        let controller = if area.is_company {
            &area.unit
        } else {
            &area.body
        };
        let first = system * ASSETS_PER_SYSTEM;
        let assets: Vec<String> = (first..(first + PERSONAL_PER_SYSTEM).min(self.assets))
            .map(asset_id)
            .collect();
        let mut processors: Vec<String> = Vec::new();
        if is_cloud_supplier(supplier) {
            processors.push(supplier_id(supplier));
        }
        let mut record = vec![
            ("id", s(activity_id(activity))),
            ("name", s(format!("Handläggning av {subject} ({activity})"))),
            ("controller_unit", s(controller)),
            ("dpo", s("RA-KF-DPO")),
            ("purposes", strs([format!("Handläggning av {subject}")])),
            ("legal_basis", strs(["art6_1_e"])),
            (
                "national_law_ref",
                s("Förvaltningslagen (2017:900) och kommunallagen (2017:725)"),
            ),
            ("data_subject_categories", strs(["Invånare", "Sökande"])),
            (
                "personal_data_categories",
                strs(["Namn och kontaktuppgifter", "Uppgifter i ärendet"]),
            ),
            ("special_categories", V::Bool(false)),
            ("criminal_offence_data", V::Bool(false)),
            (
                "recipients",
                V::List(vec![V::Map(vec![(
                    "category",
                    s("Allmänheten vid begäran om allmän handling, efter sekretessprövning"),
                )])]),
            ),
            ("processors", strs(processors.clone())),
            (
                "retention",
                V::List(vec![V::Map(vec![
                    ("data_category", s(format!("Ärenden om {subject}"))),
                    ("period", s("P5Y")),
                    (
                        "schedule_ref",
                        s(format!("Dokumenthanteringsplan för {}", area.body)),
                    ),
                ])]),
            ),
            (
                "security_measures",
                s(
                    "Behörighetsstyrning efter roll, tvåfaktorsautentisering, kryptering och loggning.",
                ),
            ),
            ("systems", strs([system_id(system)])),
            ("assets", strs(assets)),
        ];
        if activity.is_multiple_of(4) {
            record.push((
                "dpia",
                V::Map(vec![
                    ("criteria_met", strs(["wp248_3", "wp248_5"])),
                    ("status", s("completed")),
                    ("completed_on", d(rng.date((2025, 7), (2026, 9)))),
                    (
                        "ref",
                        s(format!("Konsekvensbedömning {}", activity_id(activity))),
                    ),
                ]),
            ));
        }
        match self.activity_defects.get(&activity) {
            Some(MissingSecurityMeasures) => remove(&mut record, "security_measures"),
            Some(CriminalDataWithoutLaw) => {
                // A contract basis needs no national law by the schema; offence data does.
                set(&mut record, "legal_basis", strs(["art6_1_b"]));
                set(&mut record, "criminal_offence_data", V::Bool(true));
                remove(&mut record, "national_law_ref");
            }
            Some(DpiaNotCompleted) => set(
                &mut record,
                "dpia",
                V::Map(vec![
                    ("criteria_met", strs(["wp248_3", "wp248_5"])),
                    ("status", s("ongoing")),
                ]),
            ),
            Some(ProcessorWithoutAgreement) => {
                let other = (0..self.suppliers)
                    .find(|n| is_cloud_supplier(*n) && *n != supplier)
                    .unwrap_or(0);
                processors.push(supplier_id(other));
                set(&mut record, "processors", strs(processors));
            }
            Some(TransferWithoutMechanism) => set(
                &mut record,
                "third_country_transfers",
                V::List(vec![V::Map(vec![
                    ("country", s("US")),
                    ("mechanism", s("none")),
                ])]),
            ),
            _ => {}
        }
        record
    }
}

fn agreement_id(n: usize) -> String {
    format!("AG-{n:05}")
}

// ---------------------------------------------------------------------------------------------
// Risk analyses, risks and exceptions

impl City {
    /// Assets that need a risk analysis of their own (a level of 2 or more).
    fn analysed_assets(&self) -> Vec<usize> {
        (0..self.assets)
            .filter(|index| {
                let (c, i, a) = asset_levels(*index, self.assets);
                c.max(i).max(a) >= 2
            })
            .collect()
    }

    fn write_risks(&self, out: &mut Output) -> std::io::Result<()> {
        // One analysis of every system, then one of every asset at level 2 or more.
        let analysed = self.analysed_assets();
        out.register(
            "registers/risk-analyses/risk-analyses",
            "risk_analysis",
            Format::Json,
            self.systems + analysed.len(),
            self.assets_per_file,
            |n| {
                let mut rng = Rng::for_record(self.seed, 80, n);
                let (object, system) = if n < self.systems {
                    (system_id(n), n)
                } else {
                    let index = analysed[n - self.systems];
                    (asset_id(index), index / ASSETS_PER_SYSTEM)
                };
                let area = &self.areas[self.area_of_system(system)];
                let stale =
                    n < self.systems && self.system_defects.get(&n) == Some(&StaleRiskAnalysis);
                let performed_on = if stale {
                    "2025-05-12".to_string()
                } else {
                    rng.date((2026, 1), (2026, 10))
                };
                vec![
                    ("id", s(format!("RSA-{n:07}"))),
                    ("object", s(object)),
                    ("performed_on", d(performed_on)),
                    ("method", s("MSB:s metodstöd för riskanalys")),
                    (
                        "participants",
                        strs([assignment(area, "SO"), "RA-KF-ISC".to_string()]),
                    ),
                ]
            },
        )?;
        let mut acceptances: HashMap<String, String> = HashMap::new();
        for (number, exception) in self.exceptions.iter().enumerate() {
            if exception.risk_acceptance {
                acceptances.insert(exception.target.clone(), exception_id(number));
            }
        }
        out.register(
            "registers/risks",
            "risk",
            Format::Yaml,
            self.risks,
            0,
            |risk| {
                let area = &self.areas[self.area_of_system(risk)];
                let mut record = vec![
                    ("id", s(risk_id(risk))),
                    ("analysis", s(format!("RSA-{risk:07}"))),
                    (
                        "title",
                        s(format!(
                            "Obehörig åtkomst till information i {}",
                            system_id(risk)
                        )),
                    ),
                    ("likelihood", V::Int(2)),
                    ("consequence", V::Int(2 + (risk % 2) as i64)),
                    ("owner", s(assignment(area, "SO"))),
                    ("treatment", s("reduce")),
                    (
                        "actions",
                        V::List(vec![
                            V::Map(vec![
                                ("description", s("Inför behörighet efter tjänstens behov")),
                                ("responsible", s(assignment(area, "SM"))),
                                ("due", d("2026-06-30")),
                                ("status", s("done")),
                            ]),
                            V::Map(vec![
                                ("description", s("Inför månatlig logguppföljning")),
                                ("responsible", s(assignment(area, "SM"))),
                                ("due", d("2027-06-30")),
                                ("status", s("open")),
                            ]),
                        ]),
                    ),
                    ("residual_level", V::Int(4)),
                ];
                if let Some(exception) = acceptances.get(&format!("risk:{}", risk_id(risk))) {
                    set(&mut record, "treatment", s("accept"));
                    remove(&mut record, "actions");
                    record.push(("acceptance", s(exception)));
                }
                match self.risk_defects.get(&risk) {
                    Some(OverdueAction) => {
                        if let Some(V::List(actions)) = field(&mut record, "actions")
                            && let Some(V::Map(action)) = actions.get_mut(1)
                        {
                            set(action, "due", d("2026-09-30"));
                        }
                    }
                    Some(AcceptedAboveAuthority) => {
                        // Residual level 12 needs an approver at authority level 3 or above;
                        // the municipal director (level 4) approved it.
                        set(&mut record, "likelihood", V::Int(3));
                        set(&mut record, "consequence", V::Int(4));
                        set(&mut record, "residual_level", V::Int(12));
                    }
                    _ => {}
                }
                record
            },
        )
    }

    fn write_exceptions(&self, out: &mut Output) -> std::io::Result<()> {
        for (number, exception) in self.exceptions.iter().enumerate() {
            let mut rng = Rng::for_record(self.seed, 90, number);
            let area = &self.areas[exception.area];
            let mut requested_by = assignment(area, "SO");
            let mut approved_on = rng.date((2026, 1), (2026, 9));
            let mut expires_on = "2027-09-30".to_string();
            match exception.defect {
                Some(ExpiredException) => {
                    approved_on = "2025-06-01".into();
                    expires_on = "2026-10-31".into();
                }
                Some(SelfApprovedException) => requested_by = "RA-KS-KD".into(),
                Some(ExceptionExpiresSoon) => expires_on = "2027-01-20".into(),
                _ => {}
            }
            let justification = if exception.risk_acceptance {
                "Den kvarstående risken bedöms som låg och accepteras av kommundirektören."
            } else {
                "Registret avvecklas under nästa år; en ny klassning och definition görs inte \
                 för den kvarvarande tiden."
            };
            let record = vec![
                ("id", s(exception_id(number))),
                ("rule", s(exception.rule)),
                ("targets", strs([exception.target.clone()])),
                ("justification", s(justification)),
                ("requested_by", s(requested_by)),
                ("approved_by", s("RA-KS-KD")),
                ("approved_on", d(approved_on)),
                ("expires_on", d(expires_on)),
                (
                    "compensating_controls",
                    s("Informationssäkerhetssamordnaren följer upp avsteget varje kvartal."),
                ),
            ];
            let (format, extension) = if number % 2 == 0 {
                (Format::Toml, "toml")
            } else {
                (Format::Yaml, "yaml")
            };
            let path = format!("registers/exceptions/{}.{extension}", exception_id(number));
            out.single(&path, "exception", format, &record, None)?;
        }
        Ok(())
    }
}

fn exception_id(number: usize) -> String {
    format!("EXC-{:04}", number + 1)
}

// ---------------------------------------------------------------------------------------------
// Portfolio, benefits, open data and follow-up

impl City {
    fn write_portfolio(&self, out: &mut Output) -> std::io::Result<()> {
        let areas = self.areas.len();
        out.register(
            "portfolio/initiatives",
            "initiative",
            Format::Toml,
            self.initiatives + self.orphan_initiatives,
            0,
            |n| {
                let mut rng = Rng::for_record(self.seed, 100, n);
                let orphan = n >= self.initiatives;
                let area = &self.areas[n % areas];
                // Every fourth initiative of an area (its first among them) explores.
                let innovation = !orphan && (n / areas).is_multiple_of(4);
                let phase = if orphan || innovation {
                    "execution"
                } else {
                    [
                        "execution",
                        "planning",
                        "management",
                        "execution",
                        "idea",
                        "closed",
                    ][(n / areas) % 6]
                };
                vec![
                    ("id", s(initiative_id(n))),
                    (
                        "name",
                        s(format!("Digitalisering av {} ({n})", rng.pick(SUBJECTS))),
                    ),
                    ("unit", s(&area.unit)),
                    (
                        "orientation",
                        s(if innovation {
                            "innovation"
                        } else {
                            "efficiency"
                        }),
                    ),
                    ("benefit_focus", s(["internal", "external", "both"][n % 3])),
                    ("phase", s(phase)),
                    (
                        "budget_sek",
                        V::Int(200_000 + 50_000 * rng.below(20) as i64),
                    ),
                    ("goals", strs([goal_id(n % self.goals)])),
                ]
            },
        )?;
        out.register(
            "portfolio/benefits",
            "benefit",
            Format::Yaml,
            self.benefits,
            0,
            |b| {
                let mut rng = Rng::for_record(self.seed, 110, b);
                let initiative = b % self.initiatives;
                let area = &self.areas[initiative % areas];
                let mut record = vec![
                    ("id", s(format!("BEN-{b:05}"))),
                    ("initiative", s(initiative_id(initiative))),
                    (
                        "description",
                        s(format!(
                            "Kortare handläggningstid för {}",
                            rng.pick(SUBJECTS)
                        )),
                    ),
                    ("owner", s(assignment(area, "BO"))),
                    (
                        "beneficiary",
                        s(["internal", "residents", "businesses"][b % 3]),
                    ),
                    ("measure_kind", s("quantitative")),
                    ("indicator", s("Genomsnittlig handläggningstid i dagar")),
                    (
                        "baseline",
                        V::Map(vec![("value", V::Int(30)), ("date", d("2025-01-31"))]),
                    ),
                    (
                        "target",
                        V::Map(vec![("value", V::Int(10)), ("date", d("2028-06-30"))]),
                    ),
                    ("goal", s(goal_id(b % self.goals))),
                    (
                        "followups",
                        V::List(vec![V::Map(vec![
                            ("date", d(rng.date((2026, 3), (2026, 10)))),
                            ("value", V::Int(20 + rng.below(8) as i64)),
                            ("comment", s("Infört i delar av verksamheten.")),
                        ])]),
                    ),
                    ("next_followup", d("2027-03-31")),
                    ("benefit_status", s("realising")),
                ];
                match self.benefit_defects.get(&b) {
                    Some(FollowUpOverdue) => set(&mut record, "next_followup", d("2026-10-31")),
                    Some(UnknownGoal) => set(&mut record, "goal", s("GOAL-99")),
                    _ => {}
                }
                record
            },
        )
    }

    fn write_datasets(&self, out: &mut Output) -> std::io::Result<()> {
        out.register(
            "registers/datasets",
            "dataset",
            Format::Json,
            self.datasets,
            0,
            |n| {
                let source = (n * 5 + 3) * ASSETS_PER_SYSTEM + DATASET_OFFSET;
                let iri = format!("https://data.exempelstad.se/dataset/{n:04}");
                let mut license = CC_BY.to_string();
                let mut catalog_license = CC0;
                let mut publisher = vec![
                    ("iri", s("https://www.exempelstad.se")),
                    ("name", s("Exempelstad kommun")),
                    ("type", s("http://purl.org/adms/publishertype/LocalAuthority")),
                ];
                match self.dataset_defects.get(&n) {
                    Some(WrongCatalogLicense) => catalog_license = CC_BY,
                    Some(NonOpenLicense) => {
                        license = "http://creativecommons.org/licenses/by-nc/4.0/".into()
                    }
                    Some(PublisherWithoutType) => remove(&mut publisher, "type"),
                    _ => {}
                }
                let mut record = vec![
                    ("id", s(&iri)),
                    ("catalog", s("https://data.exempelstad.se/catalog")),
                    ("catalog_license", s(catalog_license)),
                    (
                        "title",
                        V::Map(vec![
                            ("sv", s(format!("Öppna data från register {source}"))),
                            ("en", s(format!("Open data from register {source}"))),
                        ]),
                    ),
                    (
                        "description",
                        V::Map(vec![(
                            "sv",
                            s("Uppgifter som publiceras som öppna data och uppdateras varje månad."),
                        )]),
                    ),
                    ("publisher", V::Map(publisher)),
                    (
                        "contact_point",
                        V::Map(vec![
                            ("name", s("Kommunledningskontoret")),
                            ("email", s("oppnadata@exempelstad.se")),
                        ]),
                    ),
                    ("access_rights", s("public")),
                    (
                        "themes",
                        strs(["http://publications.europa.eu/resource/authority/data-theme/GOVE"]),
                    ),
                    ("issued", d("2025-11-03")),
                    ("modified", d("2026-10-20")),
                    (
                        "distributions",
                        V::List(vec![V::Map(vec![
                            ("iri", s(format!("{iri}/csv"))),
                            ("access_url", s(&iri)),
                            ("download_url", s(format!("{iri}/data.csv"))),
                            (
                                "format",
                                s("http://publications.europa.eu/resource/authority/file-type/CSV"),
                            ),
                            ("license", s(license)),
                        ])]),
                    ),
                    ("source_asset", s(asset_id(source))),
                ];
                if self.dataset_defects.get(&n) == Some(&NoContactPoint) {
                    remove(&mut record, "contact_point");
                }
                record
            },
        )
    }

    fn write_followup(&self, out: &mut Output) -> std::io::Result<()> {
        // The digitalisation plan applies to the executive board and every committee.
        let bodies = self.committee_bodies();
        out.register(
            "followup/competence-inventories",
            "competence_inventory",
            Format::Json,
            bodies.len(),
            0,
            |n| {
                vec![
                    ("id", s(format!("CI-2026-{}", bodies[n]))),
                    ("unit", s(&bodies[n])),
                    ("year", V::Int(2026)),
                    ("performed_on", d(format!("2026-04-{:02}", 1 + n % 28))),
                    (
                        "gaps",
                        V::List(vec![V::Map(vec![
                            ("competence", s("Informationsklassning enligt KLASSA")),
                            ("severity", s("medium")),
                        ])]),
                    ),
                ]
            },
        )?;
        out.register(
            "followup/maturity-assessments",
            "maturity_assessment",
            Format::Toml,
            bodies.len(),
            0,
            |n| {
                vec![
                    ("id", s(format!("MA-2026-{}", bodies[n]))),
                    ("unit", s(&bodies[n])),
                    ("tool", s("DiMiOS")),
                    ("performed_on", d(format!("2026-05-{:02}", 1 + n % 28))),
                    ("maturity_pct", V::Int(45 + (n % 30) as i64)),
                ]
            },
        )?;
        out.register(
            "followup/follow-up-reports",
            "follow_up_report",
            Format::Yaml,
            bodies.len(),
            0,
            |n| {
                vec![
                    ("id", s(format!("FUR-2025-{}", bodies[n]))),
                    ("unit", s(&bodies[n])),
                    ("document", s(document_id(2))),
                    ("year", V::Int(2025)),
                    (
                        "goal_status",
                        V::List(
                            (0..self.goals)
                                .map(|g| {
                                    V::Map(vec![
                                        ("goal", s(goal_id(g))),
                                        (
                                            "status",
                                            s(["on_track", "behind", "achieved"][(g + n) % 3]),
                                        ),
                                    ])
                                })
                                .collect(),
                        ),
                    ),
                    ("submitted_on", d(format!("2026-02-{:02}", 1 + n % 28))),
                ]
            },
        )?;
        for n in 0..3 {
            let record = vec![
                ("id", s(format!("INC-2026-{:03}", n + 1))),
                ("unit", s(&self.areas[n % self.areas.len()].unit)),
                (
                    "detected_at",
                    s(format!("2026-0{}-02T08:15:00+01:00", n + 3)),
                ),
                ("significant", V::Bool(false)),
                ("personal_data_breach", V::Bool(false)),
            ];
            let path = format!("followup/incidents/INC-2026-{:03}.json", n + 1);
            out.single(&path, "incident", Format::Json, &record, None)?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// The plain register

/// Generates the "plain register" of the benchmarks: `assets` information assets in `files`
/// JSON files, owned through `assignments` information-owner assignments over 50 committees and
/// their administrations. One asset in a hundred carries a defect that SCH001, XRF001, OWN001,
/// OWN002 or CLS002 reports (an unknown unit is both XRF001 and OWN002: 1.2 findings per
/// defect). Returns the records written and the assets with a defect.
pub fn generate_plain(
    root: &Path,
    assets: usize,
    files: usize,
    assignments: usize,
    seed: u64,
) -> std::io::Result<(usize, usize)> {
    const COMMITTEES: usize = 50;
    let mut out = Output::new(root);
    let assignments = assignments.max(COMMITTEES);
    out.register(
        "organisation/units",
        "org_unit",
        Format::Json,
        2 + 2 * COMMITTEES,
        0,
        |n| match n {
            0 => vec![
                ("id", s("KF")),
                ("name", s("Kommunfullmäktige")),
                ("unit_type", s("council")),
                ("is_controller", V::Bool(false)),
            ],
            1 => vec![
                ("id", s("KS")),
                ("name", s("Kommunstyrelsen")),
                ("unit_type", s("executive_board")),
                ("parent", s("KF")),
                ("is_controller", V::Bool(true)),
            ],
            n if n % 2 == 0 => vec![
                ("id", s(format!("N{:02}", (n - 2) / 2))),
                ("name", s(format!("Nämnd {}", (n - 2) / 2))),
                ("unit_type", s("committee")),
                ("parent", s("KF")),
                ("is_controller", V::Bool(true)),
            ],
            n => vec![
                ("id", s(format!("F{:02}", (n - 2) / 2))),
                ("name", s(format!("Förvaltning {}", (n - 2) / 2))),
                ("unit_type", s("administration")),
                ("parent", s(format!("N{:02}", (n - 2) / 2))),
                ("governing_body", s(format!("N{:02}", (n - 2) / 2))),
                ("is_controller", V::Bool(false)),
            ],
        },
    )?;
    out.register("organisation/roles", "role", Format::Json, 2, 0, |n| {
        let (id, title, function, owner, level) = ROLES[n];
        vec![
            ("id", s(id)),
            ("title", s(title)),
            ("function", s(function)),
            ("is_owner_role", V::Bool(owner)),
            ("authority_level", V::Int(level)),
        ]
    })?;
    // Assignment `n` is an information owner for committee `n % 50` (every 100th a system owner).
    out.register(
        "organisation/assignments",
        "role_assignment",
        Format::Json,
        assignments,
        0,
        |n| {
            vec![
                ("id", s(format!("RA-{n:06}"))),
                (
                    "role",
                    s(if n % 100 == 99 { "ROLE-SO" } else { "ROLE-IAO" }),
                ),
                ("scope_unit", s(format!("N{:02}", n % COMMITTEES))),
                ("holder_title", s(format!("Informationsägare {n}"))),
                ("valid_from", d("2023-01-01")),
            ]
        },
    )?;
    let per_file = assets.div_ceil(files.max(1)).max(1);
    let mut defects = 0;
    out.register(
        "registers/information-assets",
        "information_asset",
        Format::Json,
        assets,
        per_file,
        |index| {
            let mut rng = Rng::for_record(seed, 200, index);
            // Owners avoid the system-owner assignments except where that is the defect.
            let mut owner = index % assignments;
            if owner % 100 == 99 {
                owner -= 1;
            }
            let committee = owner % COMMITTEES;
            let mut record = vec![
                ("id", s(asset_id(index))),
                (
                    "name",
                    s(format!("Register över {} {index}", rng.pick(SUBJECTS))),
                ),
                ("definition", s(format!("Uppgifter för ärendetyp {index}."))),
                ("unit", s(format!("F{committee:02}"))),
                ("owner", s(format!("RA-{owner:06}"))),
                (
                    "classification",
                    V::Map(vec![
                        ("confidentiality", V::Int(rng.below(3) as i64)),
                        ("integrity", V::Int(1)),
                        ("availability", V::Int(1)),
                        ("classified_on", d(rng.date((2025, 7), (2026, 10)))),
                        ("classified_by", s(format!("RA-{owner:06}"))),
                    ]),
                ),
                ("contains_personal_data", V::Bool(index % 10 == 0)),
                ("storage_form", s("paper")),
            ];
            if index % 10 == 0 {
                record.push(("special_categories", V::Bool(false)));
            }
            // One asset in a hundred has one of five defects.
            if index % 100 == 37 {
                defects += 1;
                match (index / 100) % 5 {
                    0 => remove(&mut record, "owner"),
                    1 => set_in(
                        &mut record,
                        "classification",
                        "classified_on",
                        d("2023-05-04"),
                    ),
                    2 => set(&mut record, "unit", s("F-SAKNAS")),
                    3 => set(&mut record, "owner", s(format!("RA-{:06}", 99))),
                    _ => remove(&mut record, "contains_personal_data"),
                }
            }
            record
        },
    )?;
    Ok((out.report.total_records(), defects))
}
