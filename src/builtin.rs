//! The findings built into the engine (RULES.md, "Built into the engine"): the ones that come
//! before any rule pack can run, because they are about reading and validating the repository.

use crate::finding::Severity;

/// What a built-in finding means. Rule codes never change meaning.
#[derive(Clone, Copy, Debug)]
pub struct BuiltinRule {
    pub id: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub rationale: &'static str,
    pub remediation: &'static str,
    pub references: &'static [&'static str],
    /// The title, rationale and remediation in Swedish, for `--lang sv`.
    pub sv: BuiltinText,
}

/// A built-in rule's words in another language than English.
#[derive(Clone, Copy, Debug)]
pub struct BuiltinText {
    pub title: &'static str,
    pub rationale: &'static str,
    pub remediation: &'static str,
}

impl BuiltinRule {
    pub fn origin(&self) -> crate::finding::Origin<'static> {
        crate::finding::Origin {
            id: self.id,
            severity: self.severity,
            title: self.title,
            remediation: self.remediation,
            references: self
                .references
                .iter()
                .map(|reference| reference.to_string())
                .collect(),
        }
    }
}

/// A file cannot be read or parsed. Its other files are still checked.
pub const PARSE001: BuiltinRule = BuiltinRule {
    id: "PARSE001",
    severity: Severity::Critical,
    title: "File cannot be read or parsed",
    rationale: "A governing record that cannot be read is not governed: none of its records are checked.",
    remediation: "Fix the syntax at the position shown; the message says what the parser expected.",
    references: &["ISO27001:7.5.3"],
    sv: BuiltinText {
        title: "Filen kan inte läsas eller tolkas",
        rationale: "En styrande uppgift som inte kan läsas styr ingenting: ingen av filens poster kontrolleras.",
        remediation: "Rätta syntaxen på den angivna platsen; meddelandet säger vad tolkaren väntade sig.",
    },
};

/// A file's `kind` is not a known kind.
pub const SRC001: BuiltinRule = BuiltinRule {
    id: "SRC001",
    severity: Severity::High,
    title: "Unknown kind",
    rationale: "Records of an unknown kind are not validated or checked by any rule.",
    remediation: "Use one of the kinds that `tillsyn schema list` shows.",
    references: &["ISO27001:7.5.3"],
    sv: BuiltinText {
        title: "Okänd posttyp (kind)",
        rationale: "Poster av en okänd posttyp valideras inte och kontrolleras inte av någon regel.",
        remediation: "Använd en av posttyperna som `tillsyn schema list` visar.",
    },
};

/// A record breaks its kind's schema.
pub const SCH001: BuiltinRule = BuiltinRule {
    id: "SCH001",
    severity: Severity::High,
    title: "Record does not match its kind's schema",
    rationale: "Missing, misspelt or mistyped fields make a record unreliable, and rules cannot judge it.",
    remediation: "Correct the value as the message says; `tillsyn schema show KIND` lists the fields.",
    references: &["ISO27001:7.5.2"],
    sv: BuiltinText {
        title: "Posten följer inte schemat för sin posttyp",
        rationale: "Fält som saknas, är felstavade eller har fel typ gör posten opålitlig, och reglerna kan inte bedöma den.",
        remediation: "Rätta värdet som meddelandet anger; `tillsyn schema show KIND` listar fälten.",
    },
};

/// A reference does not resolve.
pub const XRF001: BuiltinRule = BuiltinRule {
    id: "XRF001",
    severity: Severity::High,
    title: "Reference to a record that does not exist",
    rationale: "An owner, system or agreement that cannot be found is no owner, system or agreement.",
    remediation: "Point the field at the id of an existing record of the named kind, or add that record.",
    references: &["ISO27001:A.5.9"],
    sv: BuiltinText {
        title: "Hänvisning till en post som inte finns",
        rationale: "En ägare, ett system eller ett avtal som inte går att hitta är ingen ägare, inget system och inget avtal.",
        remediation: "Låt fältet peka på id:t för en befintlig post av den angivna posttypen, eller lägg till den posten.",
    },
};

/// Two records of one kind share an id.
pub const XRF002: BuiltinRule = BuiltinRule {
    id: "XRF002",
    severity: Severity::High,
    title: "Duplicate id",
    rationale: "References to a shared id are ambiguous; ids must be unique within a kind.",
    remediation: "Give one of the records a new id and update the references to it.",
    references: &["ISO27001:7.5.3"],
    sv: BuiltinText {
        title: "Dubblerat id",
        rationale: "Hänvisningar till ett delat id är tvetydiga; id måste vara unika inom en posttyp.",
        remediation: "Ge en av posterna ett nytt id och uppdatera hänvisningarna till den.",
    },
};

/// An active record references a retired record, or a role assignment not in force.
pub const XRF003: BuiltinRule = BuiltinRule {
    id: "XRF003",
    severity: Severity::Medium,
    title: "Reference to a retired record or a role assignment not in force",
    rationale: "Responsibility that rests on a retired record or an ended assignment rests on no one.",
    remediation: "Point the field at a record in force, or retire the referring record as well.",
    references: &["ISO27001:A.5.2", "ISO27001:A.5.9"],
    sv: BuiltinText {
        title: "Hänvisning till en avvecklad post eller ett rolluppdrag som inte gäller",
        rationale: "Ett ansvar som vilar på en avvecklad post eller ett avslutat uppdrag vilar på ingen.",
        remediation: "Låt fältet peka på en post som gäller, eller avveckla även den hänvisande posten.",
    },
};

/// An org unit's chain of `parent`s loops back to itself, or climbs more than
/// [`crate::repository::MOST_PARENT_LEVELS`] levels. Checked by the validation stage, which
/// walks each unit once, so that the rules' `ancestors()` and `assignments()` need not guard
/// against it at every call.
pub const XRF004: BuiltinRule = BuiltinRule {
    id: "XRF004",
    severity: Severity::High,
    title: "Org unit whose chain of parents loops or has no end in sight",
    rationale: "Responsibility is found by walking up the organisation (a coordinator or DPO at the council covers every unit below it): a unit whose parents loop has no top, so whoever governs it cannot be found, and a chain of more than 64 levels is no organisation chart but an error in the register.",
    remediation: "Correct `parent` so that the chain ends at the council (or the top unit), without coming back to a unit already on it.",
    references: &["ISO27001:A.5.2", "ISO27001:5.3"],
    sv: BuiltinText {
        title: "Organisatorisk enhet vars kedja av överordnade går i cirkel eller saknar slut",
        rationale: "Ansvar hittas genom att gå uppåt i organisationen (en samordnare eller ett dataskyddsombud vid kommunfullmäktige omfattar alla enheter under): en enhet vars överordnade går i cirkel har ingen topp, så den som styr den går inte att hitta, och en kedja på fler än 64 nivåer är inget organisationsschema utan ett fel i registret.",
        remediation: "Rätta `parent` så att kedjan slutar vid kommunfullmäktige (eller den översta enheten), utan att komma tillbaka till en enhet som redan finns i den.",
    },
};

/// An exception in force that covers no finding of this run. Computed by the exceptions stage,
/// after every rule has run, so it cannot be a rule of a pack.
pub const EXC003: BuiltinRule = BuiltinRule {
    id: "EXC003",
    severity: Severity::Medium,
    title: "Exception covers no finding",
    rationale: "A stale exception hides nothing today but would silently accept a finding that returns.",
    remediation: "Remove the exception, or correct its rule and targets if it was meant to cover a finding.",
    references: &["ISO27001:A.5.36"],
    sv: BuiltinText {
        title: "Undantaget täcker inget fynd",
        rationale: "Ett inaktuellt undantag döljer ingenting i dag men skulle tyst acceptera ett fynd som kommer tillbaka.",
        remediation: "Ta bort undantaget, eller rätta dess regel och mål om det var tänkt att täcka ett fynd.",
    },
};

/// An exception in force that names a rule no one knows, or a record that does not exist.
/// Computed by the exceptions stage, which knows the rules and records.
pub const EXC005: BuiltinRule = BuiltinRule {
    id: "EXC005",
    severity: Severity::Medium,
    title: "Exception names a rule or record that does not exist",
    rationale: "An exception from a rule no one runs, or for a record no register holds, accepts nothing: it was meant to accept something else, and that remains unaccepted.",
    remediation: "Correct the exception's `rule` to the id of a rule (or a reference a rule cites) and its `targets` to existing records, or remove it.",
    references: &["ISO27001:A.5.36"],
    sv: BuiltinText {
        title: "Undantaget anger en regel eller post som inte finns",
        rationale: "Ett undantag från en regel som ingen kör, eller för en post som inget register innehåller, godtar ingenting: det var tänkt att godta något annat, och det är fortfarande inte godtaget.",
        remediation: "Rätta undantagets `rule` till id:t för en regel (eller en hänvisning som en regel anger) och dess `targets` till befintliga poster, eller ta bort det.",
    },
};

/// A header value of a governing document left as its template's placeholder (`[Datum]`, `TBD`,
/// `<ämne>`). Judged with validation, value by value, because the value it finds is the defect:
/// the schema then does not also call `[Datum]` an invalid date, and no rule reads it as one.
///
/// Example: `last_revised: "[Datum]"` is one finding at that value, saying the placeholder was
/// never filled in; a rule on the review date decides from `valid_from` instead.
pub const DOC001: BuiltinRule = BuiltinRule {
    id: "DOC001",
    severity: Severity::High,
    title: "Unfilled template placeholder in a document header",
    rationale: "A header with `[Datum]`, `TBD` or `<…>` left in it was never completed: the decision, owner or validity it should record cannot be traced, and the document is not properly controlled.",
    remediation: "Fill in every header value from the decision (diarienummer, datum och paragraf, dokumentansvarig, bilagor) or remove the unused template field.",
    references: &["PLAN", "ISO27001:7.5.2"],
    sv: BuiltinText {
        title: "Ifylld mall saknas i dokumenthuvudet",
        rationale: "Ett dokumenthuvud där `[Datum]`, `TBD` eller `<…>` står kvar fylldes aldrig i: beslutet, ägaren eller giltigheten som det ska visa går inte att spåra, och dokumentet är inte styrt som det ska.",
        remediation: "Fyll i varje värde i dokumenthuvudet utifrån beslutet (diarienummer, datum och paragraf, dokumentansvarig, bilagor) eller ta bort mallfältet om det inte används.",
    },
};

pub const ALL: &[BuiltinRule] = &[
    PARSE001, SRC001, SCH001, XRF001, XRF002, XRF003, XRF004, DOC001, EXC003, EXC005,
];
