//! What the command line does only for a person at a terminal: colour (`--color`, `NO_COLOR`)
//! and the progress bar on standard error. Machine output never passes through here.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::progress::{Progress, Stage};

/// `--color`: when to colour what people read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set (and not empty) or TERM is `dumb`.
    #[default]
    Auto,
    /// Always, even into a pipe or a file.
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    /// Whether to colour a stream; `is_terminal` says whether that stream is a terminal.
    pub fn enabled(self, is_terminal: bool) -> bool {
        self.enabled_in(
            is_terminal,
            std::env::var_os("NO_COLOR").as_deref(),
            std::env::var_os("TERM").as_deref(),
        )
    }

    fn enabled_in(
        self,
        is_terminal: bool,
        no_color: Option<&std::ffi::OsStr>,
        term: Option<&std::ffi::OsStr>,
    ) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            // https://no-color.org: present and not empty disables colour.
            ColorChoice::Auto => {
                is_terminal
                    && no_color.is_none_or(|value| value.is_empty())
                    && term.is_none_or(|term| term != "dumb")
            }
        }
    }
}

/// Lets the table's colours through even where NO_COLOR is set: the command line has already
/// weighed NO_COLOR against `--color`, and the table library would otherwise leave empty codes.
pub fn allow_table_colours() {
    crossterm::style::force_color_output(true);
}

/// `error:` as the prefix of an error message, red and bold when `colour`.
pub fn error_prefix(colour: bool) -> &'static str {
    if colour {
        "\u{1b}[1;31merror:\u{1b}[0m"
    } else {
        "error:"
    }
}

/// How long a run goes before the bar shows: short runs stay quiet.
const SHOW_AFTER: Duration = Duration::from_millis(300);
/// Redraws per second, at most: drawing must not slow the run it reports.
const REDRAWS_PER_SECOND: u8 = 10;

/// A progress bar on standard error that appears only once a run has taken 300 ms.
/// Use it only when standard error is a terminal and the user did not ask for `--quiet`.
pub struct Bar {
    bar: ProgressBar,
    started: Instant,
    show_after: Duration,
    shown: AtomicBool,
    target: fn() -> ProgressDrawTarget,
}

impl Bar {
    pub fn new() -> Self {
        Bar::drawing_to(stderr, SHOW_AFTER)
    }

    /// A bar that draws to `target` once the run has taken `show_after`.
    fn drawing_to(target: fn() -> ProgressDrawTarget, show_after: Duration) -> Self {
        let style = ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        Bar {
            bar: ProgressBar::hidden().with_style(style),
            started: Instant::now(),
            show_after,
            shown: AtomicBool::new(false),
            target,
        }
    }

    fn show_when_due(&self) {
        if !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() >= self.show_after
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target((self.target)());
        }
    }
}

fn stderr() -> ProgressDrawTarget {
    ProgressDrawTarget::stderr_with_hz(REDRAWS_PER_SECOND)
}

impl Default for Bar {
    fn default() -> Self {
        Bar::new()
    }
}

impl Progress for Bar {
    fn start(&self, stage: Stage, total: usize) {
        self.bar.set_length(total as u64);
        self.bar.set_position(0);
        self.bar.set_message(stage.label());
        self.show_when_due();
    }

    fn advance(&self, done: usize) {
        self.bar.inc(done as u64);
        self.show_when_due();
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;
    use std::sync::{Mutex, OnceLock};

    /// What a test bar drew, as one text.
    fn drawn() -> &'static Mutex<String> {
        static DRAWN: OnceLock<Mutex<String>> = OnceLock::new();
        DRAWN.get_or_init(|| Mutex::new(String::new()))
    }

    #[derive(Debug)]
    struct Recorder;

    impl indicatif::TermLike for Recorder {
        fn width(&self) -> u16 {
            80
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, line: &str) -> std::io::Result<()> {
            self.write_str(&format!("{line}\n"))
        }
        fn write_str(&self, text: &str) -> std::io::Result<()> {
            drawn().lock().unwrap().push_str(text);
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn recorder() -> ProgressDrawTarget {
        ProgressDrawTarget::term_like(Box::new(Recorder))
    }

    #[test]
    fn the_bar_shows_only_once_a_run_is_long() {
        // Not yet due: nothing is drawn, however much is done.
        let quiet = Bar::drawing_to(recorder, Duration::from_secs(3600));
        quiet.start(Stage::Parse, 10);
        quiet.advance(10);
        quiet.finish();
        assert_eq!(*drawn().lock().unwrap(), "");

        let long = Bar::drawing_to(recorder, Duration::ZERO);
        long.start(Stage::Evaluate, 4);
        long.advance(3);
        long.bar.tick();
        let text = drawn().lock().unwrap().clone();
        assert!(text.contains("3/4 records evaluated"), "{text:?}");
    }

    #[test]
    fn auto_colours_a_terminal_unless_no_color_or_a_dumb_terminal() {
        let auto = ColorChoice::Auto;
        assert!(auto.enabled_in(true, None, Some(OsStr::new("xterm"))));
        assert!(auto.enabled_in(true, Some(OsStr::new("")), None));
        assert!(!auto.enabled_in(true, Some(OsStr::new("1")), None));
        assert!(!auto.enabled_in(true, None, Some(OsStr::new("dumb"))));
        assert!(!auto.enabled_in(false, None, None));
        assert!(ColorChoice::Always.enabled_in(false, Some(OsStr::new("1")), None));
        assert!(!ColorChoice::Never.enabled_in(true, None, None));
    }
}
