//! zlib (RFC 1950) around DEFLATE (RFC 1951), for share links: a small
//! compressor (LZ77 with hash chains, one block of dynamic Huffman codes)
//! and a complete decompressor (stored, fixed and dynamic blocks), so that
//! links made with any zlib, such as the miniz_oxide of earlier pages,
//! still open.
//!
//! Hand-written for size, as `json` is: miniz_oxide was 25 KB of the
//! page's wasm. Speed is not the point here (a link is kilobytes); the
//! decompressor reads a bit at a time, as zlib's reference `puff.c` does.
//! Host tests check both directions against miniz_oxide.

/// Why data did not decompress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// It inflates to more than the limit.
    TooLarge,
    /// Not zlib data, cut short, or altered (the checksum says so).
    Damaged(&'static str),
}

const WINDOW: usize = 32 * 1024;
const MIN_MATCH: usize = 3;
const MAX_MATCH: usize = 258;
/// Candidates tried per position: longer chains find longer matches, slower.
const MAX_CHAIN: usize = 128;

const LENGTH_BASE: [u16; 29] =
    [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA: [u8; 29] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
    8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] =
    [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
/// The order in which a dynamic block lists its code-length code.
const CL_ORDER: [usize; 19] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 bytes is the most that cannot overflow before the modulo.
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    (b << 16) | a
}

// ---- compression ---------------------------------------------------------

/// `data` as a zlib stream.
pub fn compress(data: &[u8]) -> Vec<u8> {
    let tokens = lz77(data);
    let mut lit_freq = [0u32; 286];
    let mut dist_freq = [0u32; 30];
    for &(len, dist) in &tokens {
        if dist == 0 {
            lit_freq[usize::from(len)] += 1;
        } else {
            lit_freq[257 + length_code(len)] += 1;
            dist_freq[dist_code(dist)] += 1;
        }
    }
    lit_freq[256] = 1;
    let lit_len = code_lengths(&lit_freq, 15);
    let dist_len = code_lengths(&dist_freq, 15);
    let hlit = 257.max(lit_len.iter().rposition(|&l| l > 0).map_or(0, |i| i + 1));
    let hdist = 1.max(dist_len.iter().rposition(|&l| l > 0).map_or(0, |i| i + 1));

    // The two codes' lengths, run-length encoded: (symbol, extra bits, count of them).
    let all: Vec<u8> = lit_len[..hlit].iter().chain(&dist_len[..hdist]).copied().collect();
    let mut rle: Vec<(u8, u8, u8)> = Vec::new();
    let mut i = 0;
    while i < all.len() {
        let l = all[i];
        let run = all[i..].iter().take_while(|&&x| x == l).count();
        if l == 0 && run >= 3 {
            let r = run.min(138);
            rle.push(if r >= 11 { (18, (r - 11) as u8, 7) } else { (17, (r - 3) as u8, 3) });
            i += r;
        } else if l != 0 && run >= 4 {
            let r = (run - 1).min(6);
            rle.push((l, 0, 0));
            rle.push((16, (r - 3) as u8, 2));
            i += 1 + r;
        } else {
            rle.push((l, 0, 0));
            i += 1;
        }
    }
    let mut cl_freq = [0u32; 19];
    for &(sym, _, _) in &rle {
        cl_freq[usize::from(sym)] += 1;
    }
    let cl_len = code_lengths(&cl_freq, 7);
    let hclen = 4.max(CL_ORDER.iter().rposition(|&s| cl_len[s] > 0).map_or(0, |i| i + 1));

    let mut out = Bits { out: vec![0x78, 0xDA], buf: 0, n: 0 };
    out.put(1, 1); // the last block
    out.put(2, 2); // dynamic Huffman codes
    out.put((hlit - 257) as u32, 5);
    out.put((hdist - 1) as u32, 5);
    out.put((hclen - 4) as u32, 4);
    for &s in &CL_ORDER[..hclen] {
        out.put(u32::from(cl_len[s]), 3);
    }
    let cl_codes = canonical(&cl_len);
    for &(sym, extra, bits) in &rle {
        out.code(cl_codes[usize::from(sym)], cl_len[usize::from(sym)]);
        out.put(u32::from(extra), u32::from(bits));
    }
    let (lit_codes, dist_codes) = (canonical(&lit_len), canonical(&dist_len));
    for &(len, dist) in &tokens {
        if dist == 0 {
            out.code(lit_codes[usize::from(len)], lit_len[usize::from(len)]);
        } else {
            let (lc, dc) = (length_code(len), dist_code(dist));
            out.code(lit_codes[257 + lc], lit_len[257 + lc]);
            out.put(u32::from(len - LENGTH_BASE[lc]), u32::from(LENGTH_EXTRA[lc]));
            out.code(dist_codes[dc], dist_len[dc]);
            out.put(u32::from(dist - DIST_BASE[dc]), u32::from(DIST_EXTRA[dc]));
        }
    }
    out.code(lit_codes[256], lit_len[256]);
    let mut bytes = out.finish();
    bytes.extend(adler32(data).to_be_bytes());
    bytes
}

/// Literals `(byte, 0)` and matches `(length, distance)`, greedily.
fn lz77(data: &[u8]) -> Vec<(u16, u16)> {
    const NONE: u32 = u32::MAX;
    const HASH_BITS: u32 = 15;
    let hash = |i: usize| {
        let v = u32::from(data[i]) | u32::from(data[i + 1]) << 8 | u32::from(data[i + 2]) << 16;
        (v.wrapping_mul(0x9E37_79B1) >> (32 - HASH_BITS)) as usize
    };
    let mut head = vec![NONE; 1 << HASH_BITS];
    let mut prev = vec![NONE; WINDOW];
    let insert = |i: usize, head: &mut [u32], prev: &mut [u32]| {
        if i + MIN_MATCH <= data.len() {
            let h = hash(i);
            prev[i % WINDOW] = head[h];
            head[h] = i as u32;
        }
    };
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let max = MAX_MATCH.min(data.len() - i);
        let (mut best, mut best_dist) = (0, 0);
        if max >= MIN_MATCH {
            let mut candidate = head[hash(i)];
            let mut chain = MAX_CHAIN;
            while candidate != NONE && chain > 0 {
                let c = candidate as usize;
                if c >= i || i - c > WINDOW {
                    break;
                }
                if data[c + best] == data[i + best] {
                    let len = data[c..c + max].iter().zip(&data[i..i + max]).take_while(|(a, b)| a == b).count();
                    if len > best {
                        (best, best_dist) = (len, i - c);
                        if len == max {
                            break;
                        }
                    }
                }
                candidate = prev[c % WINDOW];
                chain -= 1;
            }
        }
        if best >= MIN_MATCH {
            tokens.push((best as u16, best_dist as u16));
            for j in i..i + best {
                insert(j, &mut head, &mut prev);
            }
            i += best;
        } else {
            tokens.push((u16::from(data[i]), 0));
            insert(i, &mut head, &mut prev);
            i += 1;
        }
    }
    tokens
}

fn length_code(len: u16) -> usize {
    LENGTH_BASE.iter().rposition(|&b| b <= len).expect("lengths are 3 or more")
}

fn dist_code(dist: u16) -> usize {
    DIST_BASE.iter().rposition(|&b| b <= dist).expect("distances are 1 or more")
}

/// Huffman code lengths for `freq`, none longer than `limit`. At least two
/// symbols get a code, so the code is complete (as every inflater wants).
fn code_lengths(freq: &[u32], limit: u8) -> Vec<u8> {
    let mut freq = freq.to_vec();
    for s in 0..2 {
        if freq.iter().filter(|&&f| f > 0).count() < 2 && freq[s] == 0 {
            freq[s] = 1;
        }
    }
    loop {
        let lengths = huffman(&freq);
        if lengths.iter().all(|&l| l <= limit) {
            return lengths;
        }
        // Flatter frequencies, shallower tree; all ones fit any limit here.
        for f in freq.iter_mut().filter(|f| **f > 0) {
            *f = f.div_ceil(2);
        }
    }
}

/// Optimal (unlimited) code lengths: merge the two lightest until one tree.
fn huffman(freq: &[u32]) -> Vec<u8> {
    let n = freq.len();
    let mut weight: Vec<u64> = freq.iter().map(|&f| u64::from(f)).collect();
    let mut parent = vec![usize::MAX; n];
    let mut live: Vec<usize> = (0..n).filter(|&s| freq[s] > 0).collect();
    while live.len() > 1 {
        let take_lightest = |live: &mut Vec<usize>| {
            let at = (0..live.len()).min_by_key(|&k| weight[live[k]]).expect("two or more");
            live.swap_remove(at)
        };
        let (a, b) = (take_lightest(&mut live), take_lightest(&mut live));
        let node = weight.len();
        weight.push(weight[a] + weight[b]);
        parent.push(usize::MAX);
        parent[a] = node;
        parent[b] = node;
        live.push(node);
    }
    (0..n)
        .map(|s| {
            let (mut depth, mut at) = (0u8, s);
            while parent[at] != usize::MAX {
                at = parent[at];
                depth += 1;
            }
            depth
        })
        .collect()
}

/// Canonical codes for `lengths` (RFC 1951, 3.2.2).
fn canonical(lengths: &[u8]) -> Vec<u16> {
    let mut count = [0u16; 16];
    for &l in lengths {
        count[usize::from(l)] += 1;
    }
    count[0] = 0;
    let mut next = [0u16; 16];
    let mut code = 0u16;
    for bits in 1..16 {
        code = (code + count[bits - 1]) << 1;
        next[bits] = code;
    }
    lengths
        .iter()
        .map(|&l| {
            let c = next[usize::from(l)];
            next[usize::from(l)] += 1;
            c
        })
        .collect()
}

/// Bits out, least significant first.
struct Bits {
    out: Vec<u8>,
    buf: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u32, bits: u32) {
        self.buf |= u64::from(value) << self.n;
        self.n += bits;
        while self.n >= 8 {
            self.out.push(self.buf as u8);
            self.buf >>= 8;
            self.n -= 8;
        }
    }

    /// A Huffman code: sent from its most significant bit.
    fn code(&mut self, code: u16, len: u8) {
        let reversed = code.reverse_bits() >> (16 - u32::from(len.max(1)));
        self.put(u32::from(reversed), u32::from(len));
    }

    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.buf as u8);
        }
        self.out
    }
}

// ---- decompression -------------------------------------------------------

/// The data inside a zlib stream, if it is at most `limit` bytes.
///
/// # Errors
/// [`Error::TooLarge`] past `limit`; [`Error::Damaged`] for anything that
/// is not an intact zlib stream.
pub fn decompress(data: &[u8], limit: usize) -> Result<Vec<u8>, Error> {
    let [cmf, flg, ..] = *data else { return Err(Error::Damaged("too short for zlib")) };
    if cmf & 0x0f != 8 || cmf >> 4 > 7 || (u16::from(cmf) << 8 | u16::from(flg)) % 31 != 0 {
        return Err(Error::Damaged("not a zlib header"));
    }
    if flg & 0x20 != 0 {
        return Err(Error::Damaged("needs a preset dictionary"));
    }
    let mut input = Input { data, at: 2, buf: 0, n: 0 };
    let mut out = Vec::new();
    loop {
        let last = input.bits(1)? == 1;
        match input.bits(2)? {
            0 => input.stored(&mut out, limit)?,
            1 => {
                let mut lengths = [8u8; 288];
                lengths[144..256].fill(9);
                lengths[256..280].fill(7);
                let lit = Huffman::new(&lengths)?;
                let dist = Huffman::new(&[5; 30])?;
                input.codes(&mut out, limit, &lit, &dist)?;
            }
            2 => {
                let (lit, dist) = input.dynamic()?;
                input.codes(&mut out, limit, &lit, &dist)?;
            }
            _ => return Err(Error::Damaged("invalid block type")),
        }
        if last {
            break;
        }
    }
    let at = input.at;
    let sum = data.get(at..at + 4).ok_or(Error::Damaged("no checksum"))?;
    if u32::from_be_bytes(sum.try_into().expect("4 bytes")) != adler32(&out) {
        return Err(Error::Damaged("wrong checksum"));
    }
    Ok(out)
}

struct Huffman {
    /// Codes of each length.
    count: [u16; 16],
    /// Symbols in code order.
    symbol: Vec<u16>,
}

impl Huffman {
    fn new(lengths: &[u8]) -> Result<Huffman, Error> {
        let mut count = [0u16; 16];
        for &l in lengths {
            count[usize::from(l)] += 1;
        }
        let mut left = 1i32;
        for &c in &count[1..] {
            left = (left << 1) - i32::from(c);
            if left < 0 {
                return Err(Error::Damaged("over-subscribed code"));
            }
        }
        let mut offset = [0u16; 16];
        for len in 1..15 {
            offset[len + 1] = offset[len] + count[len];
        }
        let mut symbol = vec![0; lengths.len()];
        for (s, &l) in lengths.iter().enumerate() {
            if l != 0 {
                symbol[usize::from(offset[usize::from(l)])] = s as u16;
                offset[usize::from(l)] += 1;
            }
        }
        Ok(Huffman { count, symbol })
    }
}

struct Input<'a> {
    data: &'a [u8],
    at: usize,
    buf: u32,
    n: u32,
}

impl Input<'_> {
    fn bits(&mut self, need: u32) -> Result<u32, Error> {
        let mut value = self.buf;
        while self.n < need {
            let byte = *self.data.get(self.at).ok_or(Error::Damaged("cut short"))?;
            self.at += 1;
            value |= u32::from(byte) << self.n;
            self.n += 8;
        }
        self.buf = value >> need;
        self.n -= need;
        Ok(value & ((1 << need) - 1))
    }

    fn decode(&mut self, h: &Huffman) -> Result<usize, Error> {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for len in 1..16 {
            code |= self.bits(1)? as i32;
            let count = i32::from(h.count[len]);
            if code - count < first {
                return Ok(usize::from(h.symbol[(index + code - first) as usize]));
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        Err(Error::Damaged("invalid code"))
    }

    fn stored(&mut self, out: &mut Vec<u8>, limit: usize) -> Result<(), Error> {
        (self.buf, self.n) = (0, 0);
        let header = self.data.get(self.at..self.at + 4).ok_or(Error::Damaged("cut short"))?;
        let len = u16::from_le_bytes([header[0], header[1]]);
        if u16::from_le_bytes([header[2], header[3]]) != !len {
            return Err(Error::Damaged("stored block's length does not match its complement"));
        }
        self.at += 4;
        let bytes = self.data.get(self.at..self.at + usize::from(len)).ok_or(Error::Damaged("cut short"))?;
        if out.len() + bytes.len() > limit {
            return Err(Error::TooLarge);
        }
        out.extend_from_slice(bytes);
        self.at += usize::from(len);
        Ok(())
    }

    fn dynamic(&mut self) -> Result<(Huffman, Huffman), Error> {
        let hlit = self.bits(5)? as usize + 257;
        let hdist = self.bits(5)? as usize + 1;
        let hclen = self.bits(4)? as usize + 4;
        if hlit > 286 || hdist > 30 {
            return Err(Error::Damaged("too many codes"));
        }
        let mut cl_len = [0u8; 19];
        for &s in &CL_ORDER[..hclen] {
            cl_len[s] = self.bits(3)? as u8;
        }
        let cl = Huffman::new(&cl_len)?;
        let mut lengths = vec![0u8; hlit + hdist];
        let mut i = 0;
        while i < lengths.len() {
            let sym = self.decode(&cl)?;
            let (value, repeat) = match sym {
                0..=15 => (sym as u8, 1),
                16 => {
                    let previous = *lengths[..i].last().ok_or(Error::Damaged("a repeat with nothing before it"))?;
                    (previous, 3 + self.bits(2)? as usize)
                }
                17 => (0, 3 + self.bits(3)? as usize),
                _ => (0, 11 + self.bits(7)? as usize),
            };
            let run = lengths.get_mut(i..i + repeat).ok_or(Error::Damaged("too many code lengths"))?;
            run.fill(value);
            i += repeat;
        }
        if lengths[256] == 0 {
            return Err(Error::Damaged("no end-of-block code"));
        }
        Ok((Huffman::new(&lengths[..hlit])?, Huffman::new(&lengths[hlit..])?))
    }

    fn codes(&mut self, out: &mut Vec<u8>, limit: usize, lit: &Huffman, dist: &Huffman) -> Result<(), Error> {
        loop {
            let sym = self.decode(lit)?;
            if sym < 256 {
                if out.len() == limit {
                    return Err(Error::TooLarge);
                }
                out.push(sym as u8);
                continue;
            }
            if sym == 256 {
                return Ok(());
            }
            let lc = sym - 257;
            let len = match (LENGTH_BASE.get(lc), LENGTH_EXTRA.get(lc)) {
                (Some(&base), Some(&extra)) => usize::from(base) + self.bits(u32::from(extra))? as usize,
                _ => return Err(Error::Damaged("invalid length code")),
            };
            let dc = self.decode(dist)?;
            let distance = match (DIST_BASE.get(dc), DIST_EXTRA.get(dc)) {
                (Some(&base), Some(&extra)) => usize::from(base) + self.bits(u32::from(extra))? as usize,
                _ => return Err(Error::Damaged("invalid distance code")),
            };
            if distance > out.len() {
                return Err(Error::Damaged("distance before the start"));
            }
            if out.len() + len > limit {
                return Err(Error::TooLarge);
            }
            let from = out.len() - distance;
            for k in 0..len {
                out.push(out[from + k]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn json_like(n: usize) -> Vec<u8> {
        let mut s = String::new();
        for i in 0..n {
            s.push_str(&format!(
                r#"{{"index":{i},"label":"≤ 1000000: {}…{}","worker":{},"start_ms":{:?},"end_ms":{:?}}},"#,
                i * 250_000 + 1,
                (i + 1) * 250_000,
                i % 3,
                i as f64 * 1.37,
                i as f64 * 2.11 + 0.5
            ));
        }
        s.into_bytes()
    }

    #[test]
    fn round_trips_and_miniz_reads_it_and_it_reads_miniz() {
        let inputs: Vec<Vec<u8>> = vec![
            vec![],
            b"a".to_vec(),
            b"ab".to_vec(),
            vec![0; 100_000],
            (0..=255).collect(),
            json_like(2000),
            (0..70_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect(),
        ];
        for data in inputs {
            let packed = compress(&data);
            assert_eq!(decompress(&packed, usize::MAX).unwrap(), data);
            assert_eq!(miniz_oxide::inflate::decompress_to_vec_zlib(&packed).unwrap(), data);
            for level in [0, 1, 6, 9] {
                let theirs = miniz_oxide::deflate::compress_to_vec_zlib(&data, level);
                assert_eq!(decompress(&theirs, usize::MAX).unwrap(), data, "miniz level {level}");
            }
        }
    }

    #[test]
    fn compresses_json_about_as_well_as_miniz() {
        let data = json_like(2000);
        let (ours, theirs) = (compress(&data).len(), miniz_oxide::deflate::compress_to_vec_zlib(&data, 9).len());
        assert!(ours * 100 <= theirs * 115, "{ours} bytes against miniz's {theirs}");
    }

    #[test]
    fn refuses_damage_and_stops_at_the_limit() {
        let data = json_like(50);
        let packed = compress(&data);
        assert_eq!(decompress(&packed, data.len()).unwrap(), data);
        assert_eq!(decompress(&packed, data.len() - 1), Err(Error::TooLarge));
        assert!(matches!(decompress(&packed[..packed.len() - 1], usize::MAX), Err(Error::Damaged(_))));
        assert!(matches!(decompress(&packed[..packed.len() / 2], usize::MAX), Err(Error::Damaged(_))));
        assert!(matches!(decompress(&[0x78], usize::MAX), Err(Error::Damaged(_))));
        assert!(matches!(decompress(&[0x78, 0x9D, 3, 0], usize::MAX), Err(Error::Damaged("not a zlib header"))));
        let mut flipped = packed.clone();
        let end = flipped.len() - 4;
        flipped[end] ^= 1;
        assert_eq!(decompress(&flipped, usize::MAX), Err(Error::Damaged("wrong checksum")));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn any_bytes_round_trip(data in proptest::collection::vec(proptest::sample::select(b"ab{}\":,0123 ".to_vec()), 0..3000)) {
            let packed = compress(&data);
            prop_assert_eq!(decompress(&packed, usize::MAX).unwrap(), data.clone());
            prop_assert_eq!(miniz_oxide::inflate::decompress_to_vec_zlib(&packed).unwrap(), data);
        }

        #[test]
        fn any_damage_is_an_error_or_what_miniz_reads(data in proptest::collection::vec(any::<u8>(), 0..300), at in any::<usize>(), bit in 0u8..8) {
            let mut packed = compress(&data);
            let i = at % packed.len();
            packed[i] ^= 1 << bit;
            // Never a panic; when it reads, miniz reads the same.
            if let Ok(out) = decompress(&packed, 1 << 20) {
                prop_assert_eq!(miniz_oxide::inflate::decompress_to_vec_zlib(&packed).ok(), Some(out));
            }
        }

        #[test]
        fn any_input_never_panics(data in proptest::collection::vec(any::<u8>(), 0..300)) {
            let mut framed = vec![0x78, 0xDA];
            framed.extend(&data);
            let _ = decompress(&framed, 1 << 16);
            let _ = decompress(&data, 1 << 16);
        }
    }
}
