//! The development portfolio's balance, as the reports chart it: each active initiative on the
//! efficiency↔innovation and internal↔external axes, and the organisation's position weighed by
//! budget (by number where no initiative has one).

use crate::outcome::Initiative;

/// Where an initiative stands: `x` 0 for efficiency, 1 for innovation; `y` 0 for internal
/// benefit, 1 for external, ½ for both.
pub fn axes(initiative: &Initiative) -> (f64, f64) {
    let x = if initiative.orientation == "innovation" {
        1.0
    } else {
        0.0
    };
    let y = match initiative.benefit_focus.as_str() {
        "external" => 1.0,
        "both" => 0.5,
        _ => 0.0,
    };
    (x, y)
}

/// The portfolio's weighed position.
#[derive(Clone, Debug, PartialEq)]
pub struct Balance {
    /// The budgets in SEK added up (negative ones as 0).
    pub total_budget: f64,
    pub max_budget: f64,
    /// The share of innovation, 0 to 1: the weighed mean of `x`.
    pub innovation_share: f64,
    /// The share of external benefit, 0 to 1: the weighed mean of `y`.
    pub external_share: f64,
}

/// The balance of `initiatives`: weighed by budget, or equally when none has a budget.
pub fn balance(initiatives: &[Initiative]) -> Balance {
    let budgets: Vec<f64> = initiatives
        .iter()
        .map(|initiative| initiative.budget_sek.unwrap_or(0.0).max(0.0))
        .collect();
    let total_budget: f64 = budgets.iter().sum();
    let equal = 1.0 / initiatives.len().max(1) as f64;
    let (mut innovation_share, mut external_share) = (0.0, 0.0);
    for (initiative, budget) in initiatives.iter().zip(&budgets) {
        let weight = if total_budget > 0.0 {
            budget / total_budget
        } else {
            equal
        };
        let (x, y) = axes(initiative);
        innovation_share += x * weight;
        external_share += y * weight;
    }
    Balance {
        max_budget: budgets.iter().copied().fold(0.0, f64::max),
        total_budget,
        innovation_share,
        external_share,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn initiative(orientation: &str, focus: &str, budget: Option<f64>) -> Initiative {
        Initiative {
            id: "I".into(),
            name: "I".into(),
            unit: "U".into(),
            orientation: orientation.into(),
            benefit_focus: focus.into(),
            phase: "execution".into(),
            budget_sek: budget,
        }
    }

    #[test]
    fn the_position_is_weighed_by_budget_else_by_number() {
        let by_budget = balance(&[
            initiative("innovation", "external", Some(1_000.0)),
            initiative("efficiency", "internal", Some(3_000.0)),
            initiative("efficiency", "both", Some(-5.0)),
        ]);
        assert_eq!(by_budget.total_budget, 4_000.0);
        assert_eq!(by_budget.max_budget, 3_000.0);
        assert_eq!(by_budget.innovation_share, 0.25);
        assert_eq!(by_budget.external_share, 0.25);
        let by_number = balance(&[
            initiative("innovation", "both", None),
            initiative("efficiency", "internal", None),
        ]);
        assert_eq!(by_number.innovation_share, 0.5);
        assert_eq!(by_number.external_share, 0.25);
        assert_eq!(balance(&[]).innovation_share, 0.0);
    }
}
