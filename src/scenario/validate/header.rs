//! The scenario's header: its name, its horizon, and that it has components.

use super::{Validator, MAX_HORIZON_HOURS};
use crate::scenario::error::Diagnostic;
use crate::scenario::raw::RawScenario;
use crate::scenario::HOURS_PER_YEAR;

/// The horizon when the file gives none: a year, in hours.
const DEFAULT_HORIZON_HOURS: f64 = HOURS_PER_YEAR;

/// The longest currency code or sign, in characters.
const MAX_CURRENCY_CHARS: usize = 8;

impl Validator<'_> {
    /// Checks the header; returns the horizon, in hours.
    pub(super) fn header(&mut self, raw: &RawScenario) -> f64 {
        if raw.name.trim().is_empty() {
            self.error(
                None,
                None,
                Diagnostic::new("name", "the scenario name is empty")
                    .help("give it a name people recognise, e.g. `name: Acme retail`"),
            );
        }
        if let Some(code) = &raw.currency {
            self.currency(code);
        }
        let horizon = raw.horizon.map(|h| h.0).unwrap_or(DEFAULT_HORIZON_HOURS);
        self.horizon(horizon);
        if raw.components.is_empty() {
            self.error(
                None,
                None,
                Diagnostic::new("components", "the scenario has no components").help(
                    "list at least one component, e.g. `components: [{id: shop, kind: service}]`",
                ),
            );
        }
        horizon
    }

    /// The currency goes into every money figure drsim writes, the HTML
    /// report and the terminal included, so it is a short code or sign:
    /// no spaces, control characters or markup.
    fn currency(&mut self, code: &str) {
        let length = code.chars().count();
        let plain = code
            .chars()
            .all(|c| !c.is_control() && !c.is_whitespace() && !"<>&\"'`".contains(c));
        if (1..=MAX_CURRENCY_CHARS).contains(&length) && plain {
            return;
        }
        self.header_error(
            "currency",
            Diagnostic::new(
                "currency",
                format!(
                    "the currency must be a code or sign of 1 to {MAX_CURRENCY_CHARS} characters, \
                     without spaces, control characters or any of < > & \" ' `"
                ),
            )
            .help("e.g. `currency: GBP` (shown as £), USD, EUR, JPY, INR or CHF"),
        );
    }

    fn horizon(&mut self, horizon: f64) {
        if horizon <= 0.0 {
            self.error(
                None,
                None,
                Diagnostic::new("horizon", "the horizon must be longer than zero")
                    .help("e.g. `horizon: 1y`"),
            );
        } else if horizon > MAX_HORIZON_HOURS {
            self.error(
                None,
                None,
                Diagnostic::new("horizon", "the horizon is longer than 1000y")
                    .help("drsim simulates up to 1000y; plans are usually judged over 1y to 10y"),
            );
        }
    }
}
