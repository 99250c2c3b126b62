//! Restoration of arbitrary UTF-8, in every input kind: no panic, and the output strips back to
//! the input's stripped form with the same number of characters.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use vanban::restore::{InputKind, RestoreOptions, Restorer};
use vanban::text::strip_diacritics;

fn restorer() -> &'static Restorer {
    static RESTORER: OnceLock<Restorer> = OnceLock::new();
    RESTORER.get_or_init(|| Restorer::embedded().expect("embedded model"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for input_kind in [InputKind::Auto, InputKind::Stripped, InputKind::OcrEng] {
        let options = RestoreOptions {
            input_kind,
            ..RestoreOptions::default()
        };
        let restored = restorer().restore_detailed(text, &options);
        assert_eq!(strip_diacritics(&restored.text), strip_diacritics(text));
        assert_eq!(restored.text.chars().count(), text.chars().count());
    }
});
