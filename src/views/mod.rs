//! The views that several formats share, computed once from the run's outcome: the compliance
//! matrix of a framework, the follow-up groups and the portfolio's figures. A format lays a view
//! out; it never recomputes one.

pub mod compliance;
pub mod followup;
pub mod iso27001;
pub mod portfolio;
