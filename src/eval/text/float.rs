//! Temporary float formatting; replaced by the text-algorithms branch.

/// Value printing (`%g`-like).
pub fn format_float_display(f: f64) -> String {
    format!("{f}")
}
/// `toString` (`%f`).
pub fn format_float_to_string(f: f64) -> String {
    format!("{f:.6}")
}
/// `toJSON`.
pub fn format_float_json(f: f64) -> String {
    format!("{f}")
}
