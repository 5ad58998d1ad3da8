//! Reading OSCAL documents (system security plans, assessment results, plans of action and milestones) in JSON or YAML.

use super::node::Node;
use super::span::Span;
use super::{Limits, ParseError};

/// The records of the file, or why they cannot be read.
pub fn parse(_text: &str, _path: &str, _limits: &Limits) -> Result<Node, ParseError> {
    Err(ParseError::ours(
        "tillsyn cannot read OSCAL files yet",
        "tillsyn kan inte läsa OSCAL-filer än",
        Span::at(0),
    ))
}
