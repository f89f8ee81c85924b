//! Second stage of loading: cross-references, ranges and the acyclic graph.
//! Collects every problem rather than stopping at the first.

use super::error::{suggest, Diagnostic};
use super::model::*;
use super::raw::*;

use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::{HashMap, HashSet, VecDeque};

/// The longest horizon simulated, in hours (1000 years).
pub const MAX_HORIZON_HOURS: f64 = 1000.0 * 8760.0;
/// The shortest mean interval between a component's failures or a threat's
/// events, in hours (one minute): simulated time must move on.
pub const MIN_INTERVAL_HOURS: f64 = 1.0 / 60.0;
/// The most events a year a threat may have (once a minute).
pub const MAX_PER_YEAR: f64 = 525_600.0;

/// What an id names.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum IdKind {
    Site(usize),
    Team(usize),
    Component(usize),
    Threat(usize),
}

impl IdKind {
    fn noun(self) -> &'static str {
        match self {
            IdKind::Site(_) => "a site",
            IdKind::Team(_) => "a team",
            IdKind::Component(_) => "a component",
            IdKind::Threat(_) => "a threat",
        }
    }
}

/// Finds where things are in the source text, for line numbers in
/// validation errors (the YAML parser gives them only for syntax errors).
pub(crate) struct Locator<'a> {
    lines: Vec<&'a str>,
    /// The lines of each `id: x`, indexed on the first lookup: a file with
    /// many errors is not scanned once per error.
    id_lines: std::cell::OnceCell<HashMap<&'a str, Vec<usize>>>,
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

impl<'a> Locator<'a> {
    pub(crate) fn new(src: &'a str) -> Self {
        Locator {
            lines: src.lines().collect(),
            id_lines: std::cell::OnceCell::new(),
        }
    }

    /// Column (0-based byte) of `token` as a whole word in `line`.
    fn find_word(line: &str, token: &str, from: usize) -> Option<usize> {
        let mut start = from;
        while let Some(pos) = line.get(start..)?.find(token) {
            let at = start + pos;
            let before = line[..at].chars().next_back();
            let after = line[at + token.len()..].chars().next();
            if !before.is_some_and(is_id_char) && !after.is_some_and(is_id_char) {
                return Some(at);
            }
            start = at + token.len().max(1);
        }
        None
    }

    /// The values after each `id:` in `line`, passed to `found` until it
    /// returns true.
    fn id_values(line: &'a str, mut found: impl FnMut(&'a str) -> bool) -> bool {
        let mut from = 0;
        while let Some(at) = Self::find_word(line, "id", from) {
            let rest = line[at + 2..].trim_start();
            if let Some(rest) = rest.strip_prefix(':') {
                if found(rest.trim_start().trim_start_matches(['"', '\''])) {
                    return true;
                }
            }
            from = at + 2;
        }
        false
    }

    /// 0-based line of the item whose `id:` is `id`.
    pub(crate) fn id_line(&self, id: &str) -> Option<usize> {
        self.nth_id_line(id, 0)
    }

    /// 0-based line of the `n`-th line (from 0) with `id: <id>`: where the
    /// id is defined again, for a duplicate.
    pub(crate) fn nth_id_line(&self, id: &str, n: usize) -> Option<usize> {
        if id.is_empty() || !id.chars().all(is_id_char) {
            let matches =
                |rest: &str| rest.starts_with(id) && !rest[id.len()..].starts_with(is_id_char);
            return self
                .lines
                .iter()
                .enumerate()
                .filter(|(_, line)| Self::id_values(line, matches))
                .nth(n)
                .map(|(i, _)| i);
        }
        // For an id of id characters, the scan above matches exactly the
        // lines where the run of id characters after `id:` is the id.
        let index = self.id_lines.get_or_init(|| {
            let mut index: HashMap<&str, Vec<usize>> = HashMap::new();
            for (i, line) in self.lines.iter().enumerate() {
                Self::id_values(line, |rest| {
                    let end = rest.find(|c: char| !is_id_char(c)).unwrap_or(rest.len());
                    if end > 0 {
                        let lines = index.entry(&rest[..end]).or_default();
                        if lines.last() != Some(&i) {
                            lines.push(i);
                        }
                    }
                    false
                });
            }
            index
        });
        index.get(id).and_then(|lines| lines.get(n)).copied()
    }

    /// 1-based (line, column) of `token` at or after line `from`.
    pub(crate) fn token_after(&self, from: usize, token: &str) -> Option<(usize, usize)> {
        if token.is_empty() {
            return None;
        }
        self.lines
            .iter()
            .enumerate()
            .skip(from)
            .find_map(|(i, line)| Self::find_word(line, token, 0).map(|c| (i + 1, c + 1)))
    }

    /// Location for a problem with `token` inside the item with id `owner`.
    pub(crate) fn locate(
        &self,
        owner: &str,
        token: Option<&str>,
    ) -> (Option<usize>, Option<usize>) {
        let Some(line) = self.id_line(owner) else {
            return (None, None);
        };
        if let Some(found) = token.and_then(|t| self.token_after(line, t)) {
            return (Some(found.0), Some(found.1));
        }
        (Some(line + 1), None)
    }
}

struct Validator<'a> {
    ids: HashMap<String, IdKind>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    loc: Locator<'a>,
    /// Suggestions already worked out, by noun and unknown id: a file that
    /// names one missing id many times compares it with the ids once.
    suggestions: HashMap<(String, String), Option<String>>,
    /// How many times each id has been defined again.
    repeats: HashMap<String, usize>,
}

/// Unknown ids for which a close known id is looked for; past this, errors
/// list known ids without comparing (each comparison scans every id).
const MAX_SUGGESTIONS: usize = 100;

impl Validator<'_> {
    fn error(&mut self, owner: Option<&str>, token: Option<&str>, d: Diagnostic) {
        let (line, col) = match owner {
            Some(owner) => self.loc.locate(owner, token),
            None => (None, None),
        };
        self.errors.push(d.at(line, col));
    }

    fn warn(&mut self, owner: Option<&str>, d: Diagnostic) {
        let (line, col) = match owner {
            Some(owner) => self.loc.locate(owner, None),
            None => (None, None),
        };
        self.warnings.push(d.at(line, col));
    }

    fn check_id(&mut self, path: &str, id: &str) {
        if !id_is_valid(id) {
            let fixed: String = id
                .to_ascii_lowercase()
                .chars()
                .map(|c| if is_id_char(c) { c } else { '-' })
                .collect();
            self.error(
                Some(id),
                None,
                Diagnostic::new(format!("{path}.id"), format!("`{id}` is not a valid id"))
                    .help(format!(
                        "ids use lowercase letters, digits, `-` and `_`, starting with a letter or digit, e.g. `{}`; put free text in `name`",
                        fixed.trim_start_matches(['-', '_'])
                    )),
            );
        }
    }

    fn register(&mut self, path: &str, id: &str, kind: IdKind) {
        self.check_id(path, id);
        if let Some(prev) = self.ids.get(id) {
            let prev = prev.noun();
            self.error(
                None,
                None,
                Diagnostic::new(
                    format!("{path}.id"),
                    format!("duplicate id `{id}`: it already names {prev}"),
                )
                .help("ids must be unique across sites, teams, components and threats"),
            );
            // The line of this definition: the n-th `id: <id>` for the
            // (n-1)-th repeat (a comment naming the id does not count).
            let repeat = self.repeats.entry(id.to_string()).or_insert(0);
            *repeat += 1;
            let line = self.loc.nth_id_line(id, *repeat).map(|i| i + 1);
            if let Some(last) = self.errors.last_mut() {
                last.line = line;
            }
        } else {
            self.ids.insert(id.to_string(), kind);
        }
    }

    /// Resolves a reference that must name a `want` kind of thing.
    fn resolve(
        &mut self,
        owner: &str,
        path: &str,
        id: &str,
        want: fn(IdKind) -> Option<usize>,
        noun: &str,
        candidates: &[&str],
    ) -> Option<usize> {
        match self.ids.get(id).copied() {
            Some(kind) => match want(kind) {
                Some(i) => Some(i),
                None => {
                    self.error(
                        Some(owner),
                        Some(id),
                        Diagnostic::new(path, format!("`{id}` is {}, not {noun}", kind.noun()))
                            .help(format!("name {noun} here")),
                    );
                    None
                }
            },
            None => {
                let mut d = Diagnostic::new(path, format!("unknown {noun} `{id}`"));
                let key = (noun.to_string(), id.to_string());
                let suggestion = match self.suggestions.get(&key) {
                    Some(known) => known.clone(),
                    None if self.suggestions.len() < MAX_SUGGESTIONS => {
                        let found = suggest(id, candidates.iter().copied()).map(str::to_string);
                        self.suggestions.insert(key, found.clone());
                        found
                    }
                    None => None,
                };
                d = match suggestion {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None if candidates.is_empty() => {
                        d.help(format!("the scenario defines no {noun}s"))
                    }
                    None => d.help(format!(
                        "known {noun}s: {}",
                        candidates
                            .iter()
                            .take(12)
                            .map(|c| format!("`{c}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                };
                self.error(Some(owner), Some(id), d);
                None
            }
        }
    }
}

fn as_component(k: IdKind) -> Option<usize> {
    match k {
        IdKind::Component(i) => Some(i),
        _ => None,
    }
}
fn as_site(k: IdKind) -> Option<usize> {
    match k {
        IdKind::Site(i) => Some(i),
        _ => None,
    }
}
fn as_team(k: IdKind) -> Option<usize> {
    match k {
        IdKind::Team(i) => Some(i),
        _ => None,
    }
}

/// Ids use lowercase letters, digits, `-` and `_`, starting with a letter or
/// digit.
pub(crate) fn id_is_valid(id: &str) -> bool {
    id.chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// A number as written in a message: plain, or in e-notation when huge.
pub(crate) fn fmt_number(v: f64) -> String {
    if v.is_finite() && v.abs() >= 1e15 {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// The largest amount of money accepted in one field (a thousand
/// trillion): totals over a run stay finite.
pub const MAX_MONEY: f64 = 1e15;

/// Is `value` a non-negative, finite amount no larger than [`MAX_MONEY`]?
pub(crate) fn money_is_valid(value: f64) -> bool {
    value.is_finite() && (0.0..=MAX_MONEY).contains(&value)
}

fn non_negative_money(v: &mut Validator, owner: &str, path: String, value: f64) {
    if !money_is_valid(value) {
        v.error(
            Some(owner),
            None,
            Diagnostic::new(
                path,
                format!("{} is not a valid amount of money", fmt_number(value)),
            )
            .help("write a plain non-negative number in the scenario's currency, at most 1e15"),
        );
    }
}

/// Validates a parsed scenario. Returns the scenario and its warnings, or
/// every error found.
pub fn validate(
    raw: RawScenario,
    src: &str,
) -> Result<(Scenario, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut v = Validator {
        ids: HashMap::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
        loc: Locator::new(src),
        suggestions: HashMap::new(),
        repeats: HashMap::new(),
    };

    if raw.name.trim().is_empty() {
        v.error(
            None,
            None,
            Diagnostic::new("name", "the scenario name is empty")
                .help("give it a name people recognise, e.g. `name: Acme retail`"),
        );
    }
    let horizon = raw.horizon.map(|h| h.0).unwrap_or(8760.0);
    if horizon <= 0.0 {
        v.error(
            None,
            None,
            Diagnostic::new("horizon", "the horizon must be longer than zero")
                .help("e.g. `horizon: 1y`"),
        );
    } else if horizon > MAX_HORIZON_HOURS {
        v.error(
            None,
            None,
            Diagnostic::new("horizon", "the horizon is longer than 1000y")
                .help("drsim simulates up to 1000y; plans are usually judged over 1y to 10y"),
        );
    }
    if raw.components.is_empty() {
        v.error(
            None,
            None,
            Diagnostic::new("components", "the scenario has no components").help(
                "list at least one component, e.g. `components: [{id: shop, kind: service}]`",
            ),
        );
    }

    for (i, s) in raw.sites.iter().enumerate() {
        v.register(&format!("sites[{i}]"), &s.id, IdKind::Site(i));
    }
    for (i, t) in raw.teams.iter().enumerate() {
        v.register(&format!("teams[{i}]"), &t.id, IdKind::Team(i));
        if t.size == 0 {
            v.error(
                Some(&t.id),
                None,
                Diagnostic::new(
                    format!("teams[{i}].size"),
                    format!("team `{}` has size 0 and could never repair anything", t.id),
                )
                .help("a team needs at least one person: size: 1"),
            );
        }
    }
    for (i, c) in raw.components.iter().enumerate() {
        v.register(&format!("components[{i}]"), &c.id, IdKind::Component(i));
    }
    for (i, t) in raw.threats.iter().enumerate() {
        v.register(&format!("threats[{i}]"), &t.id, IdKind::Threat(i));
    }

    let component_ids: Vec<&str> = raw.components.iter().map(|c| c.id.as_str()).collect();
    let site_ids: Vec<&str> = raw.sites.iter().map(|s| s.id.as_str()).collect();
    let team_ids: Vec<&str> = raw.teams.iter().map(|t| t.id.as_str()).collect();

    // Components that some damage/destroy can reach, for the missing-repair warning.
    let mut can_be_damaged = vec![false; raw.components.len()];
    let mut can_be_destroyed = vec![false; raw.components.len()];

    let mut components = Vec::with_capacity(raw.components.len());
    for (i, c) in raw.components.iter().enumerate() {
        let p = format!("components[{i}]");
        let site = c
            .site
            .as_ref()
            .and_then(|s| v.resolve(&c.id, &format!("{p}.site"), s, as_site, "site", &site_ids));
        let team = c
            .team
            .as_ref()
            .and_then(|t| v.resolve(&c.id, &format!("{p}.team"), t, as_team, "team", &team_ids));
        let mut depends_on = Vec::new();
        let mut seen = HashSet::new();
        for (j, req) in c.depends_on.iter().enumerate() {
            let rp = format!("{p}.depends_on[{j}]");
            let mut members_of =
                |names: &[String], v: &mut Validator, sub: bool| -> Option<Vec<usize>> {
                    let mut out = Vec::new();
                    let mut ok = true;
                    for (m, name) in names.iter().enumerate() {
                        let mp = if sub {
                            format!("{rp}[{m}]")
                        } else {
                            rp.clone()
                        };
                        if name == &c.id {
                            v.error(
                                Some(&c.id),
                                None,
                                Diagnostic::new(mp, format!("`{}` depends on itself", c.id))
                                    .help("remove it from its own depends_on"),
                            );
                            ok = false;
                            continue;
                        }
                        match v.resolve(&c.id, &mp, name, as_component, "component", &component_ids)
                        {
                            Some(idx) => {
                                if !seen.insert(idx) {
                                    v.error(
                                        Some(&c.id),
                                        Some(name),
                                        Diagnostic::new(
                                            mp,
                                            format!(
                                                "`{name}` is named twice in the depends_on of `{}`",
                                                c.id
                                            ),
                                        )
                                        .help("name each dependency once"),
                                    );
                                    ok = false;
                                }
                                out.push(idx)
                            }
                            None => ok = false,
                        }
                    }
                    ok.then_some(out)
                };
            match req {
                RawRequirement::Plain(name) => {
                    if let Some(m) = members_of(std::slice::from_ref(name), &mut v, false) {
                        depends_on.push(Requirement::Plain(m[0]));
                    }
                }
                RawRequirement::AtLeast { k, of } => {
                    let members = members_of(of, &mut v, true);
                    let n = of.len() as i64;
                    if *k < 1 || *k > n {
                        let why = if *k < 1 {
                            "at_least must be 1 or more".to_string()
                        } else {
                            format!(
                                "at_least {k} of {n} members can never hold: only {n} are listed"
                            )
                        };
                        v.error(
                            Some(&c.id),
                            Some("at_least"),
                            Diagnostic::new(format!("{rp}.at_least"), why)
                                .help(format!("use a number from 1 to {n}, or list more members")),
                        );
                    } else if let Some(of) = members {
                        depends_on.push(Requirement::AtLeast { k: *k as usize, of });
                    }
                }
                RawRequirement::Failover {
                    members,
                    switchover,
                    lag,
                } => {
                    if members.len() < 2 {
                        v.error(
                            Some(&c.id),
                            Some("failover"),
                            Diagnostic::new(format!("{rp}.failover"), "a failover group needs at least two members")
                                .help("list the primary first, then the standbys; for one member use a plain dependency"),
                        );
                    } else if let Some(members) = members_of(members, &mut v, true) {
                        depends_on.push(Requirement::Failover {
                            members,
                            switchover: switchover
                                .clone()
                                .unwrap_or(super::units::Dist::Fixed(0.0)),
                            lag: lag.map(|l| l.0).unwrap_or(0.0),
                        });
                    }
                }
            }
        }

        let mut failures = Vec::new();
        for (j, f) in c.failures.iter().enumerate() {
            let fp = format!("{p}.failures[{j}]");
            let arrival = match (&f.every, &f.after) {
                (Some(e), None) if e.0 >= MIN_INTERVAL_HOURS => Some(Arrival::Every(e.0)),
                (Some(_), None) => {
                    v.error(
                        Some(&c.id),
                        Some("every"),
                        Diagnostic::new(
                            format!("{fp}.every"),
                            "the mean time between failures must be at least 1m",
                        )
                        .help("e.g. every: 5y"),
                    );
                    None
                }
                (None, Some(d)) if d.mean() >= MIN_INTERVAL_HOURS => {
                    Some(Arrival::After(d.clone()))
                }
                (None, Some(_)) => {
                    v.error(
                        Some(&c.id),
                        Some("after"),
                        Diagnostic::new(
                            format!("{fp}.after"),
                            "the mean time to failure must be at least 1m (after a repair the \
                             component would fail again at once)",
                        )
                        .help("e.g. after: {weibull: {shape: 2, scale: 5y}}"),
                    );
                    None
                }
                (Some(_), Some(_)) => {
                    v.error(Some(&c.id), Some("failures"), Diagnostic::new(fp.clone(), "a failure has either `every` or `after`, not both").help("every: 3y is an exponential time to failure; after: {weibull: ...} any other distribution"));
                    None
                }
                (None, None) => {
                    v.error(Some(&c.id), Some("failures"), Diagnostic::new(fp.clone(), "a failure needs `every` (mean time between failures) or `after` (time-to-failure distribution)").help("e.g. {every: 3y} or {after: {weibull: {shape: 2, scale: 5y}}}"));
                    None
                }
            };
            let effect = f.effect.unwrap_or(Effect::Damage);
            if effect == Effect::Disrupt {
                v.error(Some(&c.id), Some("disrupt"), Diagnostic::new(format!("{fp}.effect"), "independent failures damage or destroy; `disrupt` needs a duration and belongs to threats").help("use effect: damage, or model the outage as a threat with effect: disrupt and a duration"));
            }
            match effect {
                Effect::Damage => can_be_damaged[i] = true,
                Effect::Destroy => can_be_destroyed[i] = true,
                Effect::Disrupt => {}
            }
            if let Some(arrival) = arrival {
                failures.push(FailureMode {
                    arrival,
                    effect,
                    repair: f.repair.clone(),
                });
            }
        }

        let mut backups = Vec::new();
        if let Some(data) = &c.data {
            for (j, b) in data.backups.iter().enumerate() {
                if b.every.0 <= 0.0 {
                    v.error(
                        Some(&c.id),
                        Some("every"),
                        Diagnostic::new(
                            format!("{p}.data.backups[{j}].every"),
                            "the backup interval must be longer than zero",
                        )
                        .help("e.g. every: 24h"),
                    );
                    continue;
                }
                backups.push(BackupTier {
                    every: b.every.0,
                    restore: b.restore.clone(),
                    immutable: b.immutable,
                    offsite: b.offsite,
                });
            }
        }
        let impact = c.impact.clone().unwrap_or_default();
        for (key, value) in [
            ("per_hour", impact.per_hour),
            ("per_hour_data_lost", impact.per_hour_data_lost),
            ("per_incident", impact.per_incident),
            ("per_total_data_loss", impact.per_total_data_loss),
        ] {
            non_negative_money(&mut v, &c.id, format!("{p}.impact.{key}"), value);
        }
        if c.kind != Kind::Service && (c.rto.is_some() || c.rpo.is_some() || c.mtpd.is_some()) {
            v.warn(Some(&c.id), Diagnostic::new(p.clone(), format!("`{}` is a {} with recovery targets; drsim reports targets for services only", c.id, c.kind.as_str())).help("move rto/rpo/mtpd to the service that depends on it"));
        }
        components.push(Component {
            id: c.id.clone(),
            name: c.name.clone(),
            kind: c.kind,
            site,
            tags: c.tags.clone(),
            depends_on,
            failures,
            repair: c.repair.clone(),
            rebuild: c.rebuild.clone(),
            detect: c.detect.clone(),
            team,
            priority: c.priority.unwrap_or(100),
            backups,
            stateful: c.data.is_some(),
            rto: c.rto.map(|h| h.0),
            rpo: c.rpo.map(|h| h.0),
            mtpd: c.mtpd.map(|h| h.0),
            impact: Impact {
                per_hour: impact.per_hour,
                per_hour_data_lost: impact.per_hour_data_lost,
                per_incident: impact.per_incident,
                per_total_data_loss: impact.per_total_data_loss,
            },
        });
    }

    let mut threats = Vec::new();
    for (i, t) in raw.threats.iter().enumerate() {
        let p = format!("threats[{i}]");
        let rate = match (&t.every, t.per_year) {
            (Some(e), None) if e.0 >= MIN_INTERVAL_HOURS => Some(1.0 / e.0),
            (Some(_), None) => {
                v.error(
                    Some(&t.id),
                    Some("every"),
                    Diagnostic::new(
                        format!("{p}.every"),
                        "the mean interval between events must be at least 1m",
                    )
                    .help("e.g. every: 20y, or per_year: 0.05"),
                );
                None
            }
            (None, Some(py)) if py.is_finite() && (0.0..=MAX_PER_YEAR).contains(&py) => {
                (py > 0.0).then_some(py / 8760.0)
            }
            (None, Some(py)) => {
                v.error(
                    Some(&t.id),
                    Some("per_year"),
                    Diagnostic::new(
                        format!("{p}.per_year"),
                        format!("per_year {} is not a valid frequency", fmt_number(py)),
                    )
                    .help(format!(
                        "a non-negative number of events per year, at most {MAX_PER_YEAR} \
                         (once a minute), e.g. per_year: 0.2"
                    )),
                );
                None
            }
            (Some(_), Some(_)) => {
                v.error(
                    Some(&t.id),
                    Some("per_year"),
                    Diagnostic::new(p.clone(), "give either `every` or `per_year`, not both")
                        .help("every: 5y and per_year: 0.2 say the same thing"),
                );
                None
            }
            (None, None) => None,
        };
        let chance = t.chance.unwrap_or(1.0);
        if !(0.0..=1.0).contains(&chance) {
            v.error(
                Some(&t.id),
                Some("chance"),
                Diagnostic::new(
                    format!("{p}.chance"),
                    format!("chance {chance} is not a probability"),
                )
                .help("use a number from 0 to 1, e.g. chance: 0.3"),
            );
        }
        let mut targets = Vec::new();
        let mut selected = vec![false; components.len()];
        let mut sites = Vec::new();
        for (j, s) in t.hits.sites.iter().enumerate() {
            if let Some(si) = v.resolve(
                &t.id,
                &format!("{p}.hits.sites[{j}]"),
                s,
                as_site,
                "site",
                &site_ids,
            ) {
                sites.push(si);
                for (ci, c) in components.iter().enumerate() {
                    if c.site == Some(si) {
                        selected[ci] = true;
                    }
                }
            }
        }
        for kind in &t.hits.kinds {
            for (ci, c) in components.iter().enumerate() {
                if c.kind == *kind {
                    selected[ci] = true;
                }
            }
        }
        for (j, tag) in t.hits.tags.iter().enumerate() {
            let mut any = false;
            for (ci, c) in components.iter().enumerate() {
                if c.tags.contains(tag) {
                    selected[ci] = true;
                    any = true;
                }
            }
            if !any {
                let all_tags: Vec<&str> = {
                    let mut tags: Vec<&str> = components
                        .iter()
                        .flat_map(|c| c.tags.iter().map(String::as_str))
                        .collect();
                    tags.sort_unstable();
                    tags.dedup();
                    tags
                };
                let mut d = Diagnostic::new(
                    format!("{p}.hits.tags[{j}]"),
                    format!("no component has the tag `{tag}`"),
                );
                if let Some(s) = suggest(tag, all_tags.iter().copied()) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                v.error(Some(&t.id), Some(tag), d);
            }
        }
        for (j, name) in t.hits.components.iter().enumerate() {
            if let Some(ci) = v.resolve(
                &t.id,
                &format!("{p}.hits.components[{j}]"),
                name,
                as_component,
                "component",
                &component_ids,
            ) {
                selected[ci] = true;
            }
        }
        for (ci, s) in selected.iter().enumerate() {
            if *s {
                targets.push(ci);
            }
        }
        let empty_selector = t.hits.sites.is_empty()
            && t.hits.kinds.is_empty()
            && t.hits.tags.is_empty()
            && t.hits.components.is_empty();
        if empty_selector {
            v.error(Some(&t.id), Some("hits"), Diagnostic::new(format!("{p}.hits"), "the threat hits nothing").help("select components by sites, kinds, tags or components, e.g. hits: {sites: [dc-london]}"));
        } else if targets.is_empty() && v.errors.is_empty() {
            v.warn(
                Some(&t.id),
                Diagnostic::new(
                    format!("{p}.hits"),
                    format!("threat `{}` selects no component", t.id),
                ),
            );
        }
        match t.effect {
            Effect::Disrupt => {
                if t.duration.is_none() {
                    v.error(
                        Some(&t.id),
                        Some("disrupt"),
                        Diagnostic::new(
                            format!("{p}.duration"),
                            "a disrupt threat needs a duration: how long until it clears by itself",
                        )
                        .help("e.g. duration: {lognormal: [2h, 12h]}"),
                    );
                }
            }
            Effect::Damage => {
                for &ci in &targets {
                    can_be_damaged[ci] = true;
                }
            }
            Effect::Destroy => {
                for &ci in &targets {
                    can_be_destroyed[ci] = true;
                }
            }
        }
        if t.duration.is_some() && t.effect != Effect::Disrupt {
            v.error(Some(&t.id), Some("duration"), Diagnostic::new(format!("{p}.duration"), "duration applies to disrupt threats only").help("damage is repaired with the component's `repair` (or the threat's `repair`); destroy with `rebuild`"));
        }
        if t.rebuild.is_some() && t.effect != Effect::Destroy {
            v.error(
                Some(&t.id),
                Some("rebuild"),
                Diagnostic::new(
                    format!("{p}.rebuild"),
                    "rebuild applies to destroy threats only",
                )
                .help("remove it, or set effect: destroy"),
            );
        }
        if t.repair.is_some() && t.effect != Effect::Damage {
            v.error(
                Some(&t.id),
                Some("repair"),
                Diagnostic::new(
                    format!("{p}.repair"),
                    "repair applies to damage threats only",
                )
                .help("for destroy use rebuild; for disrupt use duration"),
            );
        }
        if t.reaches_backups && t.effect != Effect::Destroy {
            v.error(
                Some(&t.id),
                Some("reaches_backups"),
                Diagnostic::new(
                    format!("{p}.reaches_backups"),
                    "reaches_backups applies to destroy threats only",
                )
                .help("set effect: destroy (ransomware destroys data), or remove reaches_backups"),
            );
        }
        threats.push(Threat {
            id: t.id.clone(),
            name: t.name.clone(),
            rate,
            targets,
            sites,
            chance,
            effect: t.effect,
            duration: t.duration.clone(),
            rebuild: t.rebuild.clone(),
            repair: t.repair.clone(),
            reaches_backups: t.reaches_backups,
        });
    }

    // Components a threat hits with its own repair or rebuild time: one pass
    // over the targets (a scan per component was quadratic in large estates).
    let mut threat_overrides = vec![false; components.len()];
    for t in threats
        .iter()
        .filter(|t| t.rebuild.is_some() || t.repair.is_some())
    {
        for &c in &t.targets {
            threat_overrides[c] = true;
        }
    }
    for (i, c) in components.iter().enumerate() {
        let damage_without_repair = can_be_damaged[i] && c.repair.is_none();
        let destroy_without_rebuild =
            can_be_destroyed[i] && c.rebuild.is_none() && c.repair.is_none();
        let threat_overrides = threat_overrides[i];
        let failure_overrides =
            !c.failures.is_empty() && c.failures.iter().all(|f| f.repair.is_some());
        if (damage_without_repair || destroy_without_rebuild)
            && !threat_overrides
            && !failure_overrides
        {
            v.warn(
                Some(&c.id),
                Diagnostic::new(
                    format!("components[{i}]"),
                    format!(
                        "`{}` can be {} but has no {} time; it will come back instantly",
                        c.id,
                        if damage_without_repair {
                            "damaged"
                        } else {
                            "destroyed"
                        },
                        if damage_without_repair {
                            "repair"
                        } else {
                            "rebuild"
                        }
                    ),
                )
                .help("add e.g. repair: {lognormal: [1h, 8h]}"),
            );
        }
    }

    let mut risk_tolerance = Vec::new();
    for (i, r) in raw.risk_tolerance.iter().enumerate() {
        if !(money_is_valid(r.loss) && r.loss > 0.0 && r.p > 0.0 && r.p <= 1.0) {
            v.error(None, None, Diagnostic::new(format!("risk_tolerance[{i}]"), "each point needs loss > 0 and 0 < p <= 1").help("e.g. {loss: 1000000, p: 0.1}: a loss above 1M should happen less than 1 year in 10"));
        } else {
            risk_tolerance.push(TolerancePoint {
                loss: r.loss,
                p: r.p,
            });
        }
    }
    risk_tolerance.sort_by(|a, b| a.loss.total_cmp(&b.loss));

    if v.errors.is_empty() {
        if let Some(cycle) = find_cycle(&components) {
            let names: Vec<&str> = cycle.iter().map(|&i| components[i].id.as_str()).collect();
            let first = cycle[0];
            let (line, col) = v.loc.locate(&components[first].id, None);
            v.errors.push(
                Diagnostic::new(
                    format!("components[{first}].depends_on"),
                    format!("dependency cycle: {}", names.join(" -> ")),
                )
                .help("a component cannot depend on itself, even through others; remove one of these dependencies")
                .at(line, col),
            );
        }
    }

    if !components.is_empty() && !components.iter().any(Component::is_service) {
        v.warn(
            None,
            Diagnostic::new(
                "components",
                "no component has kind: service, so there is nothing to report on",
            )
            .help("add the business services that depend on the rest"),
        );
    }

    if !v.errors.is_empty() {
        return Err(v.errors);
    }

    Ok((
        Scenario {
            name: raw.name,
            description: raw.description,
            currency: raw.currency.unwrap_or_else(|| "GBP".into()),
            horizon,
            sites: raw
                .sites
                .into_iter()
                .map(|s| Site {
                    id: s.id,
                    name: s.name,
                    region: s.region,
                })
                .collect(),
            teams: raw
                .teams
                .into_iter()
                .map(|t| Team {
                    id: t.id,
                    name: t.name,
                    size: t.size,
                })
                .collect(),
            components,
            threats,
            risk_tolerance,
        },
        v.warnings,
    ))
}

/// A dependency loop in `depends_on` order, starting and ending at the
/// first component of the loop in file order, or `None` if acyclic.
pub fn find_cycle(components: &[Component]) -> Option<Vec<ComponentId>> {
    let mut g = DiGraph::<(), ()>::with_capacity(components.len(), 0);
    for _ in components {
        g.add_node(());
    }
    for (i, c) in components.iter().enumerate() {
        for dep in c.dependencies() {
            g.add_edge(NodeIndex::new(i), NodeIndex::new(dep), ());
        }
    }
    if petgraph::algo::toposort(&g, None).is_ok() {
        return None;
    }
    let sccs = petgraph::algo::tarjan_scc(&g);
    let scc = sccs
        .iter()
        .filter(|s| s.len() > 1 || g.contains_edge(s[0], s[0]))
        .min_by_key(|s| s.iter().map(|n| n.index()).min())?;
    let members: HashSet<usize> = scc.iter().map(|n| n.index()).collect();
    let start = *members.iter().min()?;
    // Shortest path from start back to start inside the component.
    let mut prev: HashMap<usize, usize> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        for next in g.neighbors(NodeIndex::new(n)) {
            let next = next.index();
            if !members.contains(&next) {
                continue;
            }
            if next == start {
                let mut path = vec![start];
                let mut cur = n;
                while cur != start {
                    path.push(cur);
                    cur = prev[&cur];
                }
                path.push(start);
                let last = path.len() - 1;
                path[1..last].reverse();
                return Some(path);
            }
            if let std::collections::hash_map::Entry::Vacant(e) = prev.entry(next) {
                e.insert(n);
                queue.push_back(next);
            }
        }
    }
    None
}
