//! Content-stream interpretation: every glyph a page shows, decoded through its font and placed
//! by the text and graphics matrices, in PDF points from the page's top-left corner.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

use super::fonts::{Font, GlyphText};

/// One shown glyph.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub text: GlyphText,
    /// Left and right edges of the glyph's advance, in its [`Direction`]'s frame.
    pub x0: f64,
    pub x1: f64,
    /// Baseline in its direction's frame: for upright text, measured down from the page's top.
    pub baseline: f64,
    /// Font size on the page.
    pub size: f64,
    pub direction: Direction,
}

/// Which way a glyph's text runs on the shown page, to the nearest quarter turn. Each direction
/// has its own frame, the page turned so that its text runs left to right, y down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    Right,
    Up,
    Left,
    Down,
}

impl Direction {
    fn of(dx: f64, dy: f64) -> Direction {
        if dx.abs() >= dy.abs() {
            if dx >= 0.0 {
                Direction::Right
            } else {
                Direction::Left
            }
        } else if dy < 0.0 {
            Direction::Up
        } else {
            Direction::Down
        }
    }

    /// A point of the page (y down) in this direction's frame.
    pub fn turn(self, x: f64, y: f64) -> (f64, f64) {
        match self {
            Direction::Right => (x, y),
            Direction::Up => (-y, x),
            Direction::Left => (-x, -y),
            Direction::Down => (y, -x),
        }
    }

    /// A point of this direction's frame back on the page.
    pub fn unturn(self, x: f64, y: f64) -> (f64, f64) {
        match self {
            Direction::Right => (x, y),
            Direction::Up => (y, -x),
            Direction::Left => (-x, -y),
            Direction::Down => (-y, x),
        }
    }
}

/// Fonts already read, shared by the pages of a document.
#[derive(Debug, Default)]
pub struct FontCache {
    fonts: Mutex<HashMap<ObjectId, Arc<Font>>>,
}

/// A bound on a page's decompressed content, against decompression bombs.
const MAX_CONTENT_BYTES: usize = 256 << 20;

/// Form XObjects nest; a loop of them must end.
const MAX_FORM_DEPTH: usize = 8;

/// A PDF matrix `[a b c d e f]`, acting on row vectors.
type Matrix = [f64; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn multiply(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

/// A form's `/Matrix`, identity when absent.
fn form_matrix(form: &lopdf::Stream) -> Matrix {
    numbers(form.dict.get(b"Matrix").ok())
        .and_then(|v| <[f64; 6]>::try_from(v).ok())
        .unwrap_or(IDENTITY)
}

/// A direct array of numbers.
fn numbers(object: Option<&Object>) -> Option<Vec<f64>> {
    let array = object?.as_array().ok()?;
    Some(
        array
            .iter()
            .filter_map(|o| o.as_float().ok())
            .map(f64::from)
            .collect(),
    )
}

fn apply(m: &Matrix, x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

/// The graphics state parts that place text (`q`/`Q` save and restore all of it).
#[derive(Debug, Clone)]
struct State {
    ctm: Matrix,
    font: Option<Arc<Font>>,
    font_size: f64,
    char_spacing: f64,
    word_spacing: f64,
    horizontal_scale: f64,
    leading: f64,
    rise: f64,
}

/// The glyphs of a page, and how many codes no font could decode.
#[derive(Debug, Default)]
pub struct PageGlyphs {
    pub glyphs: Vec<Glyph>,
    pub unknown: usize,
    /// Bytes shown with no font set or found: text that is there but cannot be read.
    pub without_font: usize,
    /// Font resources that `Tf` named but the page does not have.
    pub missing_fonts: Vec<String>,
}

/// A page attribute, which pages inherit from the page tree.
fn inherited<'a>(document: &'a Document, page: ObjectId, key: &[u8]) -> Option<&'a Object> {
    let mut dictionary = document.get_dictionary(page).ok()?;
    loop {
        if let Ok(object) = dictionary.get(key) {
            return match object {
                Object::Reference(id) => document.get_object(*id).ok(),
                other => Some(other),
            };
        }
        let parent = dictionary.get(b"Parent").ok()?.as_reference().ok()?;
        dictionary = document.get_dictionary(parent).ok()?;
    }
}

/// The page's box `(x0, y0, x1, y1)` in default user space (MediaBox, cropped by CropBox).
pub fn page_box(document: &Document, page: ObjectId) -> Option<[f64; 4]> {
    let rectangle = |key: &[u8]| {
        let values = numbers(inherited(document, page, key))?;
        let [x0, y0, x1, y1] = values.as_slice() else {
            return None;
        };
        Some([x0.min(*x1), y0.min(*y1), x0.max(*x1), y0.max(*y1)])
    };
    rectangle(b"CropBox").or_else(|| rectangle(b"MediaBox"))
}

/// The page as it is shown: its size, and the map from user space to points from its top-left
/// corner, after the page's `/Rotate`.
#[derive(Debug, Clone, Copy)]
pub struct PageFrame {
    view: Matrix,
    pub width: f64,
    pub height: f64,
}

impl PageFrame {
    pub fn of(document: &Document, page: ObjectId) -> PageFrame {
        let [x0, y0, x1, y1] = page_box(document, page).unwrap_or([0.0, 0.0, 612.0, 792.0]);
        let rotate = inherited(document, page, b"Rotate")
            .and_then(|o| o.as_i64().ok())
            .unwrap_or(0)
            .rem_euclid(360);
        let (view, width, height) = match rotate {
            90 => ([0.0, 1.0, 1.0, 0.0, -y0, -x0], y1 - y0, x1 - x0),
            180 => ([-1.0, 0.0, 0.0, 1.0, x1, -y0], x1 - x0, y1 - y0),
            270 => ([0.0, -1.0, -1.0, 0.0, y1, x1], y1 - y0, x1 - x0),
            _ => ([1.0, 0.0, 0.0, -1.0, -x0, y1], x1 - x0, y1 - y0),
        };
        PageFrame {
            view,
            width,
            height,
        }
    }
}

/// Interprets the page's content streams.
pub fn page_glyphs(
    document: &Document,
    page: ObjectId,
    frame: PageFrame,
    fonts: &FontCache,
) -> Result<PageGlyphs, String> {
    let bytes = document
        .get_page_content_with_limit(page, MAX_CONTENT_BYTES)
        .map_err(|e| format!("its content stream cannot be read ({e})"))?;
    let resources = page_resources(document, page);
    let mut interpreter = Interpreter {
        document,
        fonts,
        frame,
        out: PageGlyphs::default(),
    };
    let state = State {
        ctm: IDENTITY,
        font: None,
        font_size: 0.0,
        char_spacing: 0.0,
        word_spacing: 0.0,
        horizontal_scale: 1.0,
        leading: 0.0,
        rise: 0.0,
    };
    interpreter.run(&bytes, &resources, state.clone(), 0)?;
    interpreter.annotations(page, &resources, &state);
    Ok(interpreter.out)
}

/// The page's resource dictionaries, nearest first (resources are inherited from the page tree).
fn page_resources(document: &Document, page: ObjectId) -> Vec<&Dictionary> {
    let Ok((own, inherited)) = document.get_page_resources(page) else {
        return Vec::new();
    };
    own.into_iter()
        .chain(
            inherited
                .into_iter()
                .filter_map(|id| document.get_dictionary(id).ok()),
        )
        .collect()
}

struct Interpreter<'a> {
    document: &'a Document,
    fonts: &'a FontCache,
    frame: PageFrame,
    out: PageGlyphs,
}

impl<'a> Interpreter<'a> {
    fn resource(
        &self,
        resources: &[&'a Dictionary],
        category: &[u8],
        name: &[u8],
    ) -> Option<(Option<ObjectId>, &'a Object)> {
        resources.iter().find_map(|dictionary| {
            let group = match dictionary.get(category).ok()? {
                Object::Reference(id) => self.document.get_dictionary(*id).ok()?,
                Object::Dictionary(d) => d,
                _ => return None,
            };
            match group.get(name).ok()? {
                Object::Reference(id) => Some((Some(*id), self.document.get_object(*id).ok()?)),
                other => Some((None, other)),
            }
        })
    }

    fn font(&self, resources: &[&'a Dictionary], name: &[u8]) -> Option<Arc<Font>> {
        let (id, object) = self.resource(resources, b"Font", name)?;
        let dictionary = object.as_dict().ok()?;
        let Some(id) = id else {
            return Some(Arc::new(Font::load(self.document, dictionary)));
        };
        let mut cache = self.fonts.fonts.lock().unwrap_or_else(|e| e.into_inner());
        Some(
            cache
                .entry(id)
                .or_insert_with(|| Arc::new(Font::load(self.document, dictionary)))
                .clone(),
        )
    }

    fn run(
        &mut self,
        bytes: &[u8],
        resources: &[&'a Dictionary],
        mut state: State,
        depth: usize,
    ) -> Result<(), String> {
        let content =
            Content::decode(bytes).map_err(|e| format!("its content stream is malformed ({e})"))?;
        let mut saved: Vec<State> = Vec::new();
        let mut text_matrix = IDENTITY;
        let mut line_matrix = IDENTITY;
        for operation in &content.operations {
            let operands = &operation.operands;
            let num = |i: usize| {
                operands
                    .get(i)
                    .and_then(|o| o.as_float().ok())
                    .map_or(0.0, f64::from)
            };
            match operation.operator.as_str() {
                "q" => saved.push(state.clone()),
                "Q" => {
                    if let Some(previous) = saved.pop() {
                        state = previous;
                    }
                }
                "cm" => {
                    let m = [num(0), num(1), num(2), num(3), num(4), num(5)];
                    state.ctm = multiply(&m, &state.ctm);
                }
                "BT" => {
                    text_matrix = IDENTITY;
                    line_matrix = IDENTITY;
                }
                "Tf" => {
                    state.font_size = num(1);
                    let name = operands
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .unwrap_or_default();
                    state.font = self.font(resources, name);
                    if state.font.is_none() {
                        let name = String::from_utf8_lossy(name).into_owned();
                        if !self.out.missing_fonts.contains(&name) {
                            self.out.missing_fonts.push(name);
                        }
                    }
                }
                "Tc" => state.char_spacing = num(0),
                "Tw" => state.word_spacing = num(0),
                "Tz" => state.horizontal_scale = num(0) / 100.0,
                "TL" => state.leading = num(0),
                "Ts" => state.rise = num(0),
                "Td" | "TD" => {
                    if operation.operator == "TD" {
                        state.leading = -num(1);
                    }
                    line_matrix = multiply(&[1.0, 0.0, 0.0, 1.0, num(0), num(1)], &line_matrix);
                    text_matrix = line_matrix;
                }
                "Tm" => {
                    line_matrix = [num(0), num(1), num(2), num(3), num(4), num(5)];
                    text_matrix = line_matrix;
                }
                "T*" | "'" | "\"" => {
                    line_matrix =
                        multiply(&[1.0, 0.0, 0.0, 1.0, 0.0, -state.leading], &line_matrix);
                    text_matrix = line_matrix;
                    if operation.operator == "\"" {
                        state.word_spacing = num(0);
                        state.char_spacing = num(1);
                    }
                    if let Some(Object::String(bytes, _)) = operands.last() {
                        self.show(bytes, &state, &mut text_matrix);
                    }
                }
                "Tj" => {
                    if let Some(Object::String(bytes, _)) = operands.first() {
                        self.show(bytes, &state, &mut text_matrix);
                    }
                }
                "TJ" => {
                    let Some(Object::Array(items)) = operands.first() else {
                        continue;
                    };
                    for item in items {
                        match item {
                            Object::String(bytes, _) => self.show(bytes, &state, &mut text_matrix),
                            Object::Integer(_) | Object::Real(_) => {
                                let adjust = f64::from(item.as_float().unwrap_or(0.0));
                                let tx =
                                    -adjust / 1000.0 * state.font_size * state.horizontal_scale;
                                text_matrix =
                                    multiply(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &text_matrix);
                            }
                            _ => {}
                        }
                    }
                }
                "Do" if depth < MAX_FORM_DEPTH => {
                    let name = operands
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .unwrap_or_default();
                    if let Some((_, Object::Stream(form))) =
                        self.resource(resources, b"XObject", name)
                    {
                        let matrix = form_matrix(form);
                        self.run_form(
                            form,
                            resources,
                            &state,
                            multiply(&matrix, &state.ctm),
                            depth,
                        );
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Runs a Form XObject under `ctm` (its own matrix already applied).
    fn run_form(
        &mut self,
        form: &'a lopdf::Stream,
        resources: &[&'a Dictionary],
        state: &State,
        ctm: Matrix,
        depth: usize,
    ) {
        if form.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form") {
            return;
        }
        let mut inner: Vec<&'a Dictionary> = Vec::new();
        if let Some(own) = self.form_resources(form) {
            inner.push(own);
        }
        inner.extend_from_slice(resources);
        let bytes = form
            .decompressed_content()
            .unwrap_or_else(|_| form.content.clone());
        let form_state = State {
            ctm,
            ..state.clone()
        };
        // A broken form costs its own text only.
        let _ = self.run(&bytes, &inner, form_state, depth + 1);
    }

    /// The appearance streams of the page's visible annotations, placed in their rectangles as
    /// viewers (and `pdftotext`) draw them: digital-signature stamps live there.
    fn annotations(&mut self, page: ObjectId, resources: &[&'a Dictionary], state: &State) {
        /// Annotation flags `Hidden` and `NoView`.
        const INVISIBLE: i64 = 2 | 32;
        let Ok(annotations) = self.document.get_page_annotations(page) else {
            return;
        };
        for annotation in annotations {
            let flags = annotation.get(b"F").and_then(Object::as_i64).unwrap_or(0);
            if flags & INVISIBLE != 0 {
                continue;
            }
            let Some(form) = self.appearance(annotation) else {
                continue;
            };
            let Some(rect) = numbers(self.deref(annotation.get(b"Rect").ok())) else {
                continue;
            };
            let bbox =
                numbers(form.dict.get(b"BBox").ok()).unwrap_or_else(|| vec![0.0, 0.0, 1.0, 1.0]);
            let (Ok(rect), Ok(bbox)) = (<[f64; 4]>::try_from(rect), <[f64; 4]>::try_from(bbox))
            else {
                continue;
            };
            let matrix = form_matrix(form);
            // The form's box, transformed by its matrix, is fitted to the annotation's rectangle.
            let corners = [
                (bbox[0], bbox[1]),
                (bbox[2], bbox[1]),
                (bbox[0], bbox[3]),
                (bbox[2], bbox[3]),
            ]
            .map(|(x, y)| apply(&matrix, x, y));
            let (min_x, max_x) = corners
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
                    (lo.min(p.0), hi.max(p.0))
                });
            let (min_y, max_y) = corners
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
                    (lo.min(p.1), hi.max(p.1))
                });
            if max_x - min_x <= 0.0 || max_y - min_y <= 0.0 {
                continue;
            }
            let (sx, sy) = (
                (rect[2] - rect[0]).abs() / (max_x - min_x),
                (rect[3] - rect[1]).abs() / (max_y - min_y),
            );
            let fit = [
                sx,
                0.0,
                0.0,
                sy,
                rect[0].min(rect[2]) - min_x * sx,
                rect[1].min(rect[3]) - min_y * sy,
            ];
            self.run_form(form, resources, state, multiply(&matrix, &fit), 0);
        }
    }

    fn deref(&self, object: Option<&'a Object>) -> Option<&'a Object> {
        match object? {
            Object::Reference(id) => self.document.get_object(*id).ok(),
            other => Some(other),
        }
    }

    /// The normal appearance of an annotation, in its current state when it has several.
    fn appearance(&self, annotation: &'a Dictionary) -> Option<&'a lopdf::Stream> {
        let appearances = self.deref(annotation.get(b"AP").ok())?.as_dict().ok()?;
        match self.deref(appearances.get(b"N").ok())? {
            Object::Stream(stream) => Some(stream),
            Object::Dictionary(states) => {
                let state = annotation.get(b"AS").and_then(Object::as_name).ok()?;
                self.deref(states.get(state).ok())?.as_stream().ok()
            }
            _ => None,
        }
    }

    fn form_resources(&self, form: &'a lopdf::Stream) -> Option<&'a Dictionary> {
        match form.dict.get(b"Resources").ok()? {
            Object::Reference(id) => self.document.get_dictionary(*id).ok(),
            Object::Dictionary(d) => Some(d),
            _ => None,
        }
    }

    /// Shows a string: one glyph per code, advancing the text matrix.
    fn show(&mut self, bytes: &[u8], state: &State, text_matrix: &mut Matrix) {
        let Some(font) = state.font.clone() else {
            self.out.unknown += bytes.len();
            self.out.without_font += bytes.len();
            return;
        };
        let size = state.font_size;
        let scale = state.horizontal_scale;
        for code in font.codes(bytes) {
            let advance = font.width(code) / 1000.0 * size * scale;
            // Text space to the shown page, y down.
            let shown = multiply(&multiply(text_matrix, &state.ctm), &self.frame.view);
            let direction = Direction::of(shown[0], shown[1]);
            let (x0, y0) = apply(&shown, 0.0, state.rise);
            let (x1, y1) = apply(&shown, advance, state.rise);
            let ((x0, baseline), (x1, _)) = (direction.turn(x0, y0), direction.turn(x1, y1));
            let (ux, uy) = (shown[2], shown[3]);
            let page_size = size * (ux * ux + uy * uy).sqrt();
            let text = font.text(code);
            if text == GlyphText::Unknown {
                self.out.unknown += 1;
            }
            self.out.glyphs.push(Glyph {
                text,
                x0: x0.min(x1),
                x1: x0.max(x1),
                baseline,
                size: page_size,
                direction,
            });
            let spacing = state.char_spacing
                + if font.is_word_space(code) {
                    state.word_spacing
                } else {
                    0.0
                };
            let tx = advance + spacing * scale;
            *text_matrix = multiply(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], text_matrix);
        }
    }
}
