//! MCP over stdin/stdout, every frame checked ([`super::frames`]) before
//! rmcp sees it.
//!
//! Our reader takes stdin a line at a time, never holding more than the
//! frame limit: a good frame goes on to rmcp through an in-process pipe, a
//! bad one is answered here. rmcp's answers and ours reach stdout through one
//! writer, a whole line at a time. Should rmcp's session end while stdin is
//! still open (it gives up when `initialize` fails), a fresh one takes the
//! next frames: the process ends only when stdin does.

use super::frames::{Outline, Session, Verdict, too_large};
use super::server::CwServer;
use rmcp::ServiceExt;
use tokio::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader, DuplexStream,
};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Room in the pipe to rmcp; a larger frame waits for rmcp to read it.
const PIPE_BYTES: usize = 64 * 1024;

/// Serves `server` on the process's stdin and stdout until stdin closes.
pub async fn serve(server: CwServer, max_frame_bytes: usize) -> Result<(), String> {
    let (input, output) = rmcp::transport::stdio_pipes();
    serve_on(server, input, output, max_frame_bytes).await
}

/// Serves `server` on `input` and `output` until `input` closes.
pub async fn serve_on<R, W>(
    server: CwServer,
    input: R,
    output: W,
    max_frame_bytes: usize,
) -> Result<(), String>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let (answers, lines) = mpsc::channel::<Vec<u8>>(64);
    let writer = tokio::spawn(write_lines(output, lines));
    let mut input = BufReader::new(input);
    let mut session = Session::new(max_frame_bytes);
    let mut rmcp = Rmcp::start(server.clone(), answers.clone());
    loop {
        let line = next_line(&mut input, max_frame_bytes)
            .await
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        let verdict = match &line {
            Line::End => break,
            Line::Frame(frame) => {
                if rmcp.task.is_finished() {
                    tracing::warn!("the MCP session ended; a new one takes the next frames");
                    session.restart();
                    rmcp = Rmcp::start(server.clone(), answers.clone());
                }
                session.admit(frame)
            }
            Line::Oversized(outline) => too_large(outline, session.max_bytes()),
        };
        match (verdict, line) {
            (Verdict::Pass(_), Line::Frame(frame)) => rmcp.send(frame).await,
            (Verdict::Ignore(why), _) => tracing::debug!("ignored a frame: {why}"),
            (Verdict::Answer(answer), _) => {
                tracing::debug!("answered a bad frame: {answer}");
                let mut text = answer.to_string().into_bytes();
                text.push(b'\n');
                if answers.send(text).await.is_err() {
                    break;
                }
            }
            (Verdict::Pass(_), _) => {}
        }
    }
    // stdin is done: rmcp sees the end of its input, finishes, and the
    // writer drains what is left. The pipe's write half is shut down, not
    // only dropped: its read half (rmcp's output, still pumped) keeps the
    // pipe open, and rmcp would wait for input for ever.
    let _ = rmcp.input.shutdown().await;
    drop(rmcp.input);
    let _ = rmcp.task.await;
    drop(answers);
    writer
        .await
        .map_err(|e| format!("stdout writer: {e}"))?
        .map_err(|e| format!("cannot write stdout: {e}"))
}

/// One rmcp session, fed through a pipe.
struct Rmcp {
    input: tokio::io::WriteHalf<DuplexStream>,
    task: JoinHandle<()>,
}

impl Rmcp {
    fn start(server: CwServer, answers: mpsc::Sender<Vec<u8>>) -> Rmcp {
        let (ours, theirs) = tokio::io::duplex(PIPE_BYTES);
        let (from_rmcp, input) = tokio::io::split(ours);
        let task = tokio::spawn(async move {
            let pump = tokio::spawn(pump_lines(from_rmcp, answers));
            match server.serve(tokio::io::split(theirs)).await {
                Ok(running) => {
                    if let Err(e) = running.waiting().await {
                        tracing::warn!("MCP session ended abnormally: {e}");
                    }
                }
                Err(e) => tracing::warn!("MCP session did not start: {e}"),
            }
            let _ = pump.await;
        });
        Rmcp { input, task }
    }

    /// Hands a checked frame to rmcp, a whole line.
    async fn send(&mut self, mut frame: Vec<u8>) {
        if frame.last() != Some(&b'\n') {
            frame.push(b'\n');
        }
        if let Err(e) = self.input.write_all(&frame).await {
            tracing::warn!("the MCP session stopped reading: {e}");
        }
    }
}

/// rmcp's output, a line at a time, to the writer.
async fn pump_lines(from_rmcp: impl AsyncRead + Unpin, answers: mpsc::Sender<Vec<u8>>) {
    let mut from_rmcp = BufReader::new(from_rmcp);
    loop {
        let mut line = Vec::new();
        match from_rmcp.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {
                if answers.send(line).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// The one writer of stdout: whole lines, flushed each.
async fn write_lines(
    mut output: impl AsyncWrite + Unpin,
    mut lines: mpsc::Receiver<Vec<u8>>,
) -> std::io::Result<()> {
    while let Some(line) = lines.recv().await {
        output.write_all(&line).await?;
        output.flush().await?;
    }
    Ok(())
}

/// A line of input.
#[derive(Debug)]
enum Line {
    Frame(Vec<u8>),
    /// Longer than the limit: skipped to its end, only scanned.
    Oversized(Outline),
    End,
}

/// Reads the next line, holding at most `max_bytes` (and a `\r\n`) of it.
async fn next_line(input: &mut (impl AsyncBufRead + Unpin), max_bytes: usize) -> std::io::Result<Line> {
    let mut line = Vec::new();
    let mut oversized: Option<Outline> = None;
    loop {
        let available = input.fill_buf().await?;
        if available.is_empty() {
            return Ok(match oversized {
                Some(outline) => Line::Oversized(outline),
                None if line.is_empty() => Line::End,
                None => Line::Frame(line),
            });
        }
        let newline = available.iter().position(|&b| b == b'\n');
        let piece = &available[..newline.map_or(available.len(), |at| at + 1)];
        match &mut oversized {
            Some(outline) => outline.feed(piece),
            None if line.len() + piece.len() > max_bytes + 2 => {
                let mut outline = Outline::default();
                outline.feed(&line);
                outline.feed(piece);
                line = Vec::new();
                oversized = Some(outline);
            }
            None => line.extend_from_slice(piece),
        }
        let used = piece.len();
        input.consume(used);
        if newline.is_some() {
            return Ok(match oversized {
                Some(outline) => Line::Oversized(outline),
                None => Line::Frame(line),
            });
        }
    }
}
