//! Server-Sent Events read from a `fetch` body (a live battle is a `POST`, which `EventSource`
//! cannot send): bytes in, each event's `data` out once its blank line has arrived.
//!
//! Pieces of the network stream may end anywhere, even inside a Hangul syllable's bytes, so
//! bytes are kept until a whole event is there; only then are they read as UTF-8.

#[derive(Default)]
pub struct Events {
    pending: Vec<u8>,
}

impl Events {
    /// Adds the next bytes; returns the data of every event they complete, in order. Comments
    /// (the server's keep-alives) and events without data give nothing.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<String> {
        self.pending.extend_from_slice(bytes);
        let mut out = Vec::new();
        while let Some((end, gap)) = event_end(&self.pending) {
            let block: Vec<u8> = self.pending.drain(..end + gap).take(end).collect();
            let text = String::from_utf8_lossy(&block);
            let data: Vec<&str> = text
                .lines()
                .filter_map(|line| line.strip_prefix("data:"))
                .map(|d| d.strip_prefix(' ').unwrap_or(d))
                .collect();
            if !data.is_empty() {
                out.push(data.join("\n"));
            }
        }
        out
    }
}

/// Where the first event ends and how long its blank line is (`\n\n` or `\r\n\r\n`).
fn event_end(bytes: &[u8]) -> Option<(usize, usize)> {
    let lf = bytes.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2));
    let crlf = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, 4));
    match (lf, crlf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::Events;

    #[test]
    fn events_cut_anywhere_come_out_whole() {
        let stream = "event: answer\ndata: {\"html\":\"<p>한국어 답변</p>\"}\n\n: keep-alive\n\n\
                      event: ready\ndata: {\"a\":1}\n\n";
        let bytes = stream.as_bytes();
        // Every cut, including inside a syllable's three bytes.
        for cut in 0..bytes.len() {
            let mut events = Events::default();
            let mut got = events.push(&bytes[..cut]);
            got.extend(events.push(&bytes[cut..]));
            assert_eq!(
                got,
                ["{\"html\":\"<p>한국어 답변</p>\"}", "{\"a\":1}"],
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn several_data_lines_are_one_event_and_crlf_is_understood() {
        let mut events = Events::default();
        assert_eq!(events.push(b"data: a\r\ndata: b\r\n\r\n"), ["a\nb"]);
        assert!(events.push(b"data: unfinished\n").is_empty());
        assert_eq!(events.push(b"\n"), ["unfinished"]);
    }
}
