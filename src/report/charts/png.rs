//! The PNG backend: plotters' bitmap backend, with text drawn by glyph.
//!
//! plotters 0.3.7 draws bitmap text glyph by glyph but places each one at
//! the pen position without its left side bearing, and rounds the pen to
//! whole pixels, so letters sit unevenly ("choic e loses"). [`Png`] hands
//! every shape to the bitmap backend unchanged and draws text itself, each
//! glyph at its own outline bounds, on the baseline the SVG backend uses
//! (`dy` of 0.76 em below a top anchor, half an ex for a centred one, half
//! an ex above a bottom one), so the PNG reads as the SVG does.

use ab_glyph::{point, Font, FontRef, PxScale, ScaleFont};
use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};
use std::sync::OnceLock;

/// The bundled DejaVu Sans, parsed once.
fn font() -> &'static FontRef<'static> {
    static FONT: OnceLock<FontRef<'static>> = OnceLock::new();
    FONT.get_or_init(|| {
        FontRef::try_from_slice(include_bytes!("../fonts/DejaVuSans.ttf"))
            .expect("the bundled DejaVu Sans is a valid TrueType font")
    })
}

/// A bitmap backend whose text is laid out glyph by glyph.
pub(crate) struct Png<'a>(pub(crate) BitMapBackend<'a>);

/// The scale at which one em is `em` pixels.
fn scale(font: &FontRef<'static>, em: f32) -> PxScale {
    let units = font.units_per_em().unwrap_or(1000.0);
    PxScale::from(em * font.height_unscaled() / units)
}

/// Glyph positions of `text` on a baseline at y = 0 starting at x = 0, and
/// the advance of the whole line.
fn layout(text: &str, em: f32) -> (Vec<ab_glyph::Glyph>, f32) {
    let font = font().as_scaled(scale(font(), em));
    let mut glyphs = Vec::with_capacity(text.len());
    let mut caret = 0.0f32;
    let mut previous = None;
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = previous {
            caret += font.kern(p, id);
        }
        glyphs.push(id.with_scale_and_position(font.scale(), point(caret, 0.0)));
        caret += font.h_advance(id);
        previous = Some(id);
    }
    (glyphs, caret)
}

/// The font's x-height in pixels at `em` pixels to the em.
fn ex(em: f32) -> f32 {
    let x = font().glyph_id('x').with_scale(scale(font(), em));
    font()
        .outline_glyph(x)
        .map_or(em / 2.0, |o| -o.px_bounds().min.y)
}

impl DrawingBackend for Png<'_> {
    type ErrorType = <BitMapBackend<'static> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.present()
    }
    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_circle(center, radius, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.fill_polygon(vert, style)
    }
    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.blit_bitmap(pos, size, src)
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        // As the SVG backend writes it: font-size is size / 1.24.
        let em = (style.size() / 1.24) as f32;
        let (glyphs, width) = layout(text, em);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0.0,
            HPos::Center => -width / 2.0,
            HPos::Right => -width,
        };
        let baseline = match style.anchor().v_pos {
            VPos::Top => 0.76 * em,
            VPos::Center => ex(em) / 2.0,
            VPos::Bottom => -ex(em) / 2.0,
        };
        let turn = style.transform();
        let (w, h) = self.get_size();
        for glyph in glyphs {
            let Some(outline) = font().outline_glyph(glyph) else {
                continue;
            };
            let bounds = outline.px_bounds();
            let mut pixels = Vec::new();
            outline.draw(|x, y, coverage| pixels.push((x, y, coverage)));
            for (x, y, coverage) in pixels {
                if coverage <= 0.0 {
                    continue;
                }
                let lx = (bounds.min.x + x as f32 + dx).round() as i32;
                let ly = (bounds.min.y + y as f32 + baseline).round() as i32;
                let (tx, ty) = turn.transform(lx, ly);
                let (px, py) = (pos.0 + tx, pos.1 + ty);
                if px < 0 || py < 0 || px >= w as i32 || py >= h as i32 {
                    continue;
                }
                let alpha = color.alpha * f64::from(coverage.min(1.0));
                self.0.draw_pixel(
                    (px, py),
                    BackendColor {
                        alpha,
                        rgb: color.rgb,
                    },
                )?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Draws `text` in black on white, anchored at its top left at (20, 20),
    /// at 40 px to the em; the columns and rows that hold ink.
    fn ink(text: &str) -> (Vec<usize>, Vec<usize>) {
        let (w, h) = (400usize, 100usize);
        let mut buffer = vec![255u8; w * h * 3];
        {
            let root = Png(BitMapBackend::with_buffer(
                &mut buffer,
                (w as u32, h as u32),
            ))
            .into_drawing_area();
            let style = TextStyle::from(("sans-serif", 40.0 * 1.24).into_font()).color(&BLACK);
            root.draw_text(text, &style, (20, 20)).unwrap();
            root.present().unwrap();
        }
        let dark = |x: usize, y: usize| buffer[(y * w + x) * 3] < 128;
        let columns = (0..w).filter(|&x| (0..h).any(|y| dark(x, y))).collect();
        let rows = (0..h).filter(|&y| (0..w).any(|x| dark(x, y))).collect();
        (columns, rows)
    }

    /// Where the font puts `c`'s ink, at 40 px to the em, pen at x = 0 on a
    /// baseline at y = 0.
    fn bounds(c: char) -> ab_glyph::Rect {
        let glyph = font().glyph_id(c).with_scale(scale(font(), 40.0));
        font().outline_glyph(glyph).unwrap().px_bounds()
    }

    #[test]
    fn glyphs_sit_at_their_side_bearing_on_the_svg_baseline() {
        // plotters' own bitmap text starts the ink at the pen (x = 20),
        // dropping H's left side bearing (about 4 px here).
        let (columns, rows) = ink("H");
        let h = bounds('H');
        let left = 20.0 + h.min.x;
        assert!((columns[0] as f32 - left).abs() <= 1.0, "{columns:?} {h:?}");
        // A top anchor puts the baseline 0.76 em down, as SVG's dy does.
        let baseline = 20.0 + 0.76 * 40.0;
        let top = baseline + h.min.y;
        assert!((rows[0] as f32 - top).abs() <= 1.0, "{rows:?} {h:?}");
        assert!((rows[rows.len() - 1] as f32 + 1.0 - baseline).abs() <= 1.0);
    }

    #[test]
    fn the_gap_between_two_letters_is_the_fonts() {
        // "TH": the space between T's ink and H's is T's advance less its
        // ink, plus H's left bearing (about 4 px; T's is nearly nil, which
        // plotters' own bitmap text would use instead).
        let (columns, _) = ink("TH");
        let gaps: Vec<usize> = columns.windows(2).map(|p| p[1] - p[0] - 1).collect();
        let gap = gaps.iter().copied().max().unwrap() as f32;
        let font = font().as_scaled(scale(font(), 40.0));
        let advance = font.h_advance(font.glyph_id('T'));
        let expected = advance - bounds('T').max.x + bounds('H').min.x;
        assert!(
            (gap - expected).abs() <= 1.5,
            "gap {gap}, expected {expected}"
        );
    }
}
