//! Dictionary candidates: each token's slot in the lattice, with the syllables its stripped form
//! can stand for (OCR input asks [`super::ocr_candidates`] instead), and the words the code grammar pins
//! (`Thong tri so 24-TT/TU`: *Thông tri*).

use super::codes::EthTable;
use super::ocr_candidates::ocr_lang;
use super::roles::{self, is_kept_as_written};
use super::tokenize::{Token, TokenKind};
use super::{resegment, RestoreOptions, RestoreWorker, Restorer, Slot};
use crate::model::format::{pack_key, NUM, UNK};
use crate::orthography as syllable;
use crate::parse::codes::{skeleton, CODES};
use crate::parse::references::symbol_type;
use crate::text::strip::strip_char;

impl RestoreWorker<'_> {
    /// Candidate ids of a word token, and whether they came from its stripped form.
    fn candidates(&mut self, word: &str) -> (bool, Option<(u32, u32)>) {
        let restorer = self.restorer;
        let Some(accented) = self.strip_into_key(word) else {
            return (false, None);
        };
        if accented {
            self.lower.clear();
            self.lower.extend(word.chars().flat_map(char::to_lowercase));
            let id = syllable::canonical(&self.lower)
                .and_then(|form| restorer.accented.get(form.as_str()).copied());
            return (false, id.map(|id| (u32::from(id), u32::MAX)));
        }
        (true, self.key_form())
    }

    /// Fills `self.key` with the letters of `word` stripped of their marks, lowercase; returns
    /// whether any had a mark, or `None` when `word` is no run of at most 8 letters.
    pub(super) fn strip_into_key(&mut self, word: &str) -> Option<bool> {
        self.key.clear();
        let mut accented = false;
        for c in word.chars() {
            let base = strip_char(c);
            accented |= base != c;
            if !base.is_ascii_alphabetic() || self.key.len() == 8 {
                return None;
            }
            self.key.push(base.to_ascii_lowercase() as u8);
        }
        Some(accented)
    }

    /// The candidate range of the stripped form in `self.key`, if it is one.
    pub(super) fn key_form(&self) -> Option<(u32, u32)> {
        pack_key(&self.key).and_then(|key| self.restorer.forms.get(&key).copied())
    }

    /// Fills the slots, candidates and channel costs of a segment.
    pub(super) fn build_lattice(&mut self, text: &str, tokens: &[Token], options: &RestoreOptions) {
        let restorer = self.restorer;
        self.slots.clear();
        self.cand_ids.clear();
        self.channel.clear();
        self.ranges.clear();
        let channel = ocr_lang(options.input_kind).map(|lang| restorer.confusion.channel(lang));
        for (t, token) in tokens.iter().enumerate() {
            if let (Some(channel), TokenKind::Word) = (channel, token.kind) {
                let start = self.cand_ids.len() as u32;
                self.channel.resize(self.cand_ids.len(), 0);
                // List letters are kept, or follow their list (`roles::list_letters`): as words
                // they would become syllables (`c)` → `e)`).
                let free = !is_kept_as_written(text, token)
                    && !roles::is_list_letter(text, token.start, token.end);
                if free {
                    let word = &text[token.start..token.end];
                    let joined;
                    let word = if word.contains(' ') {
                        joined = resegment::joined(word);
                        &joined
                    } else {
                        word
                    };
                    self.ocr.candidates(
                        restorer,
                        channel,
                        word,
                        &mut self.cand_ids,
                        &mut self.channel,
                    );
                    self.add_tesseract_choices(channel, text, token, start as usize);
                    let range = start as usize..self.cand_ids.len();
                    let kept_as_written = self.cand_ids[range.clone()]
                        .iter()
                        .position(|&id| id == UNK)
                        .filter(|_| range.len() > 1 && resegment::touches(tokens, t));
                    if let Some(k) = kept_as_written {
                        self.cand_ids.remove(range.start + k);
                        self.channel.remove(range.start + k);
                    }
                } else {
                    self.cand_ids.push(UNK);
                }
                self.ranges.push((start, self.cand_ids.len() as u32));
                self.slots.push(Slot {
                    token: t as u32,
                    free,
                });
                continue;
            }
            let (free, range) = match token.kind {
                TokenKind::Word if is_kept_as_written(text, token) => (false, None),
                TokenKind::Word => self.candidates(&text[token.start..token.end]),
                TokenKind::Number => (false, Some((u32::from(NUM), u32::MAX))),
                TokenKind::Other => (false, None),
            };
            let start = self.cand_ids.len() as u32;
            match range {
                Some((id, u32::MAX)) => self.cand_ids.push(id as u16),
                Some((a, b)) => self
                    .cand_ids
                    .extend_from_slice(&restorer.candidates[a as usize..b as usize]),
                None => self.cand_ids.push(UNK),
            }
            self.ranges.push((start, self.cand_ids.len() as u32));
            self.slots.push(Slot {
                token: t as u32,
                free: free && range.is_some(),
            });
        }
        self.pin_document_types(text, tokens);
        if channel.is_some() {
            self.channel.resize(self.cand_ids.len(), 0);
        }
    }

    /// Pins the words before a document symbol to the name of the type its code stands for
    /// (`Thong tri so 24-TT/TU`: `Thông tri`, not `Thống trị`; `QUYET DINH SO 42/2017/QD-UBND`),
    /// when they spell that name, and `so` before a number to `số` (`So: 26/2025/TT-BTP`, where
    /// the colon ends the segment before the number). The words are compared by [`skeleton`],
    /// so OCR look-alikes (`s6`, `K&`) match too, and a stripped code by its symbols with their
    /// `Đ` ([`EthTable`]: `QD-UBND` is `QĐ`). Only words restored from their stripped form are
    /// pinned; the decoder then scores their neighbours against them.
    fn pin_document_types(&mut self, text: &str, tokens: &[Token]) {
        let skeleton_of = |i: usize| {
            let token = &tokens[i];
            (token.kind == TokenKind::Word).then(|| skeleton(&text[token.start..token.end]))
        };
        for (t, token) in tokens.iter().enumerate() {
            if skeleton_of(t).as_deref() == Some("so") && precedes_number(&text[token.end..]) {
                self.pin(t, "số");
            }
            if token.kind != TokenKind::Number {
                continue;
            }
            let symbol = &text[token.start..token.end];
            let restored = EthTable::embedded().restore(symbol);
            let symbol = restored.as_ref().map_or(symbol, |(code, _)| code.as_str());
            let Some((system, code)) = symbol_type(symbol) else {
                continue;
            };
            let mut end = t;
            if end > 0 && skeleton_of(end - 1).as_deref() == Some("so") {
                end -= 1;
            }
            let name = CODES.types_by_code(code, system).find(|doc_type| {
                let words = skeleton(&doc_type.word);
                let n = words.split(' ').count();
                end >= n
                    && (end - n..end)
                        .map(skeleton_of)
                        .eq(words.split(' ').map(|w| Some(w.to_owned())))
            });
            if let Some(name) = name {
                let n = name.word.split_whitespace().count();
                for (slot, syllable) in (end - n..).zip(name.word.split_whitespace()) {
                    self.pin(slot, syllable);
                }
            }
        }
    }

    /// Makes `syllable` the only candidate of slot `slot`, if that slot is restored.
    fn pin(&mut self, slot: usize, syllable: &str) {
        if !self.slots[slot].free {
            return;
        }
        let lower = syllable.to_lowercase();
        let id = syllable::canonical(&lower)
            .and_then(|form| self.restorer.accented.get(form.as_str()).copied());
        if let Some(id) = id {
            let at = self.cand_ids.len() as u32;
            self.cand_ids.push(id);
            self.ranges[slot] = (at, at + 1);
        }
    }
}

impl Restorer {
    /// The vocabulary syllable `word` spells with its marks (any case or tone placement).
    pub(super) fn accented_id(&self, word: &str) -> Option<u16> {
        let lower = word.to_lowercase();
        syllable::canonical(&lower).and_then(|form| self.accented.get(form.as_str()).copied())
    }
}

/// Whether `after`, the text after a word, starts with a number: a digit, after spaces and a
/// colon at most (`so 24-TT/TU`, `So: 26/2025/TT-BTP`).
fn precedes_number(after: &str) -> bool {
    let after = after.trim_start_matches([' ', '\t']);
    let after = after.strip_prefix(':').unwrap_or(after);
    after
        .trim_start_matches([' ', '\t'])
        .starts_with(|c: char| c.is_ascii_digit())
}
