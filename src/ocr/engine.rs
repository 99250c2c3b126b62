//! Tesseract itself: one engine per worker thread and language, and its results read through the
//! result iterator (blocks, paragraphs, lines, words and symbols, with boxes, confidences,
//! baselines, point sizes and, on request, each symbol's alternatives) instead of a rendered
//! format such as TSV, which keeps neither baselines nor alternatives.

use crate::document::{BBox, Baseline, Choice};

/// One word as Tesseract read it, with the running numbers of its block, paragraph and line on
/// the page (they only ever grow, so equal numbers mean the same block, paragraph or line).
#[derive(Debug, Clone, PartialEq)]
pub struct OcrWord {
    pub block: u32,
    pub paragraph: u32,
    pub line: u32,
    pub text: String,
    pub bbox: BBox,
    /// 0..=1.
    pub confidence: f32,
    pub baseline: Option<Baseline>,
    /// Height of the word's row (ascenders to descenders) in pixels, as Tesseract measures it.
    pub font_size: Option<u32>,
    pub symbols: Vec<OcrSymbol>,
}

#[cfg(test)]
impl OcrWord {
    /// A word for the passes' tests: one symbol per character, 10 px apart from `x`, each `height`
    /// px tall at `y` with its confidence from `confidences`; the word is as sure as its least
    /// sure symbol.
    pub(crate) fn spaced(
        text: &str,
        line: u32,
        (x, y): (u32, u32),
        height: u32,
        confidences: &[f32],
    ) -> Self {
        let symbols: Vec<OcrSymbol> = text
            .chars()
            .zip(confidences)
            .enumerate()
            .map(|(i, (c, &confidence))| OcrSymbol {
                text: c.to_string(),
                bbox: BBox {
                    x: x + 10 * i as u32,
                    y,
                    width: 9,
                    height,
                },
                confidence,
                choices: Vec::new(),
            })
            .collect();
        OcrWord {
            block: 1,
            paragraph: 1,
            line,
            text: text.to_owned(),
            bbox: BBox {
                x,
                y,
                width: 10 * symbols.len() as u32 - 1,
                height,
            },
            confidence: confidences.iter().copied().fold(1.0, f32::min),
            baseline: None,
            font_size: None,
            symbols,
        }
    }
}

/// One symbol (a letter with its marks, a digit, a punctuation mark) of a word.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrSymbol {
    pub text: String,
    pub bbox: BBox,
    /// 0..=1.
    pub confidence: f32,
    /// Tesseract's candidates for the symbol, best first (the first is `text`); empty unless
    /// alternatives were asked for.
    pub choices: Vec<Choice>,
}

#[cfg(feature = "ocr")]
pub use tesseract::{run, tessdata_dir};

#[cfg(feature = "ocr")]
mod tesseract {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::os::raw::{c_char, c_int, c_void};

    use image::GrayImage;
    use tesseract_rs::{
        ResultIterator, TessPageIteratorLevel as Level, TessPageSegMode, TesseractAPI,
    };

    use super::{OcrSymbol, OcrWord};
    use crate::document::{BBox, Baseline, Choice};

    // The binding's result iterator lacks these three page-iterator calls of Tesseract's C API;
    // the library they live in is the one the binding links.
    extern "C" {
        fn TessResultIteratorGetPageIterator(handle: *mut c_void) -> *mut c_void;
        fn TessPageIteratorIsAtBeginningOf(handle: *const c_void, level: c_int) -> c_int;
        fn TessPageIteratorBaseline(
            handle: *const c_void,
            level: c_int,
            x1: *mut c_int,
            y1: *mut c_int,
            x2: *mut c_int,
            y2: *mut c_int,
        ) -> c_int;
        fn TessResultIteratorWordFontAttributes(
            handle: *const c_void,
            is_bold: *mut c_int,
            is_italic: *mut c_int,
            is_underlined: *mut c_int,
            is_monospace: *mut c_int,
            is_serif: *mut c_int,
            is_smallcaps: *mut c_int,
            pointsize: *mut c_int,
            font_id: *mut c_int,
        ) -> *const c_char;
    }

    /// Where Debian and others install the trained models; `TESSDATA_PREFIX` comes first.
    const TESSDATA_DIRS: [&str; 4] = [
        "/usr/share/tesseract-ocr/5/tessdata",
        "/usr/share/tesseract-ocr/4.00/tessdata",
        "/usr/share/tessdata",
        "/usr/local/share/tessdata",
    ];

    /// The directory holding `<language>.traineddata` for every language of `vie+eng`.
    pub fn tessdata_dir(language: &str) -> Result<std::path::PathBuf, String> {
        let from_env = std::env::var_os("TESSDATA_PREFIX").map(std::path::PathBuf::from);
        let candidates = from_env
            .into_iter()
            .chain(TESSDATA_DIRS.iter().map(std::path::PathBuf::from));
        let mut searched = Vec::new();
        for dir in candidates {
            let has_all = language
                .split('+')
                .all(|l| dir.join(format!("{l}.traineddata")).is_file());
            // The binding needs the path as UTF-8.
            if has_all && dir.to_str().is_some() {
                return Ok(dir);
            }
            searched.push(dir.display().to_string());
        }
        Err(format!(
            "no Tesseract model for '{language}' in {}; install it (Debian: apt-get install \
             tesseract-ocr-vie tesseract-ocr-eng) or set TESSDATA_PREFIX",
            searched.join(", ")
        ))
    }

    thread_local! {
        /// Engines by language and whether they keep alternatives.
        static ENGINES: RefCell<HashMap<(String, bool), TesseractAPI>> =
            RefCell::new(HashMap::new());
    }

    fn engine(language: &str, alternatives: bool) -> Result<TesseractAPI, String> {
        let dir = tessdata_dir(language)?;
        let api = TesseractAPI::new();
        api.init(&dir, language).map_err(|e| {
            format!(
                "Tesseract could not load '{language}' from {}: {e}",
                dir.display()
            )
        })?;
        let set = |name: &str, value: &str| {
            api.set_variable(name, value)
                .map_err(|e| format!("Tesseract rejected the setting {name}={value}: {e}"))
        };
        // Tesseract's notes ("Estimating resolution as 330") would drown vanban's own
        // diagnostics on stderr.
        set("debug_file", "/dev/null")?;
        if alternatives {
            // 2: the LSTM's best candidates for each symbol, with their scores.
            set("lstm_choice_mode", "2")?;
        }
        api.set_page_seg_mode(TessPageSegMode::PSM_AUTO)
            .map_err(|e| format!("Tesseract rejected page segmentation mode 3: {e}"))?;
        Ok(api)
    }

    /// OCRs `image` and reads every word of the result.
    pub fn run(
        image: &GrayImage,
        language: &str,
        alternatives: bool,
    ) -> Result<Vec<OcrWord>, String> {
        ENGINES.with(|engines| {
            let mut engines = engines.borrow_mut();
            let key = (language.to_owned(), alternatives);
            if !engines.contains_key(&key) {
                let api = engine(language, alternatives)?;
                engines.insert(key.clone(), api);
            }
            let api = &engines[&key];
            let (width, height) = (image.width() as i32, image.height() as i32);
            api.set_image(image.as_raw(), width, height, 1, width)
                .map_err(|e| format!("Tesseract rejected the {width}x{height} page image: {e}"))?;
            api.recognize()
                .map_err(|e| format!("Tesseract failed on the page: {e}"))?;
            // No iterator means no text on the page.
            // Tesseract reports row heights in points at the resolution it assumed.
            let resolution = api.get_source_y_resolution().unwrap_or(0).max(0) as u32;
            match api.get_iterator() {
                Ok(iterator) => read_words(&iterator, alternatives, resolution),
                Err(_) => Ok(Vec::new()),
            }
        })
    }

    fn bbox(iterator: &ResultIterator, level: Level) -> Option<BBox> {
        let (left, top, right, bottom) = iterator.get_bounding_box(level).ok()?;
        Some(BBox {
            x: left.max(0) as u32,
            y: top.max(0) as u32,
            width: (right - left).max(0) as u32,
            height: (bottom - top).max(0) as u32,
        })
    }

    fn confidence(iterator: &ResultIterator, level: Level) -> f32 {
        iterator
            .confidence(level)
            .map_or(0.0, |c| c.max(0.0) / 100.0)
    }

    /// Walks the page symbol by symbol, opening a word, line, paragraph or block wherever
    /// Tesseract says one begins.
    fn read_words(
        iterator: &ResultIterator,
        alternatives: bool,
        resolution: u32,
    ) -> Result<Vec<OcrWord>, String> {
        let handle = *iterator
            .handle
            .lock()
            .map_err(|_| "Tesseract's result iterator is unusable".to_owned())?;
        // SAFETY: `handle` is the live result iterator `iterator` owns; a result iterator is a
        // page iterator in Tesseract's class hierarchy, and the C API hands out that view.
        let page_iterator = unsafe { TessResultIteratorGetPageIterator(handle) } as *const c_void;
        let begins = |level: Level| {
            // SAFETY: as above; the call only reads the iterator's position.
            unsafe { TessPageIteratorIsAtBeginningOf(page_iterator, level as c_int) != 0 }
        };
        let mut words: Vec<OcrWord> = Vec::new();
        let (mut block, mut paragraph, mut line) = (0u32, 0u32, 0u32);
        loop {
            if begins(Level::RIL_BLOCK) {
                block += 1;
            }
            if begins(Level::RIL_PARA) {
                paragraph += 1;
            }
            if begins(Level::RIL_TEXTLINE) {
                line += 1;
            }
            if begins(Level::RIL_WORD) {
                if let (Ok(text), Some(bbox)) = (
                    iterator.get_utf8_text(Level::RIL_WORD),
                    bbox(iterator, Level::RIL_WORD),
                ) {
                    words.push(OcrWord {
                        block,
                        paragraph,
                        line,
                        text: text.trim().to_owned(),
                        bbox,
                        confidence: confidence(iterator, Level::RIL_WORD),
                        baseline: baseline(page_iterator),
                        font_size: font_size(handle, resolution),
                        symbols: Vec::new(),
                    });
                }
            }
            if let (Some(word), Ok(text), Some(bbox)) = (
                words.last_mut(),
                iterator.get_utf8_text(Level::RIL_SYMBOL),
                bbox(iterator, Level::RIL_SYMBOL),
            ) {
                let choices = if alternatives {
                    choices(iterator)
                } else {
                    Vec::new()
                };
                word.symbols.push(OcrSymbol {
                    text,
                    bbox,
                    confidence: confidence(iterator, Level::RIL_SYMBOL),
                    choices,
                });
            }
            if !iterator.next(Level::RIL_SYMBOL).unwrap_or(false) {
                break;
            }
        }
        words.retain(|w| !w.text.is_empty());
        Ok(words)
    }

    fn baseline(page_iterator: *const c_void) -> Option<Baseline> {
        let (mut x1, mut y1, mut x2, mut y2) = (0, 0, 0, 0);
        // SAFETY: a live page iterator and four out-parameters.
        let found = unsafe {
            TessPageIteratorBaseline(
                page_iterator,
                Level::RIL_WORD as c_int,
                &mut x1,
                &mut y1,
                &mut x2,
                &mut y2,
            )
        };
        (found != 0).then_some(Baseline { x1, y1, x2, y2 })
    }

    /// The row height in pixels, from the point size Tesseract sets even when, as with its LSTM
    /// models, it knows no font name.
    fn font_size(handle: *mut c_void, resolution: u32) -> Option<u32> {
        let mut flags = [0 as c_int; 6];
        let (mut pointsize, mut font_id) = (0, 0);
        let [bold, italic, underlined, monospace, serif, smallcaps] = &mut flags;
        // SAFETY: a live result iterator and out-parameters; the returned name is not used.
        unsafe {
            TessResultIteratorWordFontAttributes(
                handle,
                bold,
                italic,
                underlined,
                monospace,
                serif,
                smallcaps,
                &mut pointsize,
                &mut font_id,
            );
        }
        let pixels = (pointsize as f32 * resolution as f32 / 72.0).round() as u32;
        (pixels > 0).then_some(pixels)
    }

    fn choices(iterator: &ResultIterator) -> Vec<Choice> {
        let Ok(choice) = iterator.get_choice_iterator() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        loop {
            if let Ok(text) = choice.get_utf8_text() {
                let confidence = choice.confidence().unwrap_or(0.0).max(0.0) / 100.0;
                out.push(Choice {
                    text,
                    confidence: (confidence * 1000.0).round() / 1000.0,
                });
            }
            if !choice.next().unwrap_or(false) {
                return out;
            }
        }
    }
}

#[cfg(not(feature = "ocr"))]
pub fn run(
    _image: &image::GrayImage,
    _language: &str,
    _alternatives: bool,
) -> Result<Vec<OcrWord>, String> {
    Err(
        "this vanban was built without OCR (the `ocr` feature); rebuild with default features to \
         read images and scanned PDFs"
            .to_owned(),
    )
}
