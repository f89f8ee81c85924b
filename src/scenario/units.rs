//! Durations with units and the six distribution forms of the scenario format.
//!
//! Everything is converted to hours (`f64`) here, at the edge; the rest of
//! drsim never sees a unit.

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// z such that P(Z <= z) = 0.95 for a standard normal Z.
const Z95_ONE_SIDED: f64 = 1.644_853_626_951_472_2;

/// Hours in each accepted unit.
fn unit_hours(unit: &str) -> Option<f64> {
    Some(match unit {
        "s" => 1.0 / 3600.0,
        "m" => 1.0 / 60.0,
        "h" => 1.0,
        "d" => 24.0,
        "w" => 168.0,
        "y" => HOURS_PER_YEAR,
        _ => return None,
    })
}

/// Parses a duration such as `90m`, `1.5h` or `2d` into hours.
pub fn parse_duration(text: &str) -> Result<f64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty duration: write a number with a unit, e.g. 4h".into());
    }
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+' || c == 'e'))
        .unwrap_or(t.len());
    // `e` may be the start of nothing useful; numbers like 1e3h are unusual but fine.
    let (num, unit) = t.split_at(split);
    let unit = unit.trim();
    if unit.is_empty() {
        return Err(format!(
            "`{t}` has no unit: durations need a unit, e.g. 4h (units: s, m, h, d, w, y)"
        ));
    }
    let Some(per) = unit_hours(unit) else {
        let hint = match unit {
            "mo" | "month" | "months" | "M" => {
                " (months are not accepted: they are ambiguous; use 30d or 4w)"
            }
            "min" | "mins" | "minute" | "minutes" => " (write minutes as m, e.g. 90m)",
            "hr" | "hrs" | "hour" | "hours" => " (write hours as h, e.g. 4h)",
            "day" | "days" => " (write days as d, e.g. 2d)",
            "sec" | "secs" | "second" | "seconds" => " (write seconds as s, e.g. 30s)",
            "ms" | "msec" | "millisecond" | "milliseconds" => {
                " (write milliseconds as seconds, e.g. 0.001s)"
            }
            "yr" | "yrs" | "year" | "years" => " (write years as y, e.g. 5y)",
            _ => "",
        };
        return Err(format!(
            "`{t}`: unknown unit `{unit}`{hint}; units are s, m, h, d, w, y"
        ));
    };
    let value: f64 = num
        .parse()
        .map_err(|_| format!("`{t}` is not a duration: write a number with a unit, e.g. 4h"))?;
    if !value.is_finite() {
        return Err(format!("`{t}` is not a finite duration"));
    }
    if value < 0.0 {
        return Err(format!("`{t}` is negative: durations cannot be negative"));
    }
    let hours = value * per;
    if hours > MAX_HOURS {
        return Err(format!(
            "`{t}` is longer than drsim handles: durations go up to 1000000y"
        ));
    }
    if hours > 0.0 && hours < MIN_HOURS {
        return Err(format!(
            "`{t}` is shorter than drsim resolves: durations are 0 (instant) or at least 0.001s (a millisecond)"
        ));
    }
    Ok(hours)
}

/// Hours in a year: the `y` unit, and how hours become years (a year is 365
/// days throughout; per-year rates and annual figures use this).
pub(crate) const HOURS_PER_YEAR: f64 = 8760.0;

/// The longest duration accepted: a million years, in hours. Sums and
/// products of such durations (and of money per hour) stay finite.
const MAX_HOURS: f64 = 1e6 * HOURS_PER_YEAR;
/// The shortest non-zero duration accepted: one millisecond, in hours.
/// Halving or doubling any accepted duration (sensitivity analysis) keeps it
/// finite and above zero.
const MIN_HOURS: f64 = 0.001 / 3600.0;
/// Weibull shapes accepted. Below 0.1 a draw raises a logarithm to a power
/// over 10, and its tail runs past any float.
const WEIBULL_SHAPES: (f64, f64) = (0.1, 100.0);

/// A duration in hours, deserialized from a string with a unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Hours(pub f64);

impl<'de> Deserialize<'de> for Hours {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(HoursVisitor)
    }
}

struct HoursVisitor;

fn bare_number<E: de::Error>(n: impl fmt::Display) -> E {
    E::custom(format_args!(
        "`{n}` has no unit: durations need a unit, e.g. {n}h or {n}m (units: s, m, h, d, w, y)"
    ))
}

impl<'de> Visitor<'de> for HoursVisitor {
    type Value = Hours;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a duration with a unit, e.g. 4h")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Hours, E> {
        parse_duration(v).map(Hours).map_err(E::custom)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Hours, E> {
        Err(bare_number(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Hours, E> {
        Err(bare_number(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Hours, E> {
        Err(bare_number(v))
    }
}

/// A probability distribution of durations, in hours.
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    /// Always this many hours, 0 or more (`4h`).
    Fixed(f64),
    /// Exponential (`{exp: 4h}`): memoryless, as for random arrivals.
    Exp {
        /// The mean, hours; above zero.
        mean: f64,
    },
    /// Lognormal given by its 5th and 95th percentiles, a calibrated 90%
    /// interval (`{lognormal: [1h, 9h]}`). Build it with
    /// [`Dist::lognormal`], which derives `mu` and `sigma`.
    LogNormal {
        /// The 5th percentile, hours; above zero.
        p5: f64,
        /// The 95th percentile, hours; above `p5`.
        p95: f64,
        /// Mean of the logarithm of the duration in hours.
        mu: f64,
        /// Standard deviation of the logarithm of the duration in hours.
        sigma: f64,
    },
    /// Uniform between two durations (`{uniform: [1h, 3h]}`).
    Uniform {
        /// The shortest, hours.
        lo: f64,
        /// The longest, hours; at least `lo`.
        hi: f64,
    },
    /// Triangular (`{triangular: [1h, 2h, 6h]}`): a low, a most likely
    /// and a high estimate.
    Triangular {
        /// The shortest, hours.
        min: f64,
        /// The most likely, hours; from `min` to `max`.
        mode: f64,
        /// The longest, hours.
        max: f64,
    },
    /// Weibull (`{weibull: {shape: 1.5, scale: 1000h}}`), for times to
    /// failure: a shape below 1 means early failures, above 1 wear-out.
    Weibull {
        /// The shape, dimensionless, from 0.1 to 100.
        shape: f64,
        /// The scale, hours; above zero.
        scale: f64,
    },
}

impl Dist {
    /// The lognormal whose 5th and 95th percentiles are `p5` and `p95`
    /// hours; an error, worded for the scenario's author, unless
    /// 0 < `p5` < `p95`.
    pub fn lognormal(p5: f64, p95: f64) -> Result<Dist, String> {
        if p5.is_nan() || p5 <= 0.0 {
            return Err(format!(
                "lognormal: the 5th percentile must be above zero (got {p5}h); a lognormal duration is never 0"
            ));
        }
        if p5 >= p95 {
            return Err(format!(
                "lognormal: the first value is the 5th percentile and must be below the second, the 95th \
                 (got {} then {}); swap them, e.g. {{lognormal: [{}, {}]}}",
                fmt_hours(p5),
                fmt_hours(p95),
                fmt_hours(p95.min(p5)),
                fmt_hours(p5.max(p95))
            ));
        }
        let (a, b) = (p5.ln(), p95.ln());
        Ok(Dist::LogNormal {
            p5,
            p95,
            mu: (a + b) / 2.0,
            sigma: (b - a) / (2.0 * Z95_ONE_SIDED),
        })
    }

    /// Draws a value by inverse transform from `u` in (0, 1). One uniform per
    /// draw keeps common random numbers aligned between variants of a scenario.
    /// The engine draws through `sim::rng::sample`, which takes exponentials
    /// by the ziggurat method instead.
    #[inline]
    pub fn sample(&self, u: f64) -> f64 {
        match *self {
            Dist::Fixed(v) => v,
            Dist::Exp { mean } => -mean * (1.0 - u).ln(),
            Dist::LogNormal { mu, sigma, .. } => (mu + sigma * inverse_normal_cdf(u)).exp(),
            Dist::Uniform { lo, hi } => lo + (hi - lo) * u,
            Dist::Triangular { min, mode, max } => {
                let range = max - min;
                if range <= 0.0 {
                    return min;
                }
                let fc = (mode - min) / range;
                if u < fc {
                    min + (u * range * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * range * (max - mode)).sqrt()
                }
            }
            Dist::Weibull { shape, scale } => scale * (-(1.0 - u).ln()).powf(1.0 / shape),
        }
    }

    /// The mean, in hours.
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Fixed(v) => v,
            Dist::Exp { mean } => mean,
            Dist::LogNormal { mu, sigma, .. } => (mu + sigma * sigma / 2.0).exp(),
            Dist::Uniform { lo, hi } => (lo + hi) / 2.0,
            Dist::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Dist::Weibull { shape, scale } => scale * gamma(1.0 + 1.0 / shape),
        }
    }

    /// The same distribution with every duration multiplied by `factor`.
    pub fn scaled(&self, factor: f64) -> Dist {
        match *self {
            Dist::Fixed(v) => Dist::Fixed(v * factor),
            Dist::Exp { mean } => Dist::Exp {
                mean: mean * factor,
            },
            // Accepted durations (1 ms to a million years) stay in range when
            // halved or doubled; past that, shift the log-mean directly.
            Dist::LogNormal { p5, p95, mu, sigma } => Dist::lognormal(p5 * factor, p95 * factor)
                .unwrap_or(Dist::LogNormal {
                    p5: p5 * factor,
                    p95: p95 * factor,
                    mu: mu + factor.ln(),
                    sigma,
                }),
            Dist::Uniform { lo, hi } => Dist::Uniform {
                lo: lo * factor,
                hi: hi * factor,
            },
            Dist::Triangular { min, mode, max } => Dist::Triangular {
                min: min * factor,
                mode: mode * factor,
                max: max * factor,
            },
            Dist::Weibull { shape, scale } => Dist::Weibull {
                shape,
                scale: scale * factor,
            },
        }
    }

    /// Short human description, e.g. `lognormal 1h..9h`.
    pub fn describe(&self) -> String {
        match *self {
            Dist::Fixed(v) => fmt_hours(v),
            Dist::Exp { mean } => format!("exp mean {}", fmt_hours(mean)),
            Dist::LogNormal { p5, p95, .. } => {
                format!("lognormal {}..{} (90%)", fmt_hours(p5), fmt_hours(p95))
            }
            Dist::Uniform { lo, hi } => format!("uniform {}..{}", fmt_hours(lo), fmt_hours(hi)),
            Dist::Triangular { min, mode, max } => format!(
                "triangular {}/{}/{}",
                fmt_hours(min),
                fmt_hours(mode),
                fmt_hours(max)
            ),
            Dist::Weibull { shape, scale } => {
                format!("weibull shape {shape} scale {}", fmt_hours(scale))
            }
        }
    }
}

/// Formats hours with the most readable unit: `45m`, `4.2h`, `3.5d`, `2y`.
/// A duration above zero never reads as zero: below 5 ms, where seconds to
/// two decimals would read `0s`, it is given in milliseconds (a
/// millisecond, written `0.001s`, is the shortest duration a scenario or
/// `--horizon` can give; `ms` is for reading, not a unit drsim parses), and
/// below 0.005 ms as `<0.01ms`. Every output that shows a duration (messages,
/// tables, charts, graph exports) writes it with this function.
pub(crate) fn fmt_hours(h: f64) -> String {
    fn trim(x: f64) -> String {
        let s = if x >= 100.0 || (x - x.round()).abs() < 1e-9 {
            format!("{:.0}", x)
        } else if x >= 10.0 {
            format!("{:.1}", x)
        } else {
            format!("{:.2}", x)
        };
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    }
    if h == 0.0 {
        "0h".into()
    } else if h < 1.0 / 60.0 {
        const MS_PER_HOUR: f64 = 3.6e6;
        let seconds = trim(h * 3600.0);
        if h < 0.0 || seconds != "0" {
            format!("{seconds}s")
        } else {
            match trim(h * MS_PER_HOUR) {
                ms if ms == "0" => "<0.01ms".into(),
                ms => format!("{ms}ms"),
            }
        }
    } else if h < 1.0 {
        format!("{}m", trim(h * 60.0))
    } else if h < 48.0 {
        format!("{}h", trim(h))
    } else if h < HOURS_PER_YEAR {
        format!("{}d", trim(h / 24.0))
    } else {
        format!("{}y", trim(h / HOURS_PER_YEAR))
    }
}

/// Inverse of the standard normal CDF (P. J. Acklam's rational
/// approximation; relative error below 1.2e-9 over (0, 1)).
fn inverse_normal_cdf(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const P_LOW: f64 = 0.02425;
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    if p < P_LOW {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - P_LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    }
}

/// The gamma function (Lanczos approximation, g = 7), for Weibull means.
fn gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        std::f64::consts::PI / ((std::f64::consts::PI * x).sin() * gamma(1.0 - x))
    } else {
        let x = x - 1.0;
        let mut a = G[0];
        let t = x + 7.5;
        for (i, g) in G.iter().enumerate().skip(1) {
            a += g / (x + i as f64);
        }
        (2.0 * std::f64::consts::PI).sqrt() * t.powf(x + 0.5) * (-t).exp() * a
    }
}

impl<'de> Deserialize<'de> for Dist {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DistVisitor)
    }
}

struct DistVisitor;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeibull {
    shape: f64,
    scale: Hours,
}

/// Reads a list of exactly `N` durations.
struct HoursList<const N: usize>([f64; N]);

impl<'de, const N: usize> Deserialize<'de> for HoursList<N> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<const N: usize>;
        impl<'de, const N: usize> Visitor<'de> for V<N> {
            type Value = HoursList<N>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "a list of {N} durations, e.g. [1h, 9h]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = [0.0; N];
                for (i, slot) in out.iter_mut().enumerate() {
                    match seq.next_element::<Hours>()? {
                        Some(h) => *slot = h.0,
                        None => {
                            return Err(de::Error::custom(format_args!(
                                "expected {N} durations, got {i}"
                            )))
                        }
                    }
                }
                if seq.next_element::<de::IgnoredAny>()?.is_some() {
                    return Err(de::Error::custom(format_args!(
                        "expected {N} durations, got more"
                    )));
                }
                Ok(HoursList(out))
            }
        }
        d.deserialize_seq(V::<N>)
    }
}

const DIST_FORMS: &[&str] = &["exp", "lognormal", "uniform", "triangular", "weibull"];

impl<'de> Visitor<'de> for DistVisitor {
    type Value = Dist;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(
            "a duration (4h) or a distribution: {exp: 4h}, {lognormal: [1h, 9h]}, \
             {uniform: [1h, 3h]}, {triangular: [1h, 2h, 6h]}, {weibull: {shape: 1.5, scale: 1000h}}",
        )
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Dist, E> {
        parse_duration(v).map(Dist::Fixed).map_err(E::custom)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Dist, E> {
        Err(bare_number(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Dist, E> {
        Err(bare_number(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Dist, E> {
        Err(bare_number(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Dist, A::Error> {
        let Some(key) = map.next_key::<String>()? else {
            return Err(de::Error::custom(
                "empty distribution: write e.g. {exp: 4h} or {lognormal: [1h, 9h]}",
            ));
        };
        let dist = match key.as_str() {
            "exp" => {
                let mean = map.next_value::<Hours>()?.0;
                if mean <= 0.0 {
                    return Err(de::Error::custom("exp: the mean must be above zero"));
                }
                Dist::Exp { mean }
            }
            "lognormal" => {
                let HoursList([lo, hi]) = map.next_value::<HoursList<2>>()?;
                Dist::lognormal(lo, hi).map_err(de::Error::custom)?
            }
            "uniform" => {
                let HoursList([lo, hi]) = map.next_value::<HoursList<2>>()?;
                if lo > hi {
                    return Err(de::Error::custom(format_args!(
                        "uniform: the lower bound {} is above the upper bound {}; swap them",
                        fmt_hours(lo),
                        fmt_hours(hi)
                    )));
                }
                Dist::Uniform { lo, hi }
            }
            "triangular" => {
                let HoursList([min, mode, max]) = map.next_value::<HoursList<3>>()?;
                if !(min <= mode && mode <= max) {
                    return Err(de::Error::custom(
                        "triangular: values must be in order [min, mode, max] with min <= mode <= max",
                    ));
                }
                Dist::Triangular { min, mode, max }
            }
            "weibull" => {
                let RawWeibull { shape, scale } = map.next_value()?;
                let (lo, hi) = WEIBULL_SHAPES;
                if !(shape > 0.0 && shape.is_finite()) {
                    return Err(de::Error::custom(
                        "weibull: shape must be a number above zero",
                    ));
                }
                if !(lo..=hi).contains(&shape) {
                    return Err(de::Error::custom(format_args!(
                        "weibull: shape {shape} is outside what drsim handles ({lo} to {hi}); \
                         shapes below 1 mean early failures, above 1 wear-out, typically 0.5 to 5"
                    )));
                }
                if scale.0 <= 0.0 {
                    return Err(de::Error::custom("weibull: scale must be above zero"));
                }
                Dist::Weibull {
                    shape,
                    scale: scale.0,
                }
            }
            other => return Err(de::Error::unknown_variant(other, DIST_FORMS)),
        };
        if let Some(extra) = map.next_key::<String>()? {
            return Err(de::Error::custom(format_args!(
                "a distribution has exactly one form; `{extra}` is extra (write one of {})",
                DIST_FORMS.join(", ")
            )));
        }
        Ok(dist)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_convert_to_hours() {
        assert_eq!(parse_duration("90m").unwrap(), 1.5);
        assert_eq!(parse_duration("1.5h").unwrap(), 1.5);
        assert_eq!(parse_duration("2d").unwrap(), 48.0);
        assert_eq!(parse_duration("1w").unwrap(), 168.0);
        assert_eq!(parse_duration("1y").unwrap(), 8760.0);
        assert_eq!(parse_duration("36s").unwrap(), 0.01);
        assert!(parse_duration("45").unwrap_err().contains("unit"));
        assert!(parse_duration("3mo").unwrap_err().contains("months"));
        assert!(parse_duration("-1h").unwrap_err().contains("negative"));
        assert!(parse_duration("h").is_err());
    }

    #[test]
    fn inverse_normal_matches_known_quantiles() {
        for (p, z) in [
            (0.5, 0.0),
            (0.95, 1.644_853_626_951_472_2),
            (0.975, 1.959_963_984_540_054),
            (0.01, -2.326_347_874_040_841),
            (0.999, 3.090_232_306_167_813_5),
        ] {
            assert!((inverse_normal_cdf(p) - z).abs() < 1e-8, "p={p}");
        }
    }

    #[test]
    fn lognormal_percentiles_round_trip() {
        let d = Dist::lognormal(1.0, 9.0).unwrap();
        assert!((d.sample(0.05) - 1.0).abs() < 1e-7);
        assert!((d.sample(0.95) - 9.0).abs() < 1e-6);
        assert!((d.sample(0.5) - 3.0).abs() < 1e-9);
        assert!(Dist::lognormal(9.0, 1.0).unwrap_err().contains("lognormal"));
    }

    #[test]
    fn weibull_mean_uses_gamma() {
        assert!((gamma(5.0) - 24.0).abs() < 1e-9);
        assert!((gamma(0.5) - std::f64::consts::PI.sqrt()).abs() < 1e-12);
        let d = Dist::Weibull {
            shape: 1.0,
            scale: 10.0,
        };
        assert!((d.mean() - 10.0).abs() < 1e-9);
    }

    #[test]
    fn triangular_inverse_cdf_hits_its_ends() {
        let d = Dist::Triangular {
            min: 1.0,
            mode: 2.0,
            max: 6.0,
        };
        assert!((d.sample(0.0) - 1.0).abs() < 1e-12);
        assert!((d.sample(1.0) - 6.0).abs() < 1e-12);
        assert!((d.sample(0.2) - 2.0).abs() < 1e-12);
    }

    #[test]
    fn hours_formatting_picks_a_readable_unit() {
        assert_eq!(fmt_hours(0.5), "30m");
        assert_eq!(fmt_hours(4.25), "4.25h");
        assert_eq!(fmt_hours(72.0), "3d");
        assert_eq!(fmt_hours(87600.0), "10y");
    }

    /// `--horizon 0.001s` was titled "Risk over 0s", and a 1 ms lag read
    /// `lag 0s` in the graph exports.
    #[test]
    fn a_duration_above_zero_never_reads_as_zero() {
        let ms = 1.0 / 3.6e6;
        assert_eq!(fmt_hours(ms), "1ms");
        assert_eq!(fmt_hours(4.5 * ms), "4.5ms");
        assert_eq!(fmt_hours(0.001 * ms), "<0.01ms");
        assert_eq!(fmt_hours(f64::MIN_POSITIVE), "<0.01ms");
        assert_eq!(fmt_hours(0.0), "0h");
        // Where seconds show a digit, seconds as before.
        assert_eq!(fmt_hours(6.0 * ms), "0.01s");
        assert_eq!(fmt_hours(1.5), "1.5h");
        assert_eq!(fmt_hours(8760.0), "1y");
    }
}
