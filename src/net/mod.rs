//! Network access: a small blocking HTTP(S) client (`ureq`) for the few places that
//! download (package index mirrors).

pub mod http;
