//! Parsing directives into structured data: document metadata ([`document`]), every date
//! expression ([`dates`]) and every reference to another document ([`references`]), with
//! entities merging the mentions of one cited document ([`entities`]).
//!
//! The parser works on the normalized (and restored) text; every value it reports carries a
//! [`Span`] made by the caller's mapper, so spans point into both that text and the raw input.

pub mod codes;
pub mod dates;
pub mod document;
pub mod entities;
mod header;
mod issuer_names;
pub mod references;
mod relations;
mod signature;

use serde::Serialize;

use crate::document::Span;

pub use codes::System;
pub use dates::FoundDate;
pub use document::DocumentMeta;
pub use entities::Entity;
pub use references::Reference;

/// Everything the parser found in one document.
#[derive(Debug, Clone, Serialize)]
pub struct Parsed {
    pub document: DocumentMeta,
    pub dates: Vec<FoundDate>,
    pub references: Vec<Reference>,
    pub entities: Vec<Entity>,
}

/// Parses `text`; `span` turns char offsets of `text` into spans (with raw offsets, page, line).
pub fn parse(text: &str, span: &dyn Fn(usize, usize) -> Span) -> Parsed {
    let index = CharIndex::new(text);
    let mut dates = dates::find(text, &index);
    let document = document::parse(text, &index, &dates, span);
    let mut references = references::find(text, &index, &mut dates, &document, span);
    for date in &mut dates {
        date.span = span(date.start, date.end);
        date.surface = index.slice(text, date.start, date.end).to_owned();
    }
    let entities = entities::of_document(&mut references);
    Parsed {
        document,
        dates,
        references,
        entities,
    }
}

/// Spans for text that is its own raw input (`vanban parse`, tests).
pub fn plain_span(text: &str) -> impl Fn(usize, usize) -> Span + '_ {
    let index = CharIndex::new(text);
    move |start, end| {
        let line = 1 + index.slice(text, 0, start).matches('\n').count() as u32;
        Span {
            start,
            end,
            raw_start: start,
            raw_end: end,
            page: Some(1),
            line: Some(line),
        }
    }
}

/// Converts between byte offsets (what `regex` reports) and char offsets (what the JSON uses).
#[derive(Debug, Clone)]
pub struct CharIndex {
    /// Byte offset of every char, then the text's length.
    starts: Vec<usize>,
    /// Char offset of every line's start, so finding one is a binary search rather than a scan
    /// back through a line that may be megabytes long.
    line_starts: Vec<usize>,
}

impl CharIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() + 1);
        let mut line_starts = vec![0];
        for (char, (byte, c)) in text.char_indices().enumerate() {
            starts.push(byte);
            if c == '\n' {
                line_starts.push(char + 1);
            }
        }
        starts.push(text.len());
        CharIndex {
            starts,
            line_starts,
        }
    }

    pub fn char_at(&self, byte: usize) -> usize {
        self.starts.partition_point(|&b| b < byte)
    }

    pub fn byte_at(&self, char: usize) -> usize {
        self.starts[char.min(self.starts.len() - 1)]
    }

    pub fn span(&self, byte_start: usize, byte_end: usize) -> (usize, usize) {
        (self.char_at(byte_start), self.char_at(byte_end))
    }

    pub fn slice<'a>(&self, text: &'a str, start: usize, end: usize) -> &'a str {
        &text[self.byte_at(start)..self.byte_at(end.max(start))]
    }

    /// Char offset where the line holding char `at` starts.
    pub fn line_start(&self, at: usize) -> usize {
        let line = self.line_starts.partition_point(|&start| start <= at);
        self.line_starts[line - 1]
    }

    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
