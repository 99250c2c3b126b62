//! Writes the synthetic PDFs of `fixtures/pdf/`, one per font or layout case the text-layer
//! reader must handle: `cargo run --example gen-pdf-fixtures` (from the repository root).
//!
//! The fonts are not embedded: text extraction reads only the font dictionaries (encodings,
//! ToUnicode maps, widths), and `pdftotext` reads them the same way.

use std::collections::BTreeMap;

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Dictionary, Document, Object, ObjectId, Stream, StringFormat};
use vanban::text::legacy::from_unicode;
use vanban::text::LegacyEncoding;

/// Width of every glyph, in thousandths of the font size.
const GLYPH_WIDTH: i64 = 500;

/// One line of text: which font, its size, where (points from the page's top-left) and its codes.
struct Placed {
    font: &'static str,
    size: f64,
    x: f64,
    top: f64,
    codes: Vec<u8>,
}

fn placed(font: &'static str, size: f64, x: f64, top: f64, codes: Vec<u8>) -> Placed {
    Placed {
        font,
        size,
        x,
        top,
        codes,
    }
}

struct Builder {
    document: Document,
    pages_id: ObjectId,
    pages: Vec<ObjectId>,
    fonts: Dictionary,
}

const PAGE_HEIGHT: f64 = 842.0;

impl Builder {
    fn new() -> Self {
        let mut document = Document::with_version("1.5");
        let pages_id = document.new_object_id();
        Builder {
            document,
            pages_id,
            pages: Vec::new(),
            fonts: Dictionary::new(),
        }
    }

    fn font(&mut self, name: &str, font: Dictionary) {
        let id = self.document.add_object(font);
        self.fonts.set(name, id);
    }

    fn content(lines: &[Placed]) -> Vec<u8> {
        let mut operations = Vec::new();
        for line in lines {
            operations.push(Operation::new("BT", vec![]));
            operations.push(Operation::new(
                "Tf",
                vec![
                    Object::Name(line.font.as_bytes().to_vec()),
                    line.size.into(),
                ],
            ));
            operations.push(Operation::new(
                "Td",
                vec![line.x.into(), (PAGE_HEIGHT - line.top).into()],
            ));
            operations.push(Operation::new(
                "Tj",
                vec![Object::String(
                    line.codes.clone(),
                    StringFormat::Hexadecimal,
                )],
            ));
            operations.push(Operation::new("ET", vec![]));
        }
        Content { operations }.encode().expect("content encodes")
    }

    fn page(&mut self, lines: &[Placed], annotations: Vec<Object>) {
        let content = self
            .document
            .add_object(Stream::new(dictionary! {}, Self::content(lines)));
        let mut page = dictionary! {
            "Type" => "Page", "Parent" => self.pages_id, "Contents" => content,
            "Resources" => dictionary! { "Font" => self.fonts.clone() },
        };
        if !annotations.is_empty() {
            page.set("Annots", annotations);
        }
        let id = self.document.add_object(page);
        self.pages.push(id);
    }

    /// A signature widget whose appearance stream shows `lines` (font `F1`) in `rect`.
    fn stamp(&mut self, rect: [f64; 4], lines: &[Placed]) -> Object {
        let height = rect[3] - rect[1];
        // The appearance's own coordinates: lines are placed from the box's top.
        let shifted: Vec<Placed> = lines
            .iter()
            .map(|l| {
                placed(
                    l.font,
                    l.size,
                    l.x,
                    l.top + (PAGE_HEIGHT - height),
                    l.codes.clone(),
                )
            })
            .collect();
        let appearance = Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Form",
                "BBox" => vec![0.into(), 0.into(), (rect[2] - rect[0]).into(), height.into()],
                "Resources" => dictionary! { "Font" => self.fonts.clone() },
            },
            Self::content(&shifted),
        );
        let appearance = self.document.add_object(appearance);
        let widget = self.document.add_object(dictionary! {
            "Type" => "Annot", "Subtype" => "Widget", "FT" => "Sig", "F" => 4,
            "Rect" => rect.iter().map(|&v| v.into()).collect::<Vec<Object>>(),
            "AP" => dictionary! { "N" => appearance },
        });
        widget.into()
    }

    fn save(mut self, path: &str) {
        let kids: Vec<Object> = self.pages.iter().map(|&id| id.into()).collect();
        let count = kids.len() as i64;
        self.document.objects.insert(
            self.pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => kids, "Count" => count,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), (PAGE_HEIGHT as i64).into()],
            }),
        );
        let catalog = self
            .document
            .add_object(dictionary! { "Type" => "Catalog", "Pages" => self.pages_id });
        self.document.trailer.set("Root", catalog);
        self.document.compress();
        self.document.save(path).expect("fixture written");
        println!("wrote {path}");
    }
}

/// A CID font (Identity-H, two-byte codes) with a ToUnicode map for the characters of `texts`,
/// and an encoder for them.
struct UnicodeFont {
    codes: BTreeMap<char, u16>,
}

impl UnicodeFont {
    fn new(builder: &mut Builder, name: &str, texts: &[&str]) -> Self {
        let mut codes = BTreeMap::new();
        for c in texts.iter().flat_map(|t| t.chars()) {
            let next = codes.len() as u16 + 1;
            codes.entry(c).or_insert(next);
        }
        let mut cmap = String::from(
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
             /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n\
             1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
        );
        cmap.push_str(&format!("{} beginbfchar\n", codes.len()));
        for (c, code) in &codes {
            let units: String = c
                .encode_utf16(&mut [0; 2])
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            cmap.push_str(&format!("<{code:04X}> <{units}>\n"));
        }
        cmap.push_str("endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end\n");
        let to_unicode = builder
            .document
            .add_object(Stream::new(dictionary! {}, cmap.into_bytes()));
        let descendant = builder.document.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "TimesNewRomanPSMT",
            "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"),
                "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
            "DW" => GLYPH_WIDTH,
        });
        builder.font(
            name,
            dictionary! {
                "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "TimesNewRomanPSMT",
                "Encoding" => "Identity-H", "DescendantFonts" => vec![descendant.into()],
                "ToUnicode" => to_unicode,
            },
        );
        UnicodeFont { codes }
    }

    fn encode(&self, text: &str) -> Vec<u8> {
        text.chars()
            .flat_map(|c| self.codes[&c].to_be_bytes())
            .collect()
    }
}

/// A simple font with one-byte codes and all widths listed.
fn simple_font(subtype: &str, base_font: &str, encoding: Object) -> Dictionary {
    dictionary! {
        "Type" => "Font", "Subtype" => subtype.to_owned(), "BaseFont" => base_font.to_owned(),
        "Encoding" => encoding, "FirstChar" => 0, "LastChar" => 255,
        "Widths" => vec![Object::Integer(GLYPH_WIDTH); 256],
    }
}

fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("a Latin-1 character"))
        .collect()
}

fn legacy_bytes(text: &str, encoding: LegacyEncoding) -> Vec<u8> {
    latin1(&from_unicode(text, encoding).expect("representable"))
}

fn main() {
    let dir = "fixtures/pdf";
    std::fs::create_dir_all(dir).expect("fixtures/pdf");

    // WinAnsiEncoding: the Vietnamese letters Latin-1 has, an en dash and curly quotes from the
    // 0x80 block.
    let mut b = Builder::new();
    b.font(
        "F1",
        simple_font("Type1", "Helvetica", "WinAnsiEncoding".into()),
    );
    let mut codes = latin1("C\u{e1}c t\u{e0}i ch\u{ed}nh v\u{e0} chi ph\u{ed} ");
    codes.extend([0x96, b' ', 0x93]);
    codes.extend(latin1("c\u{f4}ng t\u{e1}c"));
    codes.push(0x94);
    b.page(
        &[
            placed("F1", 12.0, 72.0, 100.0, codes),
            placed(
                "F1",
                12.0,
                72.0,
                120.0,
                latin1("H\u{e0} Giang 2026 cho th\u{ed} sinh"),
            ),
        ],
        vec![],
    );
    b.save(&format!("{dir}/winansi.pdf"));
    // The same file cut in half: no trailer, no cross-reference table.
    let whole = std::fs::read(format!("{dir}/winansi.pdf")).expect("just written");
    std::fs::write(format!("{dir}/truncated.pdf"), &whole[..whole.len() / 2]).expect("written");

    // /Differences with Adobe Glyph List names, uniXXXX and uXXXX names.
    let mut b = Builder::new();
    let differences: Vec<Object> = [
        Object::Integer(1),
        "Ocircumflexdotbelow".into(),
        "Dcroat".into(),
        "ohorn".into(),
        "uni1EC7".into(),
        "u1EDD".into(),
        "uhorn".into(),
        "agrave".into(),
    ]
    .into();
    b.font(
        "F1",
        simple_font(
            "Type1",
            "TimesNewRoman",
            dictionary! { "Type" => "Encoding", "BaseEncoding" => "WinAnsiEncoding",
            "Differences" => differences }
            .into(),
        ),
    );
    // B\1 LAO \2\1NG / Vi\4t ng\6\5i c\3 s\6 k\7
    let line = |s: &[u8]| s.to_vec();
    b.page(
        &[
            placed("F1", 12.0, 72.0, 100.0, line(b"B\x01 LAO \x02\x01NG")),
            placed(
                "F1",
                12.0,
                72.0,
                120.0,
                line(b"Vi\x04t ng\x06\x05i c\x03 s\x06 k\x07"),
            ),
        ],
        vec![],
    );
    b.save(&format!("{dir}/differences.pdf"));

    // Identity-H CID font with a ToUnicode map.
    let mut b = Builder::new();
    let texts = ["BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Số: 51/2025/NĐ-CP"];
    let font = UnicodeFont::new(&mut b, "F1", &texts);
    b.page(
        &[
            placed("F1", 13.0, 72.0, 100.0, font.encode(texts[0])),
            placed("F1", 13.0, 72.0, 120.0, font.encode(texts[1])),
        ],
        vec![],
    );
    b.save(&format!("{dir}/cid-identity-h.pdf"));

    // Legacy fonts: TCVN3 bytes in a `.VnTime` font, VNI bytes in a `VNI-Times` font.
    for (file, base_font, encoding) in [
        ("tcvn3-vntime.pdf", ".VnTime", LegacyEncoding::Tcvn3),
        ("vni-times.pdf", "VNI-Times", LegacyEncoding::VniWindows),
    ] {
        let mut b = Builder::new();
        b.font(
            "F1",
            simple_font("TrueType", base_font, "WinAnsiEncoding".into()),
        );
        b.page(
            &[
                placed(
                    "F1",
                    13.0,
                    72.0,
                    100.0,
                    legacy_bytes("Đảng bộ tỉnh Lai Châu", encoding),
                ),
                placed(
                    "F1",
                    13.0,
                    72.0,
                    120.0,
                    legacy_bytes("Số 302-KH/HU ngày 19 tháng 5 năm 2023", encoding),
                ),
            ],
            vec![],
        );
        b.save(&format!("{dir}/{file}"));
    }

    // A two-column header: issuer and number on the left, motto and place-date on the right, on
    // shared baselines.
    let mut b = Builder::new();
    let texts = [
        "BỘ TÀI CHÍNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 40/2026/TT-BTC",
        "Hà Nội, ngày 5 tháng 3 năm 2026",
        "THÔNG TƯ",
    ];
    let font = UnicodeFont::new(&mut b, "F1", &texts);
    b.page(
        &[
            placed("F1", 13.0, 90.0, 80.0, font.encode(texts[0])),
            placed("F1", 13.0, 260.0, 80.0, font.encode(texts[1])),
            placed("F1", 13.0, 300.0, 96.0, font.encode(texts[2])),
            placed("F1", 13.0, 80.0, 130.0, font.encode(texts[3])),
            placed("F1", 13.0, 290.0, 130.0, font.encode(texts[4])),
            placed("F1", 14.0, 250.0, 170.0, font.encode(texts[5])),
        ],
        vec![],
    );
    b.save(&format!("{dir}/two-column-header.pdf"));

    // Three gazette pages: running head and page number on each, the publisher's signature
    // stamp in a widget annotation on the first.
    let mut b = Builder::new();
    let stamp_lines = [
        "Người ký: Cổng Thông tin điện tử Chính phủ",
        "Email: thongtinchinhphu@chinhphu.vn",
        "Cơ quan: Văn phòng Chính phủ",
        "Thời gian ký: 15.11.2024 16:27:57 +07:00",
    ];
    let body = [
        "CHÍNH PHỦ",
        "Số: 112/2021/NĐ-CP",
        "Hà Nội, ngày 10 tháng 12 năm 2021",
        "NGHỊ ĐỊNH",
        "Điều 1. Phạm vi điều chỉnh",
        "Điều 2. Đối tượng áp dụng",
        "Điều 3. Hiệu lực thi hành",
    ];
    let head = "CÔNG BÁO/Số 1053 + 1054/Ngày 23-12-2021";
    let digits = "0123456789";
    let mut all: Vec<&str> = stamp_lines.to_vec();
    all.extend(body);
    all.push(head);
    all.push(digits);
    let font = UnicodeFont::new(&mut b, "F1", &all);
    for (index, page) in [&body[..4], &body[4..6], &body[6..]]
        .into_iter()
        .enumerate()
    {
        let number = (index + 2).to_string();
        let mut lines = vec![
            placed("F1", 12.0, 164.0, 60.0, font.encode(head)),
            placed(
                "F1",
                12.0,
                if index % 2 == 0 { 64.0 } else { 525.0 },
                60.0,
                font.encode(&number),
            ),
        ];
        for (row, text) in page.iter().enumerate() {
            lines.push(placed(
                "F1",
                13.0,
                80.0,
                120.0 + 24.0 * row as f64,
                font.encode(text),
            ));
        }
        let annotations = if index == 0 {
            let stamp: Vec<Placed> = stamp_lines
                .iter()
                .enumerate()
                .map(|(row, text)| {
                    placed("F1", 6.0, 4.0, 10.0 + 8.0 * row as f64, font.encode(text))
                })
                .collect();
            vec![b.stamp([40.0, PAGE_HEIGHT - 44.0, 300.0, PAGE_HEIGHT], &stamp)]
        } else {
            vec![]
        };
        b.page(&lines, annotations);
    }
    b.save(&format!("{dir}/gazette-furniture.pdf"));

    // A page whose content names a font its resources lack.
    let mut b = Builder::new();
    b.font(
        "F1",
        simple_font("Type1", "Helvetica", "WinAnsiEncoding".into()),
    );
    b.page(
        &[placed("F9", 12.0, 72.0, 100.0, latin1("Missing font"))],
        vec![],
    );
    b.save(&format!("{dir}/missing-font.pdf"));
}
