//! ToUnicode CMaps: the `bfchar` and `bfrange` tables that map a font's codes to text.
//!
//! Only the parts of the CMap syntax that ToUnicode streams use are read; code lengths come from
//! the font (one byte for simple fonts, two for Identity-H), so `codespacerange` is not needed.

use std::collections::HashMap;

/// Codes to the text they stand for.
#[derive(Debug, Default, Clone)]
pub struct ToUnicode {
    chars: HashMap<u32, String>,
    /// `(first, last, first's text)`: later codes add their offset to the last UTF-16 unit.
    ranges: Vec<(u32, u32, Vec<u16>)>,
}

impl ToUnicode {
    pub fn parse(stream: &[u8]) -> Self {
        let tokens = tokenize(stream);
        let mut map = ToUnicode::default();
        let mut i = 0;
        while i < tokens.len() {
            match &tokens[i] {
                Token::Keyword(k) if k == "beginbfchar" => {
                    i += 1;
                    while let [Token::Hex(code), Token::Hex(text), ..] = &tokens[i..] {
                        map.chars.insert(code_value(code), utf16_text(&units(text)));
                        i += 2;
                    }
                }
                Token::Keyword(k) if k == "beginbfrange" => {
                    i += 1;
                    loop {
                        match &tokens[i..] {
                            [Token::Hex(lo), Token::Hex(hi), Token::Hex(text), ..] => {
                                let (lo, hi) = (code_value(lo), code_value(hi));
                                if lo <= hi {
                                    map.ranges.push((lo, hi, units(text)));
                                }
                                i += 3;
                            }
                            [Token::Hex(lo), Token::Hex(_), Token::ArrayStart, ..] => {
                                let lo = code_value(lo);
                                i += 3;
                                let mut code = lo;
                                while let Some(Token::Hex(text)) = tokens.get(i) {
                                    map.chars.insert(code, utf16_text(&units(text)));
                                    code += 1;
                                    i += 1;
                                }
                                i += usize::from(matches!(tokens.get(i), Some(Token::ArrayEnd)));
                            }
                            _ => break,
                        }
                    }
                }
                _ => i += 1,
            }
        }
        map.ranges.sort_by_key(|r| r.0);
        map
    }

    /// The text of `code`, when the map has it.
    pub fn get(&self, code: u32) -> Option<String> {
        if let Some(text) = self.chars.get(&code) {
            return Some(text.clone());
        }
        let index = self.ranges.partition_point(|r| r.0 <= code);
        let (lo, hi, first) = self.ranges[..index].iter().rev().find(|r| r.1 >= code)?;
        debug_assert!(*lo <= code && code <= *hi);
        let mut units = first.clone();
        let last = units.last_mut()?;
        *last = last.wrapping_add((code - lo) as u16);
        Some(utf16_text(&units))
    }

    /// Every code the map gives a text, with the text (ranges bounded to the two-byte space).
    pub fn entries(&self) -> impl Iterator<Item = (u32, String)> + '_ {
        self.chars
            .iter()
            .map(|(code, text)| (*code, text.clone()))
            .chain(self.ranges.iter().flat_map(|(lo, hi, _)| {
                (*lo..=(*hi).min(lo + 0xFFFF)).filter_map(|c| Some((c, self.get(c)?)))
            }))
    }
}

fn code_value(bytes: &[u8]) -> u32 {
    bytes.iter().take(4).fold(0, |v, &b| v << 8 | u32::from(b))
}

fn units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks(2)
        .map(|pair| match pair {
            [hi, lo] => u16::from(*hi) << 8 | u16::from(*lo),
            [single] => u16::from(*single),
            _ => 0,
        })
        .collect()
}

fn utf16_text(units: &[u16]) -> String {
    char::decode_utf16(units.iter().copied())
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

#[derive(Debug, PartialEq)]
enum Token {
    Hex(Vec<u8>),
    ArrayStart,
    ArrayEnd,
    Keyword(String),
}

/// The hex strings, brackets and keywords of a CMap; names, numbers, dictionaries and literal
/// strings come out as keywords or are skipped, since the tables never use them.
fn tokenize(stream: &[u8]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < stream.len() {
        match stream[i] {
            b'%' => {
                while i < stream.len() && !matches!(stream[i], b'\n' | b'\r') {
                    i += 1;
                }
            }
            b'<' if stream.get(i + 1) == Some(&b'<') => i += 2,
            b'>' if stream.get(i + 1) == Some(&b'>') => i += 2,
            b'<' => {
                let end = stream[i..]
                    .iter()
                    .position(|&b| b == b'>')
                    .map_or(stream.len(), |p| i + p);
                let digits: Vec<u8> = stream[i + 1..end]
                    .iter()
                    .filter_map(|&b| (b as char).to_digit(16).map(|d| d as u8))
                    .collect();
                let bytes = digits
                    .chunks(2)
                    .map(|pair| pair[0] << 4 | pair.get(1).copied().unwrap_or(0))
                    .collect();
                tokens.push(Token::Hex(bytes));
                i = end + 1;
            }
            b'[' => {
                tokens.push(Token::ArrayStart);
                i += 1;
            }
            b']' => {
                tokens.push(Token::ArrayEnd);
                i += 1;
            }
            b'(' => {
                let mut depth = 0;
                while i < stream.len() {
                    match stream[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
            }
            b if b.is_ascii_whitespace() => i += 1,
            _ => {
                let start = i;
                while i < stream.len()
                    && !stream[i].is_ascii_whitespace()
                    && !b"<>[]()%/".contains(&stream[i])
                {
                    i += 1;
                }
                if i == start {
                    i += 1;
                } else {
                    tokens.push(Token::Keyword(
                        String::from_utf8_lossy(&stream[start..i]).into_owned(),
                    ));
                }
            }
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_chars_ranges_and_arrays() {
        let cmap = ToUnicode::parse(
            b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
              1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
              2 beginbfchar <0003> <0020> <0011> <1EA1> endbfchar\n\
              2 beginbfrange <0024> <0026> <0041> <0030> <0031> [<0111> <00660069>] endbfrange\n\
              endcmap",
        );
        assert_eq!(cmap.get(0x03).as_deref(), Some(" "));
        assert_eq!(cmap.get(0x11).as_deref(), Some("ạ"));
        assert_eq!(cmap.get(0x26).as_deref(), Some("C"));
        assert_eq!(cmap.get(0x30).as_deref(), Some("đ"));
        assert_eq!(cmap.get(0x31).as_deref(), Some("fi"));
        assert_eq!(cmap.get(0x27), None);
    }
}
