//! Figures of the repository that reports draw, beside the findings: the development portfolio
//! (initiatives on the efficiency↔innovation and internal↔external axes, sized by budget).

use crate::outcome::Initiative;
use crate::repository::Repository;
use crate::source::node::Value;

/// The active initiatives, in repository order.
pub fn initiatives(repository: &Repository) -> Vec<Initiative> {
    repository
        .records
        .iter()
        .filter(|record| record.kind == "initiative" && record.is_active())
        .map(|record| {
            let text = |field: &str| record.get_str(field).unwrap_or_default().to_string();
            let budget_sek = match record.node.get("budget_sek").map(|node| &node.value) {
                Some(Value::Integer(number)) => Some(*number as f64),
                Some(Value::Float(number)) => Some(*number),
                _ => None,
            };
            Initiative {
                id: record.id().map(str::to_string).unwrap_or_default(),
                name: text("name"),
                unit: text("unit"),
                orientation: text("orientation"),
                benefit_focus: text("benefit_focus"),
                phase: text("phase"),
                budget_sek,
            }
        })
        .collect()
}
