//! Progress of a run, as the pipeline's stages report it to whoever watches: a progress bar on a
//! terminal, or no one. Stages only count what they have done; they never draw, and never learn
//! where the output goes.

/// The stages that report progress, in pipeline order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Files read and parsed.
    Parse,
    /// Records judged by the rule packs.
    Evaluate,
}

impl Stage {
    /// What a progress bar says while the stage runs.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Parse => "files parsed",
            Stage::Evaluate => "records evaluated",
        }
    }
}

/// Told by the stages how far they are. Called from many threads at once (rayon), so
/// implementations must be cheap and thread-safe.
pub trait Progress: Sync {
    /// A stage begins, with this many units (files, records) to do.
    fn start(&self, stage: Stage, total: usize);
    /// `done` more units of the current stage are finished.
    fn advance(&self, done: usize);
    /// The run is over: whatever was drawn goes away.
    fn finish(&self);
}

/// No one is watching: the library's default, and the command line's whenever standard error
/// is not a terminal or `--quiet` is given.
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: Stage, _: usize) {}
    fn advance(&self, _: usize) {}
    fn finish(&self) {}
}
