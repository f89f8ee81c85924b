//! The one way anything reaches the report's HTML: [`Markup`].
//!
//! A `Markup` is made only of `'static` strings written in this crate (the
//! templates of [`markup!`], [`Markup::literal`]), text escaped on the way in
//! ([`Markup::text`], [`Markup::push_text`], every `&str` or `String` put in
//! a template's hole) and charts drawn by plotters' SVG backend
//! ([`Svg`]). There is no way to turn a `String` into `Markup` without
//! escaping it, so a name from the scenario, a sentence or a formatted
//! number cannot become an element or an attribute, whatever it holds; and
//! the report's builder takes only `Markup`, so a string that skips the
//! escaping does not compile.
//!
//! `markup!("<td>{}</td>", name)` fills the holes (`{}`, nothing else)
//! of a literal template with pieces: text is escaped, `Markup` and `Svg`
//! go in as they are, integers as digits. The number of holes is checked
//! against the pieces when the crate compiles, and so is the template's
//! being a literal.

use crate::report::charts::Svg;
use std::fmt;
use std::ops::Deref;

/// HTML that is safe to put where text or elements may go, or in a quoted
/// attribute value: static templates from the source and escaped text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Markup(String);

impl Markup {
    /// Nothing yet.
    pub fn new() -> Markup {
        Markup::default()
    }

    /// `text` escaped: shown as written, never read as markup.
    pub fn text(text: &str) -> Markup {
        let mut m = Markup::new();
        m.push_text(text);
        m
    }

    /// Markup written in the source (an element, a static paragraph, the
    /// style sheet): trusted because only a literal, or a string compiled
    /// into the program, lives for `'static`. A string made at run time
    /// does not compile:
    ///
    /// ```compile_fail,E0597
    /// let name = String::from("<script>alert(1)</script>");
    /// let page = drsim::report::html::Markup::literal(&name);
    /// ```
    pub fn literal(html: &'static str) -> Markup {
        Markup(html.to_string())
    }

    /// Appends `text`, escaped.
    pub fn push_text(&mut self, text: &str) {
        escape_into(&mut self.0, text);
    }

    /// Appends markup written in the source.
    pub fn push_literal(&mut self, html: &'static str) {
        self.0.push_str(html);
    }

    /// Appends markup made by any of the above.
    pub fn push_markup(&mut self, html: &Markup) {
        self.0.push_str(&html.0);
    }

    /// The pieces one after another, with `separator` between each two.
    pub fn join<I>(pieces: I, separator: &'static str) -> Markup
    where
        I: IntoIterator<Item = Markup>,
    {
        let mut out = Markup::new();
        for (i, piece) in pieces.into_iter().enumerate() {
            if i > 0 {
                out.push_literal(separator);
            }
            out.push_markup(&piece);
        }
        out
    }

    /// The HTML as text, to write out.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether there is no markup at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Fills the holes of `template` with `pieces`: what [`markup!`] expands
    /// to, after checking at compile time that they agree in number.
    pub(crate) fn fill(template: &'static str, pieces: &[&dyn Piece]) -> Markup {
        let mut out = Markup(String::with_capacity(template.len() + 16 * pieces.len()));
        let mut parts = template.split("{}");
        out.push_literal(parts.next().unwrap_or(""));
        let mut pieces = pieces.iter();
        for part in parts {
            pieces
                .next()
                .expect("markup! checks the number of holes against the pieces")
                .push_to(&mut out);
            out.push_literal(part);
        }
        assert!(
            pieces.next().is_none(),
            "markup! checks the number of holes against the pieces"
        );
        out
    }
}

/// Read-only: `&markup` is a `&str` where text is wanted (writing the file).
impl Deref for Markup {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Markup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Escapes text for HTML content and for attribute values in double or
/// single quotes: the only escaping in the report.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

mod sealed {
    /// Only this module says what may fill a template's hole.
    pub trait Sealed {}
}

/// What may fill a hole of a [`markup!`] template: text (escaped),
/// [`Markup`] and [`Svg`] (as they are), and integers. Sealed: no other
/// type can be made a piece, so none can slip raw text in.
pub(crate) trait Piece: sealed::Sealed {
    /// Appends the piece to `out`.
    fn push_to(&self, out: &mut Markup);
}

impl sealed::Sealed for str {}
impl Piece for str {
    fn push_to(&self, out: &mut Markup) {
        out.push_text(self);
    }
}

impl sealed::Sealed for String {}
impl Piece for String {
    fn push_to(&self, out: &mut Markup) {
        out.push_text(self);
    }
}

impl sealed::Sealed for Markup {}
impl Piece for Markup {
    fn push_to(&self, out: &mut Markup) {
        out.push_markup(self);
    }
}

impl sealed::Sealed for Svg {}
/// A chart goes in as an inline element, without the line break that ends
/// the document. Its text was escaped by plotters' SVG backend, the only
/// maker of an [`Svg`] (a test in `charts` holds it to that).
impl Piece for Svg {
    fn push_to(&self, out: &mut Markup) {
        out.0.push_str(self.as_str().trim());
    }
}

impl<T: Piece + ?Sized> sealed::Sealed for &T {}
impl<T: Piece + ?Sized> Piece for &T {
    fn push_to(&self, out: &mut Markup) {
        (**self).push_to(out);
    }
}

macro_rules! integer_pieces {
    ($($t:ty),*) => {$(
        impl sealed::Sealed for $t {}
        /// Digits (and a minus sign), nothing to escape.
        impl Piece for $t {
            fn push_to(&self, out: &mut Markup) {
                out.0.push_str(&self.to_string());
            }
        }
    )*};
}
integer_pieces!(u32, u64, usize, i32, i64);

/// The number of holes (`{}`) in a template. A brace that is not part of a
/// hole stops the build: templates take no format specs or names, so that
/// every value goes through a piece (use [`Markup::push_literal`] for text
/// with braces).
pub(crate) const fn holes(template: &str) -> usize {
    let bytes = template.as_bytes();
    let mut i = 0;
    let mut n = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => {
                if i + 1 < bytes.len() && bytes[i + 1] == b'}' {
                    n += 1;
                    i += 2;
                    continue;
                }
                panic!(
                    "a markup! template has `{{` without `}}` right after it: only `{{}}` holes"
                );
            }
            b'}' => panic!("a markup! template has a `}}` that closes no `{{}}` hole"),
            _ => i += 1,
        }
    }
    n
}

/// Markup from a literal template whose `{}` holes are filled with pieces
/// (see [`Piece`]): `markup!("<td>{}</td>", name)` escapes `name`. The
/// template must be a string literal, and its holes must match the pieces
/// in number; both are checked when the crate compiles.
macro_rules! markup {
    ($template:literal $(, $piece:expr)* $(,)?) => {{
        const _: () = assert!(
            $crate::report::html::markup::holes($template)
                == <[&str]>::len(&[$(stringify!($piece)),*]),
            "a markup! template's holes and its pieces differ in number"
        );
        $crate::report::html::Markup::fill(
            $template,
            &[$(&$piece as &dyn $crate::report::html::markup::Piece),*],
        )
    }};
}
pub(crate) use markup;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_once() {
        assert_eq!(
            Markup::text("<script>alert('x')</script> & \"y\"").as_str(),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
        // Already escaped text is text too: its `&` is escaped again.
        assert_eq!(Markup::text("&amp;").as_str(), "&amp;amp;");
    }

    #[test]
    fn templates_escape_text_and_keep_markup() {
        let name = String::from("<b>A&B</b>");
        let cell = markup!("<td>{}</td>", name);
        assert_eq!(cell.as_str(), "<td>&lt;b&gt;A&amp;B&lt;/b&gt;</td>");
        let row = markup!("<tr>{}{}<td>{}</td></tr>", cell, "'", 42u64);
        assert_eq!(
            row.as_str(),
            "<tr><td>&lt;b&gt;A&amp;B&lt;/b&gt;</td>&#39;<td>42</td></tr>"
        );
        assert_eq!(markup!("no holes").as_str(), "no holes");
        let joined = Markup::join([Markup::text("a<"), Markup::literal("<i>b</i>")], ", ");
        assert_eq!(joined.as_str(), "a&lt;, <i>b</i>");
    }

    #[test]
    fn holes_are_counted_and_nothing_else_is_a_brace() {
        assert_eq!(holes(""), 0);
        assert_eq!(holes("<p>{}</p>{}"), 2);
        let stray = std::panic::catch_unwind(|| holes("{name}"));
        assert!(stray.is_err());
        let stray = std::panic::catch_unwind(|| holes("a } b"));
        assert!(stray.is_err());
    }
}
