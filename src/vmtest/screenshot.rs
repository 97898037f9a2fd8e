//! Converting QEMU's screen dumps (binary PPM, `P6`) to PNG.

use std::path::Path;

/// Reads a binary PPM (`P6`, maxval 255) and writes it as an RGB PNG.
pub fn ppm_to_png(ppm: &[u8], png_path: &Path) -> Result<(), String> {
    let (width, height, pixels) = parse_ppm(ppm)?;
    let file = std::fs::File::create(png_path)
        .map_err(|e| format!("cannot create {}: {e}", png_path.display()))?;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder
        .write_header()
        .map_err(|e| format!("cannot write {}: {e}", png_path.display()))?;
    writer
        .write_image_data(pixels)
        .map_err(|e| format!("cannot write {}: {e}", png_path.display()))?;
    writer
        .finish()
        .map_err(|e| format!("cannot write {}: {e}", png_path.display()))
}

/// Splits a `P6` image into width, height and its RGB bytes.
fn parse_ppm(data: &[u8]) -> Result<(u32, u32, &[u8]), String> {
    let mut pos = 0;
    let mut fields = Vec::new();
    while fields.len() < 4 {
        // Skip whitespace and comments between header fields.
        while pos < data.len() && (data[pos].is_ascii_whitespace() || data[pos] == b'#') {
            if data[pos] == b'#' {
                while pos < data.len() && data[pos] != b'\n' {
                    pos += 1;
                }
            } else {
                pos += 1;
            }
        }
        let start = pos;
        while pos < data.len() && !data[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if start == pos {
            return Err("truncated PPM header".into());
        }
        fields.push(String::from_utf8_lossy(&data[start..pos]).into_owned());
    }
    if fields[0] != "P6" {
        return Err(format!("not a binary PPM (magic {:?})", fields[0]));
    }
    let num = |s: &str| {
        s.parse::<u32>()
            .map_err(|_| format!("bad PPM header field {s:?}"))
    };
    let (width, height, maxval) = (num(&fields[1])?, num(&fields[2])?, num(&fields[3])?);
    if maxval != 255 {
        return Err(format!("unsupported PPM maxval {maxval}"));
    }
    let pixels = data.get(pos + 1..).ok_or("truncated PPM")?;
    let size = width as usize * height as usize * 3;
    if pixels.len() < size {
        return Err("truncated PPM data".into());
    }
    Ok((width, height, &pixels[..size]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ppm_becomes_a_png_with_the_same_pixels() {
        let mut ppm = b"P6\n# comment\n2 1\n255\n".to_vec();
        ppm.extend_from_slice(&[255, 0, 0, 0, 0, 255]);
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("s.png");
        ppm_to_png(&ppm, &out).unwrap();
        let decoder =
            png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&out).unwrap()));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (2, 1));
        assert_eq!(&buf[..6], &[255, 0, 0, 0, 0, 255]);
    }

    #[test]
    fn bad_ppm_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(ppm_to_png(b"P3\n1 1\n255\n", &dir.path().join("x.png")).is_err());
        assert!(ppm_to_png(b"P6\n4 4\n255\n\0", &dir.path().join("x.png")).is_err());
    }
}
