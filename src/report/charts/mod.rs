//! The charts of the HTML report, drawn with plotters, one file per chart.
//!
//! Each chart is drawn once into an SVG string (inlined in the report) and,
//! on request, again into an RGB buffer encoded as PNG (the `png` crate);
//! the data behind it comes along as CSV.
//! Text in PNGs uses the bundled DejaVu Sans, laid out glyph by glyph
//! ([`png`]; plotters' bitmap text spaces letters unevenly); SVG text
//! names the generic `sans-serif` family, so no font is ever fetched.
//!
//! Names and titles reach a chart only as plotters text, which its SVG
//! backend escapes (`<` is `&lt;`, in text and in attribute values alike),
//! and the SVG reaches the page only as an [`Svg`], which nothing but that
//! backend makes: a chart adds no markup of its own to the report.

pub(crate) mod data_loss;
pub(crate) mod dependency_graph;
pub(crate) mod downtime;
pub mod frontier;
pub(crate) mod heatmap;
pub(crate) mod loss_exceedance;
pub(crate) mod recovery;
pub(crate) mod timeline;
pub mod tornado;

mod cdf;
mod png;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;
use std::ops::Deref;
use std::sync::Once;

/// A drawing routine that works on any plotters backend.
pub(crate) trait Draw {
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);
    /// Draws the whole chart onto `root`, which has [`Draw::size`]; any
    /// plotters error as text.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>;
}

type PngWriter = Box<dyn Fn() -> Result<Vec<u8>, String>>;

/// A chart as an SVG document, exactly as plotters' SVG backend wrote it.
/// Only [`Figure::new`] makes one, so the report can inline it as markup:
/// the backend escapes every text and attribute value it writes (a test
/// below draws markup-like text and holds it to that).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Svg(String);

impl Svg {
    /// The document, to write to a file or inline.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Read-only: an `&Svg` reads as the document's text.
impl Deref for Svg {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// One finished chart.
pub struct Figure {
    /// File stem for `--charts DIR` (`loss-exceedance`, `recovery-ransomware`).
    pub name: String,
    /// What it shows, for people (used as the figure's accessible label).
    pub title: String,
    /// The chart as an SVG document.
    pub svg: Svg,
    /// The data behind it.
    pub csv: String,
    png: PngWriter,
}

impl Figure {
    /// Draws `chart` into an SVG string now; keeps it to draw a PNG later.
    pub(crate) fn new<D: Draw + 'static>(
        name: impl Into<String>,
        title: impl Into<String>,
        chart: D,
        csv: String,
    ) -> Result<Figure, String> {
        register_font();
        let (w, h) = chart.size();
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
            chart.draw(&root)?;
            root.present().map_err(fail)?;
        }
        Ok(Figure {
            name: name.into(),
            title: title.into(),
            svg: Svg(svg),
            csv,
            png: Box::new(move || {
                let (w, h) = chart.size();
                let mut rgb = vec![0u8; w as usize * h as usize * 3];
                {
                    let root =
                        png::Png(BitMapBackend::with_buffer(&mut rgb, (w, h))).into_drawing_area();
                    chart.draw(&root)?;
                    root.present().map_err(fail)?;
                }
                encode_png(&rgb, (w, h))
            }),
        })
    }

    /// The chart drawn as a PNG image.
    pub fn png(&self) -> Result<Vec<u8>, String> {
        (self.png)()
    }
}

/// An RGB buffer of `size` as PNG bytes.
fn encode_png(rgb: &[u8], (w, h): (u32, u32)) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut encoder = ::png::Encoder::new(&mut out, w, h);
    encoder.set_color(::png::ColorType::Rgb);
    encoder.set_depth(::png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(fail)?;
    writer.write_image_data(rgb).map_err(fail)?;
    writer.finish().map_err(fail)?;
    Ok(out)
}

/// Registers the bundled font for text in bitmaps (and text measurement).
fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            include_bytes!("../fonts/DejaVuSans.ttf"),
        )
        .map_err(|_| "invalid font")
        .expect("the bundled DejaVu Sans is a valid TrueType font");
    });
}

/// Any plotters error as text.
pub(crate) fn fail<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// Tableau 10: distinguishable, and readable in grey print.
pub(crate) const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// The `i`-th colour of [`PALETTE`], starting again after the tenth.
pub(crate) fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// A file-name-safe stem from an id: letters, digits and dashes.
pub(crate) fn slug(id: &str) -> String {
    let s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches('-').to_string();
    if s.is_empty() {
        "x".into()
    } else {
        s
    }
}

/// Shortens `s` to at most `max` characters with an ellipsis.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Hours as a short axis label: `30m`, `4h`, `3d`.
pub(crate) fn axis_hours(h: f64) -> String {
    crate::scenario::fmt_hours(h)
}

/// Log-axis range covering `values` (positive ones) and the `marks`.
pub(crate) fn log_range(values: impl Iterator<Item = f64>, floor: f64) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
    for v in values.filter(|v| *v > 0.0 && v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (floor, floor * 100.0);
    }
    let lo = (lo / 1.5).max(floor);
    let hi = (hi * 1.5).max(lo * 10.0);
    (lo, hi)
}

/// Splits `s` into two lines of at most about `width` characters (the
/// second shortened with an ellipsis when needed).
pub(crate) fn wrap2(s: &str, width: usize) -> (String, String) {
    let mut first = String::new();
    let mut rest = String::new();
    for word in s.split_whitespace() {
        if rest.is_empty() && first.chars().count() + word.chars().count() < width {
            if !first.is_empty() {
                first.push(' ');
            }
            first.push_str(word);
        } else {
            if !rest.is_empty() {
                rest.push(' ');
            }
            rest.push_str(word);
        }
    }
    if first.is_empty() {
        return (truncate(&rest, width), String::new());
    }
    (first, truncate(&rest, width))
}

/// Tick marks for a log axis of hours at values people use: 15m, 1h, 4h,
/// 1d, 1w…, at most about ten of them.
pub(crate) fn hour_ticks(lo: f64, hi: f64) -> Vec<f64> {
    const NICE: [f64; 20] = [
        1.0 / 60.0,
        5.0 / 60.0,
        0.25,
        0.5,
        1.0,
        2.0,
        4.0,
        8.0,
        12.0,
        24.0,
        48.0,
        96.0,
        168.0,
        336.0,
        672.0,
        1344.0,
        2190.0,
        4380.0,
        8760.0,
        87600.0,
    ];
    let inside: Vec<f64> = NICE
        .iter()
        .copied()
        .filter(|&t| t >= lo && t <= hi)
        .collect();
    if inside.len() <= 10 {
        return inside;
    }
    let step = inside.len().div_ceil(10);
    inside.into_iter().step_by(step).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text with markup in it, drawn every way the charts draw text: as a
    /// caption, as an axis description and as a free label.
    struct Hostile(&'static str);

    impl Draw for Hostile {
        fn size(&self) -> (u32, u32) {
            (400, 300)
        }

        fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
            let mut chart = ChartBuilder::on(root)
                .caption(self.0, ("sans-serif", 20))
                .x_label_area_size(30)
                .y_label_area_size(30)
                .build_cartesian_2d(0.0f64..1.0, 0.0f64..1.0)
                .map_err(fail)?;
            chart
                .configure_mesh()
                .x_desc(self.0)
                .x_label_formatter(&|_| self.0.to_string())
                .draw()
                .map_err(fail)?;
            root.draw(&Text::new(self.0, (5, 5), ("sans-serif", 12)))
                .map_err(fail)
        }
    }

    /// The report inlines an [`Svg`] as it is: this holds plotters' SVG
    /// backend to escaping every text it is given.
    #[test]
    fn the_svg_backend_escapes_text() {
        let text = "</text></svg><script>alert('x')</script> & \"q\"";
        let f = Figure::new("x", "x", Hostile(text), String::new()).unwrap();
        let svg = f.svg.as_str();
        assert!(!svg.contains("<script"), "{svg}");
        assert_eq!(svg.matches("</svg>").count(), 1, "{svg}");
        let escaped = "&lt;/text&gt;&lt;/svg&gt;&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; &quot;q&quot;";
        // Caption, axis description, tick labels and the free label.
        assert!(svg.matches(escaped).count() >= 4, "{svg}");
    }
}
