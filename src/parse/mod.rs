//! Parsing directives into structured data: document metadata, dates and cross-references.
