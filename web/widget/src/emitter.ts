// A small event emitter. A listener that throws is reported on the console
// and never stops the widget or the other listeners.

export type Listener = (data: Record<string, unknown>) => void;
export type AnyListener = (event: string, data: Record<string, unknown>) => void;

export class Emitter {
  private listeners: { [event: string]: Listener[] } = {};
  private any: AnyListener[] = [];

  on(event: string, fn: Listener): () => void {
    const list = this.listeners[event] || (this.listeners[event] = []);
    list.push(fn);
    return () => this.off(event, fn);
  }

  off(event: string, fn: Listener): void {
    const list = this.listeners[event];
    if (list) this.listeners[event] = list.filter((f) => f !== fn);
  }

  onAny(fn: AnyListener): () => void {
    this.any.push(fn);
    return () => {
      this.any = this.any.filter((f) => f !== fn);
    };
  }

  emit(event: string, data: Record<string, unknown> = {}): void {
    for (const fn of (this.listeners[event] || []).slice()) call(() => fn(data));
    for (const fn of this.any.slice()) call(() => fn(event, data));
  }
}

function call(f: () => void): void {
  try {
    f();
  } catch (e) {
    console.error("[kith] an event listener failed:", e);
  }
}
