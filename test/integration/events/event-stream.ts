/**
 * A test-side reader of `text/event-stream`, written from the WHATWG HTML algorithm (§9.2.6
 * "Interpreting an event stream") rather than from our encoder, so the tests check the bytes
 * against the format a browser's EventSource applies, not against themselves.
 */
export interface ParsedEvent {
  type: string;
  data: string;
  lastEventId: string;
}

export class EventStreamParser {
  readonly events: ParsedEvent[] = [];
  readonly comments: string[] = [];
  retry: number | undefined;
  private buffer = "";
  private first = true;
  private data = "";
  private eventType = "";
  private lastEventIdBuffer = "";
  private readonly decoder = new TextDecoder("utf-8");

  push(bytes: Uint8Array): void {
    let text = this.decoder.decode(bytes, { stream: true });
    if (this.first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.first = false;
    }
    this.buffer += text;
    // Lines end in CRLF, LF or CR; a trailing CR may be the first half of a CRLF still to come.
    for (;;) {
      const m = /\r\n|\n|\r(?=[^\n])/.exec(this.buffer);
      if (!m) break;
      const line = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return void this.comments.push(line.slice(1).trim());
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.eventType = value;
    else if (field === "data") this.data += value + "\n";
    else if (field === "id") {
      if (!value.includes("\0")) this.lastEventIdBuffer = value;
    } else if (field === "retry") {
      if (/^\d+$/.test(value)) this.retry = Number(value);
    }
    // any other field is ignored, as the algorithm says
  }

  private dispatch(): void {
    if (this.data === "") {
      this.eventType = "";
      return;
    }
    this.events.push({
      type: this.eventType || "message",
      data: this.data.endsWith("\n") ? this.data.slice(0, -1) : this.data,
      lastEventId: this.lastEventIdBuffer,
    });
    this.data = "";
    this.eventType = "";
  }
}

/** Reads a Response body into a parser; `until(n)` resolves once n events have arrived. */
export function readEventStream(response: Response) {
  const parser = new EventStreamParser();
  const reader = response.body!.getReader();
  const waiters: { n: number; resolve(): void }[] = [];
  let ended = false;
  const done = (async () => {
    for (;;) {
      const { done: finished, value } = await reader.read();
      if (finished) break;
      parser.push(value);
      for (const w of [...waiters])
        if (parser.events.length >= w.n) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
    }
    ended = true;
    for (const w of waiters.splice(0)) w.resolve();
  })();
  return {
    parser,
    /** Resolves when the stream has ended. */
    done,
    get ended() {
      return ended;
    },
    until(n: number): Promise<ParsedEvent[]> {
      if (parser.events.length >= n || ended) return Promise.resolve(parser.events);
      return new Promise((resolve) => waiters.push({ n, resolve: () => resolve(parser.events) }));
    },
  };
}
