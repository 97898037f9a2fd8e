//! Rendering of Nix floats, exactly as Nix 2.8 does it.
//!
//! Nix 2.8 renders a float in three ways:
//!
//! - [`format_float_display`]: value printing (`nix-instantiate --eval`,
//!   `nix repl`, error messages). This is a C++ `ostream <<` with default
//!   flags, i.e. `printf("%g")`: 6 significant digits, trailing zeros removed,
//!   scientific notation when the exponent is below -4 or at least 6.
//! - [`format_float_to_string`]: `builtins.toString` (`std::to_string`, i.e.
//!   `printf("%f")`: fixed notation, always 6 decimals).
//! - [`format_float_json`]: `builtins.toJSON`, which in Nix 2.8 also goes
//!   through `ostream <<` and so is identical to the display form (including
//!   the non-JSON `inf` and `nan`).
//!
//! Non-finite values print like glibc: `inf`, `-inf`, `nan`, and `-nan` for a
//! NaN whose sign bit is set (which is what `inf - inf` yields on x86-64).
//! Everything is computed in Rust, independently of the C locale.

/// Renders the sign and name of a non-finite value, or `None` if finite.
fn non_finite(x: f64) -> Option<String> {
    if x.is_nan() {
        Some(if x.is_sign_negative() { "-nan" } else { "nan" }.to_owned())
    } else if x.is_infinite() {
        Some(if x < 0.0 { "-inf" } else { "inf" }.to_owned())
    } else {
        None
    }
}

/// Removes trailing zeros after a decimal point, and the point itself if
/// nothing remains after it (the `%g` clean-up).
fn strip_fraction_zeros(s: &mut String) {
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
}

/// Formats `x` like C's `printf("%.*g", precision, x)` for finite `x`.
fn format_g(x: f64, precision: usize) -> String {
    let p = precision.max(1);
    if x == 0.0 {
        return if x.is_sign_negative() { "-0" } else { "0" }.to_owned();
    }
    // Round to `p` significant digits once to learn the decimal exponent.
    let sci = format!("{:.*e}", p - 1, x);
    let (mantissa, exp) = match sci.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (sci.as_str(), 0),
    };
    let p_i32 = i32::try_from(p).unwrap_or(i32::MAX);
    if exp >= -4 && exp < p_i32 {
        // Fixed notation with p - 1 - exp decimals (non-negative here).
        let decimals = usize::try_from(p_i32 - 1 - exp).unwrap_or(0);
        let mut s = format!("{:.*}", decimals, x);
        strip_fraction_zeros(&mut s);
        s
    } else {
        let mut m = mantissa.to_owned();
        strip_fraction_zeros(&mut m);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{m}e{sign}{:02}", exp.unsigned_abs())
    }
}

/// Formats a float as Nix 2.8 prints values (`nix-instantiate --eval`).
///
/// Equivalent to `printf("%g")`: `0.1 + 0.2` → `0.3`, `1.0` → `1`,
/// `1.0e20` → `1e+20`, `1.5e-7` → `1.5e-07`, `123456789.0` → `1.23457e+08`,
/// `-0.0` → `-0`.
pub fn format_float_display(x: f64) -> String {
    non_finite(x).unwrap_or_else(|| format_g(x, 6))
}

/// Formats a float as `builtins.toString` does in Nix 2.8 (`printf("%f")`).
///
/// `1.5` → `1.500000`, `1.5e-7` → `0.000000`, `-0.0` → `-0.000000`,
/// `1.0e20` → `100000000000000000000.000000`.
pub fn format_float_to_string(x: f64) -> String {
    if let Some(s) = non_finite(x) {
        return s;
    }
    let s = format!("{:.6}", x);
    // C keeps the sign of negative values that round to zero (and of -0.0).
    if x.is_sign_negative() && !s.starts_with('-') {
        format!("-{s}")
    } else {
        s
    }
}

/// Formats a float as `builtins.toJSON` does in Nix 2.8.
///
/// Nix 2.8 writes floats to JSON with the same `ostream <<` as value printing,
/// so this is [`format_float_display`]: `0.1` → `0.1`, `1.0e20` → `1e+20`,
/// `1.0` → `1`, and non-finite values give the (invalid JSON) `inf`/`nan`.
pub fn format_float_json(x: f64) -> String {
    format_float_display(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (value, display / toJSON, toString) from `nix-instantiate --eval`
    /// (Nix 2.8).
    const ORACLE: &[(f64, &str, &str)] = &[
        (0.1 + 0.2, "0.3", "0.300000"),
        (1.0, "1", "1.000000"),
        (1.0e20, "1e+20", "100000000000000000000.000000"),
        (1.5e-7, "1.5e-07", "0.000000"),
        (0.0, "0", "0.000000"),
        (-0.0, "-0", "-0.000000"),
        (1.0e-5, "1e-05", "0.000010"),
        (123456789.0, "1.23457e+08", "123456789.000000"),
        (0.000001, "1e-06", "0.000001"),
        (1.0e21, "1e+21", "1000000000000000000000.000000"),
        (100000.0, "100000", "100000.000000"),
        (1000000.0, "1e+06", "1000000.000000"),
        (999999.5, "1e+06", "999999.500000"),
        (0.0001, "0.0001", "0.000100"),
        (0.00001234, "1.234e-05", "0.000012"),
        (1.23456789, "1.23457", "1.234568"),
        (2.5, "2.5", "2.500000"),
        (1234567.0, "1.23457e+06", "1234567.000000"),
        (123456.5, "123456", "123456.500000"),
        (-2.0, "-2", "-2.000000"),
        (
            1.5e300,
            "1.5e+300",
            "1500000000000000078757140382806630373056702871662238732373781173267703686983362293679557062620671796065556665749325817265413784853040645863467188277180060474272580801389863705606745350692182135089053429852456199917621678558451461320111979114170213741868888183230085264257173504208294580298189100810240.000000",
        ),
        (f64::INFINITY, "inf", "inf"),
        (f64::NEG_INFINITY, "-inf", "-inf"),
        (
            1.0e100,
            "1e+100",
            "10000000000000000159028911097599180468360808563945281389781327557747838772170381060813469985856815104.000000",
        ),
    ];

    #[test]
    fn display_and_json_match_nix() {
        for (x, display, _) in ORACLE {
            assert_eq!(format_float_display(*x), *display, "display {x:e}");
            assert_eq!(format_float_json(*x), *display, "toJSON {x:e}");
        }
    }

    #[test]
    fn to_string_matches_nix() {
        for (x, _, to_string) in ORACLE {
            assert_eq!(format_float_to_string(*x), *to_string, "toString {x:e}");
        }
    }

    #[test]
    fn nan_sign() {
        // `let i = 1.0e308 * 10.0; in i - i` prints `-nan` in Nix 2.8 on
        // x86-64 (the default NaN has its sign bit set).
        let neg_nan = f64::from_bits(0xfff8_0000_0000_0000);
        assert_eq!(format_float_display(neg_nan), "-nan");
        assert_eq!(format_float_to_string(neg_nan), "-nan");
        assert_eq!(format_float_json(neg_nan), "-nan");
        assert_eq!(
            format_float_display(f64::from_bits(0x7ff8_0000_0000_0000)),
            "nan"
        );
    }

    #[test]
    fn g_edge_cases() {
        // Boundaries of fixed vs scientific notation, as C's %g.
        assert_eq!(format_float_display(0.0001), "0.0001");
        assert_eq!(format_float_display(0.00009999995), "0.0001");
        assert_eq!(format_float_display(0.00009), "9e-05");
        assert_eq!(format_float_display(999999.0), "999999");
        assert_eq!(format_float_display(-1.5e-7), "-1.5e-07");
        assert_eq!(format_float_display(f64::MAX), "1.79769e+308");
        assert_eq!(format_float_display(5e-324), "4.94066e-324");
        assert_eq!(format_float_to_string(-1e-9), "-0.000000");
        assert_eq!(format_float_to_string(0.0000005), "0.000000");
        assert_eq!(format_float_to_string(0.0000015), "0.000002");
    }
}
