// Who is writing where (I1): the visitor of a conversation, or another
// agent writing a reply. The server announces it every few seconds while
// they write; it is shown for a few seconds after the last word, and a
// message from them ends it at once.

/** How long an indicator shows after the last announcement (ms). */
export const SHOWN_FOR = 6000;

/** How often, at most, this inbox announces that its agent writes a reply (ms). */
export const ANNOUNCE_EVERY = 3000;

/** The visitor's key among a conversation's typists; an agent's is their id. */
export const VISITOR = "user";

interface Typist {
  name: string;
  until: number;
}

export class Typing {
  private by = new Map<string, Map<string, Typist>>();
  private timer = 0;
  private changed: (conversationId: string) => void;

  /** changed is told of each conversation whose indicators change. */
  constructor(changed: (conversationId: string) => void) {
    this.changed = changed;
  }

  /** Someone writes in a conversation: key VISITOR, or an agent's id. */
  start(conversationId: string, key: string, name: string, now = Date.now()): void {
    let m = this.by.get(conversationId);
    if (!m) this.by.set(conversationId, (m = new Map()));
    const was = m.has(key);
    m.set(key, { name, until: now + SHOWN_FOR });
    if (!was) this.changed(conversationId);
    this.schedule(now);
  }

  /** Their message arrived: they no longer write. */
  stop(conversationId: string, key: string): void {
    const m = this.by.get(conversationId);
    if (!m || !m.delete(key)) return;
    if (m.size === 0) this.by.delete(conversationId);
    this.changed(conversationId);
  }

  /** Whether the visitor of a conversation is writing. */
  visitor(conversationId: string): boolean {
    const m = this.by.get(conversationId);
    return !!m && m.has(VISITOR);
  }

  /** The line that says who writes in a conversation, or "" for nobody. */
  line(conversationId: string): string {
    const m = this.by.get(conversationId);
    if (!m) return "";
    const visitor = m.get(VISITOR);
    const agents = Array.from(m.entries())
      .filter(([k]) => k !== VISITOR)
      .map(([, t]) => t.name);
    const parts: string[] = [];
    if (visitor) parts.push(visitor.name + " is typing…");
    if (agents.length === 1) parts.push(agents[0] + " is writing a reply…");
    else if (agents.length > 1) parts.push(agents.join(" and ") + " are writing replies…");
    return parts.join(" ");
  }

  /** Forgets everything, as when the inbox stops. */
  clear(): void {
    clearTimeout(this.timer);
    this.by.clear();
  }

  // One timer for all: at the earliest end, the ended indicators go.
  private schedule(now: number): void {
    clearTimeout(this.timer);
    let next = Infinity;
    for (const m of this.by.values()) for (const t of m.values()) next = Math.min(next, t.until);
    if (next === Infinity) return;
    this.timer = window.setTimeout(() => this.expire(), Math.max(0, next - now) + 50);
  }

  private expire(now = Date.now()): void {
    for (const [cid, m] of Array.from(this.by.entries())) {
      let gone = false;
      for (const [k, t] of Array.from(m.entries())) {
        if (t.until <= now) {
          m.delete(k);
          gone = true;
        }
      }
      if (m.size === 0) this.by.delete(cid);
      if (gone) this.changed(cid);
    }
    this.schedule(now);
  }
}
