//! Real IO a task does besides computing: a download, or files copied in
//! the browser's private file system. The workload says what (an [`Io`]);
//! the mode decides how to wait for it: a blocking call on a thread that
//! may block ([`BlockingIo`], e.g. a synchronous request on a worker), or a
//! future on an event loop (`exec::Host::io`). The content of every byte is
//! known, so each side checks what it got, byte for byte.

/// One task's IO. Its value is the number of bytes moved and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Io {
    /// Download `path` (same origin, relative to the page), expecting
    /// `bytes` bytes of [`fetch_byte`]s.
    Fetch { path: String, bytes: u64 },
    /// Write `name` with `bytes` bytes of [`file_bytes`] for `seed`, copy it,
    /// check the copy against the pattern, delete both.
    Files { name: String, bytes: u64, seed: u64 },
}

impl Io {
    /// Whether it can only be awaited: the private file system opens files
    /// through promises only, which a blocked thread never sees resolve.
    pub fn needs_event_loop(&self) -> bool {
        matches!(self, Io::Files { .. })
    }
}

/// Why a task's IO failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IoError {
    /// A byte differs from the one served or written.
    WrongByte { at: u64, got: u8, expected: u8 },
    /// The download or the copy has the wrong length.
    WrongLength { got: u64, expected: u64 },
    /// This thread cannot block for this IO (the page's own thread, or
    /// files, which have only promises).
    CannotBlock(&'static str),
    /// The browser or the operating system refused, in its words.
    Refused(String),
}

impl std::fmt::Display for IoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IoError::WrongByte { at, got, expected } => write!(f, "byte {at} is {got:#04x}, expected {expected:#04x}"),
            IoError::WrongLength { got, expected } => write!(f, "got {got} bytes, expected {expected}"),
            IoError::CannotBlock(what) => write!(f, "{what} cannot block on this thread"),
            IoError::Refused(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for IoError {}

/// IO that blocks the calling thread until done (a worker thread's view).
pub trait BlockingIo: Send + Sync {
    /// Performs `io` and returns the bytes moved and checked.
    ///
    /// # Errors
    /// The IO failed, its content is wrong, or it cannot block here.
    fn perform(&self, io: &Io) -> Result<u64, IoError>;
}

/// For places without blocking IO (the page's thread cannot do files).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoBlockingIo;

impl BlockingIo for NoBlockingIo {
    fn perform(&self, io: &Io) -> Result<u64, IoError> {
        Err(IoError::CannotBlock(match io {
            Io::Fetch { .. } => "a download",
            Io::Files { .. } => "a file copy",
        }))
    }
}

/// Every downloadable file repeats this 64-byte line (what `yes LINE | head
/// -c N` writes, see `scripts/post-build.sh`).
pub const FETCH_LINE: &[u8; 64] = b"spindle fetch data 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH\n";

/// Byte `offset` of every downloadable file.
pub fn fetch_byte(offset: u64) -> u8 {
    FETCH_LINE[(offset % FETCH_LINE.len() as u64) as usize]
}

/// Checks a downloaded chunk that starts at `offset`.
///
/// # Errors
/// The first byte that differs.
pub fn check_fetched(chunk: impl IntoIterator<Item = u8>, offset: u64) -> Result<(), IoError> {
    for (i, got) in chunk.into_iter().enumerate() {
        let at = offset + i as u64;
        if got != fetch_byte(at) {
            return Err(IoError::WrongByte { at, got, expected: fetch_byte(at) });
        }
    }
    Ok(())
}

/// Checks a whole download: its length, then every byte.
///
/// # Errors
/// Wrong length or content, in words.
pub fn check_download(body: impl IntoIterator<Item = u8>, expected: u64) -> Result<u64, IoError> {
    let mut n = 0u64;
    for got in body {
        if n < expected && got != fetch_byte(n) {
            return Err(IoError::WrongByte { at: n, got, expected: fetch_byte(n) });
        }
        n += 1;
    }
    if n == expected {
        Ok(n)
    } else {
        Err(IoError::WrongLength { got: n, expected })
    }
}

/// Fills `buf` with the bytes of file `seed` from `offset` on (a multiple
/// of 8): one SplitMix64 output per 8 bytes, so every file and every
/// position differ and a misplaced chunk is caught.
pub fn file_bytes(seed: u64, offset: u64, buf: &mut [u8]) {
    debug_assert_eq!(offset % 8, 0);
    for (k, word) in buf.chunks_mut(8).enumerate() {
        let v = splitmix64(seed ^ (offset / 8 + k as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        word.copy_from_slice(&v.to_le_bytes()[..word.len()]);
    }
}

/// Checks a chunk read back from file `seed` at `offset`.
///
/// # Errors
/// The first byte that differs, with its position in the file.
pub fn check_file_chunk(seed: u64, offset: u64, chunk: &[u8]) -> Result<(), IoError> {
    let mut want = vec![0u8; chunk.len()];
    file_bytes(seed, offset, &mut want);
    match chunk.iter().zip(&want).position(|(a, b)| a != b) {
        None => Ok(()),
        Some(i) => Err(IoError::WrongByte { at: offset + i as u64, got: chunk[i], expected: want[i] }),
    }
}

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Chunk size for writing and checking files: bounds the memory a task
/// holds at once (three chunks), however large the file.
pub const FILE_CHUNK: usize = 1 << 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_are_checked_by_length_and_content() {
        let body: Vec<u8> = (0..200).map(fetch_byte).collect();
        assert_eq!(&body[..64], FETCH_LINE);
        assert_eq!(check_download(body.iter().copied(), 200), Ok(200));
        assert_eq!(check_download(body.iter().copied(), 201), Err(IoError::WrongLength { got: 200, expected: 201 }));
        let mut bad = body.clone();
        bad[130] = b'!';
        let wrong = check_download(bad.iter().copied(), 200).unwrap_err();
        assert_eq!(wrong, IoError::WrongByte { at: 130, got: b'!', expected: fetch_byte(130) });
        assert_eq!(wrong.to_string(), format!("byte 130 is 0x21, expected {:#04x}", fetch_byte(130)));
        assert!(check_fetched(body[64..].iter().copied(), 64).is_ok());
        assert!(check_fetched(body[64..].iter().copied(), 65).is_err());
    }

    #[test]
    fn file_pattern_is_positional_and_per_file() {
        let mut whole = vec![0u8; 4096];
        file_bytes(7, 0, &mut whole);
        let mut tail = vec![0u8; 1024];
        file_bytes(7, 3072, &mut tail);
        assert_eq!(&whole[3072..], &tail[..], "a chunk equals the same range of the whole file");
        assert!(check_file_chunk(7, 3072, &tail).is_ok());
        assert!(check_file_chunk(8, 3072, &tail).is_err(), "another file's bytes differ");
        assert!(check_file_chunk(7, 2048, &tail).is_err(), "a misplaced chunk is caught");
        let mut odd = vec![0u8; 13];
        file_bytes(7, 0, &mut odd);
        assert_eq!(&odd[..], &whole[..13]);
    }

    #[test]
    fn only_files_need_an_event_loop() {
        assert!(Io::Files { name: "a".into(), bytes: 1, seed: 0 }.needs_event_loop());
        assert!(!Io::Fetch { path: "a".into(), bytes: 1 }.needs_event_loop());
        assert!(NoBlockingIo.perform(&Io::Fetch { path: "a".into(), bytes: 1 }).is_err());
    }
}
