//! The message catalogue: every text of tillsyn's human output in Swedish, keyed by its English
//! (as gettext keys a catalogue by its msgid). Code writes the English, `lang.t("…")`, and a
//! Swedish run reads it here (a text handed on to be translated later is marked
//! `msg("…")`, as gettext's `N_`); `{name}` marks where a value goes, and both languages have the
//! same ones. The tests below read the sources for every `t("…")` and fail on one without its
//! Swedish, on an entry no code uses, and on placeholders that differ.

/// English → Swedish.
pub(super) const SWEDISH: &[(&str, &str)] = &[
    // The table of `check`.
    (
        "{files} files, {records} records, as of {as_of}",
        "{files} filer, {records} poster, per {as_of}",
    ),
    ("No findings ({checked}).", "Inga fynd ({checked})."),
    ("Where", "Var"),
    ("Rule", "Regel"),
    ("Finding", "Fynd"),
    (
        "[accepted by {exception} until {expires_on}]",
        "[accepterat genom {exception} till och med {expires_on}]",
    ),
    (
        "[overdue {days} days: escalated to {unit}]",
        "[försenat {days} dagar: eskalerat till {unit}]",
    ),
    ("finding", "fynd"),
    ("findings", "fynd"),
    ("none open", "inga öppna"),
    // "kritisk 13", not "13 kritisk": the adjective would have to agree with a noun.
    ("{count} {severity}", "{severity} {count}"),
    ("{count} accepted", "{count} accepterade"),
    (
        "{open} {noun}: {counted}.\nChecked {checked}.",
        "{open} {noun}: {counted}.\nKontrollerade {checked}.",
    ),
    ("[new]", "[ny]"),
    // The Markdown summary of `check`.
    (
        "## tillsyn: {open} open finding as of {as_of}",
        "## tillsyn: {open} öppet fynd per {as_of}",
    ),
    (
        "## tillsyn: {open} open findings as of {as_of}",
        "## tillsyn: {open} öppna fynd per {as_of}",
    ),
    (
        "tillsyn {version} checked {files} files and {records} records as of {as_of}.",
        "tillsyn {version} kontrollerade {files} filer och {records} poster per {as_of}.",
    ),
    ("No findings.", "Inga fynd."),
    ("### New findings ({count})", "### Nya fynd ({count})"),
    (
        "…and {count} more new findings in the full list below.",
        "…och ytterligare {count} nya fynd i den fullständiga listan nedan.",
    ),
    ("All findings ({count})", "Alla fynd ({count})"),
    (
        "| Severity | Open | New |",
        "| Allvarlighet | Öppna | Nya |",
    ),
    ("accepted", "accepterade"),
    (
        "### Top responsible\n\n| Responsible | Open findings | Overdue |",
        "### Flest fynd per ansvarig\n\n| Ansvarig | Öppna fynd | Försenade |",
    ),
    ("(no responsible found)", "(ingen ansvarig hittades)"),
    (
        "| Severity | State | Rule | Where | Finding | Responsible | Due |",
        "| Allvarlighet | Status | Regel | Var | Fynd | Ansvarig | Senast |",
    ),
    (
        "| Severity | Rule | Where | Finding | Responsible | Due |",
        "| Allvarlighet | Regel | Var | Fynd | Ansvarig | Senast |",
    ),
    (
        " (accepted by {exception} until {expires_on})",
        " (accepterat genom {exception} till och med {expires_on})",
    ),
    (
        " (overdue {days} days: escalated to {unit})",
        " (försenat {days} dagar: eskalerat till {unit})",
    ),
    ("**Note:**", "**Obs:**"),
    // `followup`.
    (
        "Nothing to follow up as of {as_of}.",
        "Inget att följa upp per {as_of}.",
    ),
    (
        "{who} — {count} findings{overdue}",
        "{who} — {count} fynd{overdue}",
    ),
    (", {count} overdue", ", {count} försenade"),
    ("Due", "Senast"),
    ("State", "Status"),
    ("# Follow-up as of {as_of}", "# Uppföljning per {as_of}"),
    ("Nothing to follow up.", "Inget att följa upp."),
    (
        "## {who} — {count} findings, {overdue} overdue",
        "## {who} — {count} fynd, {overdue} försenade",
    ),
    (
        "| Due | State | Rule | Severity | Where | Finding |",
        "| Senast | Status | Regel | Allvarlighet | Var | Fynd |",
    ),
    // The compliance matrix in Markdown.
    (
        "# Compliance: {framework}\n\nAs of {as_of} (tillsyn {version}). {files} files and {records} records read.",
        "# Efterlevnad: {framework}\n\nPer {as_of} (tillsyn {version}). {files} filer och {records} poster lästa.",
    ),
    (
        "| Critical | High | Medium | Low | Info | Accepted | Overdue |",
        "| Kritisk | Hög | Medel | Låg | Info | Accepterade | Försenade |",
    ),
    (
        "{count} controls: {statuses}.",
        "{count} kontroller: {statuses}.",
    ),
    (
        "| Control | Title | Rules | Evaluated | Failed | Accepted | Passed | Status |",
        "| Kontroll | Titel | Regler | Bedömda | Underkända | Accepterade | Godkända | Status |",
    ),
    // The workbook.
    (
        "tillsyn report as of {as_of}",
        "tillsyn-rapport per {as_of}",
    ),
    (
        "{exception} (expires {expires_on})",
        "{exception} (upphör {expires_on})",
    ),
    ("Findings", "Fynd"),
    ("Severity", "Allvarlighet"),
    ("Title", "Titel"),
    ("Message", "Meddelande"),
    ("Kind", "Posttyp"),
    ("Record", "Post"),
    ("File", "Fil"),
    ("Line", "Rad"),
    ("Column", "Kolumn"),
    ("Responsible", "Ansvarig"),
    ("Unit", "Enhet"),
    ("First seen", "Först sett"),
    ("Exception", "Undantag"),
    ("Escalated to", "Eskalerat till"),
    ("References", "Referenser"),
    ("Remediation", "Åtgärd"),
    ("Fingerprint", "Fingeravtryck"),
    ("By owner", "Per ansvarig"),
    ("Assignment", "Uppdrag"),
    ("Compliance", "Efterlevnad"),
    ("Framework", "Ramverk"),
    ("Control", "Kontroll"),
    ("Rules", "Regler"),
    ("Evaluated", "Bedömda"),
    ("Failed", "Underkända"),
    ("Accepted", "Accepterade"),
    ("Passed", "Godkända"),
    ("Status", "Status"),
    // `rules list` and `rules explain`.
    ("ID", "ID"),
    ("SEVERITY", "ALLVARLIGHET"),
    ("KINDS", "POSTTYPER"),
    ("TITLE", "TITEL"),
    ("FROM", "FRÅN"),
    ("(any)", "(alla)"),
    ("built in", "inbyggd"),
    ("severity", "allvarlighet"),
    (
        "{severity} (built into the engine)",
        "{severity} (inbyggd i motorn)",
    ),
    (
        "{severity} (re-graded from {default} in tillsyn.toml)",
        "{severity} (omgraderad från {default} i tillsyn.toml)",
    ),
    ("kinds", "posttyper"),
    ("pack", "paket"),
    ("references", "referenser"),
    ("What it checks", "Vad den kontrollerar"),
    ("each record", "varje post"),
    (
        "all records of the kind together",
        "alla poster av posttypen tillsammans",
    ),
    (
        "each group of records by {group_by}",
        "varje grupp av poster efter {group_by}",
    ),
    ("each item of `{each}`", "varje element i `{each}`"),
    (
        "[{severity}] on {scope} of {kinds}:",
        "[{severity}] på {scope} av {kinds}:",
    ),
    ("Why", "Varför"),
    (
        "Params (override in tillsyn.toml under [params])",
        "Parametrar (ändras i tillsyn.toml under [params])",
    ),
    ("What to do", "Åtgärd"),
    ("Failing example", "Exempel som ger fynd"),
    ("Passing example", "Exempel utan fynd"),
    // Notes, statistics and the compliance views.
    (
        "{count} more finding of {rule} in {file} is not listed (limit `findings_per_rule_per_file` = {limit}); it counts in the summary and the exit code; fix the ones listed, or raise the limit in tillsyn.toml to list it",
        "ytterligare {count} fynd av {rule} i {file} listas inte (gränsen `findings_per_rule_per_file` = {limit}); det räknas i sammanfattningen och avslutningskoden; åtgärda de listade, eller höj gränsen i tillsyn.toml för att lista det",
    ),
    (
        "{count} more findings of {rule} in {file} are not listed (limit `findings_per_rule_per_file` = {limit}); they count in the summary and the exit code; fix the ones listed, or raise the limit in tillsyn.toml to list them",
        "ytterligare {count} fynd av {rule} i {file} listas inte (gränsen `findings_per_rule_per_file` = {limit}); de räknas i sammanfattningen och avslutningskoden; åtgärda de listade, eller höj gränsen i tillsyn.toml för att lista dem",
    ),
    ("note", "obs"),
    (
        "{new} new, {resolved} resolved, {open} still open since {since}.",
        "{new} nya, {resolved} åtgärdade, {open} fortfarande öppna sedan {since}.",
    ),
    (
        "{new} new: the ledger has no earlier run to compare with.",
        "{new} nya: liggaren har ingen tidigare körning att jämföra med.",
    ),
    (
        "{total} open and {accepted} accepted findings from {rules} rule, as of {as_of}.",
        "{total} öppna fynd och {accepted} accepterade från {rules} regel, per den {as_of}.",
    ),
    (
        "{total} open and {accepted} accepted findings from {rules} rules, as of {as_of}.",
        "{total} öppna fynd och {accepted} accepterade från {rules} regler, per den {as_of}.",
    ),
    ("ISO/IEC 27001:2022", "ISO/IEC 27001:2022"),
    (
        "GDPR (Regulation (EU) 2016/679)",
        "GDPR (förordning (EU) 2016/679)",
    ),
    (
        "NIS2 (Directive (EU) 2022/2555) and SFS 2025:1506",
        "NIS2 (direktiv (EU) 2022/2555) och SFS 2025:1506",
    ),
    ("The plan for digitalisation", "Planen för digitalisering"),
    ("compliant", "uppfyllt"),
    ("partially compliant", "delvis uppfyllt"),
    ("non-compliant", "ej uppfyllt"),
    ("not assessed", "ej bedömt"),
    ("not assessed by tillsyn", "ej bedömt av tillsyn"),
    // The HTML report.
    (
        "Governance audit report as of {as_of} — tillsyn",
        "Granskningsrapport för styrning per {as_of} — tillsyn",
    ),
    ("Governance audit report", "Granskningsrapport för styrning"),
    (
        "As of {as_of} · tillsyn {version} · {files} files, {records} records read · {findings} findings · compliance against {framework}",
        "Per {as_of} · tillsyn {version} · {files} filer, {records} poster lästa · {findings} fynd · efterlevnad mot {framework}",
    ),
    ("Contents", "Innehåll"),
    ("Summary", "Sammanfattning"),
    ("Trend", "Trend"),
    ("By unit", "Per enhet"),
    ("Overdue", "Försenade"),
    ("Portfolio", "Portfölj"),
    ("Findings by severity", "Fynd per allvarlighetsgrad"),
    ("Findings by unit", "Fynd per enhet"),
    (
        "The unit where the responsibility for the finding lies.",
        "Enheten där ansvaret för fyndet ligger.",
    ),
    ("(no unit)", "(ingen enhet)"),
    ("Findings by owner", "Fynd per ansvarig"),
    (
        "Who must act: the holder of the accountable role, and its unit.",
        "Vem som ska agera: innehavaren av den ansvariga rollen, och dess enhet.",
    ),
    (
        "Generated by tillsyn {version} for the as-of day {as_of}. The same repository and as-of day give the same report. ISO/IEC 27001 control numbers and titles are used for reference only.",
        "Skapad av tillsyn {version} för dagen {as_of}. Samma arkiv och dag ger samma rapport. Kontrollnummer och titlar ur ISO/IEC 27001 används endast som referens.",
    ),
    ("overdue", "försenade"),
    ("total", "totalt"),
    (
        "Counts by severity are of findings not accepted; accepted findings are covered by an exception in force. Overdue: past their due date.",
        "Antalen per allvarlighetsgrad gäller fynd som inte är accepterade; accepterade fynd täcks av ett gällande undantag. Försenade: efter sitt sista datum.",
    ),
    (
        "Findings per severity over time",
        "Fynd per allvarlighetsgrad över tid",
    ),
    (
        "Open findings (not accepted) per severity at each of {n} runs from {first} to {last}. The table below gives the same numbers.",
        "Öppna fynd (inte accepterade) per allvarlighetsgrad vid var och en av {n} körningar från {first} till {last}. Tabellen nedan ger samma siffror.",
    ),
    ("run (as-of day)", "körning (dag)"),
    (
        "; * this run, not yet in the ledger",
        "; * denna körning, ännu inte i liggaren",
    ),
    ("open findings", "öppna fynd"),
    (
        "Open findings per severity at each run the ledger recorded.",
        "Öppna fynd per allvarlighetsgrad vid varje körning som liggaren registrerat.",
    ),
    ("Trend as a table", "Trenden som tabell"),
    ("Run (as-of day)", "Körning (dag)"),
    (
        " (this run, not in the ledger)",
        " (denna körning, inte i liggaren)",
    ),
    (
        "{state} by {exception} until {expires_on}",
        "{state} genom {exception} till och med {expires_on}",
    ),
    ("Note:", "Obs:"),
    ("{count} findings", "{count} fynd"),
    (
        "Overdue follow-ups per owner",
        "Försenade åtgärder per ansvarig",
    ),
    ("No finding is overdue.", "Inget fynd är försenat."),
    ("{who} — {count} overdue", "{who} — {count} försenade"),
    ("Days overdue", "Dagar försenat"),
    ("Compliance: {framework}", "Efterlevnad: {framework}"),
    (
        "Evaluated: records (files, references, groups) the control's rules judged. Failed: distinct records with a finding not accepted. Accepted: records whose findings are all covered by an exception. Passed: evaluated − failed − accepted.",
        "Bedömda: poster (filer, hänvisningar, grupper) som kontrollens regler bedömt. Underkända: unika poster med ett fynd som inte är accepterat. Accepterade: poster vars fynd alla täcks av ett undantag. Godkända: bedömda − underkända − accepterade.",
    ),
    ("Annex A controls", "Kontroller i bilaga A"),
    ("Clauses", "Avsnitt"),
    ("Portfolio balance", "Portföljens balans"),
    (
        "The repository has no active initiatives.",
        "Arkivet har inga aktiva utvecklingsinitiativ.",
    ),
    (
        "Portfolio balance: efficiency and innovation, internal and external benefit",
        "Portföljens balans: effektivisering och innovation, intern och extern nytta",
    ),
    (
        "{n} active initiatives placed by orientation (efficiency left, innovation right) and benefit focus (internal bottom, external top, both on the middle line), circles sized by budget and coloured by unit. The organisation's budget-weighted position is {share} % innovation and {external} % external; the target is {target_pct} % innovation. The table below gives the same data.",
        "{n} aktiva utvecklingsinitiativ placerade efter inriktning (effektivisering till vänster, innovation till höger) och nyttofokus (intern nederst, extern överst, båda på mittlinjen), cirklarnas storlek efter budget och färg efter enhet. Organisationens budgetviktade läge är {share} % innovation och {external} % extern; målet är {target_pct} % innovation. Tabellen nedan ger samma uppgifter.",
    ),
    ("Efficiency · external", "Effektivisering · extern"),
    ("Innovation · external", "Innovation · extern"),
    ("Efficiency · internal", "Effektivisering · intern"),
    ("Innovation · internal", "Innovation · intern"),
    (
        "← efficiency · orientation · innovation →",
        "← effektivisering · inriktning · innovation →",
    ),
    (
        "← internal · benefit focus · external →",
        "← intern · nyttofokus · extern →",
    ),
    ("{amount} SEK", "{amount} kr"),
    ("no budget given", "ingen budget angiven"),
    (
        "{id} {name} ({unit}): {orientation}, {focus} benefit, {phase}, {budget}",
        "{id} {name} ({unit}): {orientation}, nyttofokus {focus}, {phase}, {budget}",
    ),
    (
        "target {target_pct} % innovation",
        "mål {target_pct} % innovation",
    ),
    (
        "Target: {target_pct} % innovation",
        "Mål: {target_pct} % innovation",
    ),
    (
        "Now: {share} % innovation, {external} % external (budget-weighted)",
        "Nu: {share} % innovation, {external} % extern (budgetviktat)",
    ),
    ("now {share} %", "nu {share} %"),
    ("now (budget-weighted)", "nu (budgetviktat)"),
    ("target", "mål"),
    (
        "circle size grows with budget",
        "cirkelns storlek växer med budgeten",
    ),
    (
        "Each circle is an active initiative; the diamond is the organisation's budget-weighted position and the dashed line its innovation target.",
        "Varje cirkel är ett aktivt utvecklingsinitiativ; romben är organisationens budgetviktade läge och den streckade linjen dess mål för innovation.",
    ),
    ("Portfolio as a table", "Portföljen som tabell"),
    ("Initiative", "Initiativ"),
    ("Name", "Namn"),
    ("Orientation", "Inriktning"),
    ("Benefit focus", "Nyttofokus"),
    ("Phase", "Fas"),
    ("Budget (SEK)", "Budget (kr)"),
    (
        "Now (budget-weighted): innovation share / external share",
        "Nu (budgetviktat): andel innovation / andel extern nytta",
    ),
    ("Target innovation share", "Mål för andel innovation"),
    ("Total budget", "Total budget"),
];

/// (context, English) → Swedish, for a word whose Swedish depends on what it names.
pub(super) const SWEDISH_IN: &[(&str, &str, &str)] = &[
    ("severity", "critical", "kritisk"),
    ("severity", "high", "hög"),
    ("severity", "medium", "medel"),
    ("severity", "low", "låg"),
    ("severity", "info", "info"),
    ("state", "new", "ny"),
    ("state", "open", "öppen"),
    ("state", "reopened", "återöppnad"),
    ("state", "overdue", "försenad"),
    ("state", "resolved", "åtgärdad"),
    ("state", "accepted", "accepterad"),
];

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::{Path, PathBuf};

    use super::{SWEDISH, SWEDISH_IN};

    /// The value of a Rust string literal's source (between the quotes).
    fn unescape(source: &str) -> String {
        let mut text = String::new();
        let mut characters = source.chars().peekable();
        while let Some(character) = characters.next() {
            if character != '\\' {
                text.push(character);
                continue;
            }
            match characters.next() {
                Some('n') => text.push('\n'),
                Some('t') => text.push('\t'),
                Some('\n') => {
                    while characters.peek().is_some_and(|next| next.is_whitespace()) {
                        characters.next();
                    }
                }
                Some(other) => text.push(other),
                None => {}
            }
        }
        text
    }

    /// Every `t("…")` in the sources, as (text, where), and every `t_in("context", "…")` as
    /// (context, text) → where.
    fn used() -> BTreeMap<String, String> {
        calls(r#"(?s)(?:\.(?:t|fill|fill_markup)|\bmsg)\(\s*"((?:[^"\\]|\\.)*)""#)
    }

    fn used_in() -> BTreeMap<String, String> {
        calls(r#"(?s)\.t_in\(\s*"([a-z]+)",\s*"((?:[^"\\]|\\.)*)""#)
    }

    /// The calls `pattern` matches in the sources, by their literals' values (joined by `|`).
    fn calls(pattern: &str) -> BTreeMap<String, String> {
        let call = regex::Regex::new(pattern).unwrap();
        let mut used = BTreeMap::new();
        let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(directory) = stack.pop() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(&directory)
                .unwrap()
                .map(|entry| entry.unwrap().path())
                .collect();
            entries.sort();
            for path in entries {
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|extension| extension == "rs")
                    && !path.ends_with("lang/catalogue.rs")
                {
                    let source = std::fs::read_to_string(&path).unwrap();
                    for found in call.captures_iter(&source) {
                        let key: Vec<String> = found
                            .iter()
                            .skip(1)
                            .flatten()
                            .map(|literal| unescape(literal.as_str()))
                            .collect();
                        used.entry(key.join("|"))
                            .or_insert_with(|| path.display().to_string());
                    }
                }
            }
        }
        used
    }

    fn placeholders(text: &str) -> BTreeSet<&str> {
        text.match_indices('{')
            .filter_map(|(start, _)| {
                let rest = &text[start + 1..];
                let end = rest.find('}')?;
                let name = &rest[..end];
                name.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
                    .then_some(name)
            })
            .collect()
    }

    #[test]
    fn every_text_the_code_writes_has_its_swedish() {
        let known: BTreeSet<String> = SWEDISH
            .iter()
            .map(|(english, _)| english.to_string())
            .collect();
        let known_in: BTreeSet<String> = SWEDISH_IN
            .iter()
            .map(|(context, english, _)| format!("{context}|{english}"))
            .collect();
        let missing: Vec<String> = used()
            .into_iter()
            .filter(|(english, _)| !known.contains(english))
            .chain(
                used_in()
                    .into_iter()
                    .filter(|(key, _)| !known_in.contains(key)),
            )
            .map(|(english, path)| format!("{path}: {english:?}"))
            .collect();
        assert_eq!(missing, Vec::<String>::new());
    }

    #[test]
    fn every_entry_is_used_once_and_has_both_languages_with_the_same_placeholders() {
        let used = used();
        let unused: Vec<&str> = SWEDISH
            .iter()
            .map(|(english, _)| *english)
            .filter(|english| !used.contains_key(*english))
            .collect();
        assert_eq!(unused, Vec::<&str>::new(), "used by no code");
        let mut seen = BTreeSet::new();
        for (english, swedish) in SWEDISH {
            assert!(seen.insert(*english), "{english:?} twice in the catalogue");
            assert!(!english.is_empty() && !swedish.is_empty(), "{english:?}");
            assert_eq!(
                placeholders(english),
                placeholders(swedish),
                "{english:?} and {swedish:?} must name the same values"
            );
        }
        let used_in = used_in();
        for (context, english, swedish) in SWEDISH_IN {
            let key = format!("{context}|{english}");
            assert!(used_in.contains_key(&key), "{key:?} is used by no code");
            assert!(!swedish.is_empty(), "{key:?}");
        }
    }
}
