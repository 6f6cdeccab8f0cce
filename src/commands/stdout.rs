//! Standard output that may be closed early (`statelint check | head -1`): once the reader
//! is gone the rest of the output is dropped, and the run still ends with the status it
//! would have had. Nothing panics on the closed pipe.

use std::io::{self, Write};

/// Wraps a writer; a broken pipe is remembered and every later write is discarded.
pub struct ClosedPipeTolerant<W: Write> {
    inner: W,
    closed: bool,
}

impl<W: Write> ClosedPipeTolerant<W> {
    pub fn new(inner: W) -> ClosedPipeTolerant<W> {
        ClosedPipeTolerant {
            inner,
            closed: false,
        }
    }

    /// Whether the reader went away.
    pub fn closed(&self) -> bool {
        self.closed
    }
}

impl<W: Write> Write for ClosedPipeTolerant<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.inner.flush() {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Gone;
    impl Write for Gone {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
    }

    struct Full;
    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::other("disk full"))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_is_remembered_and_other_errors_pass_through() {
        let mut out = ClosedPipeTolerant::new(Gone);
        assert!(writeln!(out, "first").is_ok());
        assert!(out.flush().is_ok());
        assert!(out.closed());
        let mut out = ClosedPipeTolerant::new(Full);
        assert!(writeln!(out, "x").is_err());
        assert!(!out.closed());
    }
}
