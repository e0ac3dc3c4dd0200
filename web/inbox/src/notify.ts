// Being told in time: the unread count in the tab's title, a short beep made
// with WebAudio (nothing to download), and a desktop notification, for a new
// conversation or message while the tab is hidden. Each can be turned off.

import type { Prefs } from "./prefs";

let audio: AudioContext | null = null;

/** Makes the audio context on a user gesture, so that a later beep may play. */
export function unlockAudio(): void {
  if (audio) {
    if (audio.state === "suspended") audio.resume().catch(() => undefined);
    return;
  }
  const Ctx = window.AudioContext || (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctx) return;
  try {
    audio = new Ctx();
  } catch (e) {
    audio = null;
  }
}

/** Two short soft tones. */
export function beep(): void {
  unlockAudio();
  const ctx = audio;
  if (!ctx) return;
  const t = ctx.currentTime + 0.01;
  for (const [i, f] of [880, 1320].entries()) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = "sine";
    osc.frequency.value = f;
    const s = t + i * 0.12;
    gain.gain.setValueAtTime(0.0001, s);
    gain.gain.exponentialRampToValueAtTime(0.18, s + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, s + 0.18);
    osc.connect(gain).connect(ctx.destination);
    osc.start(s);
    osc.stop(s + 0.2);
  }
}

export function notificationsSupported(): boolean {
  return typeof window.Notification === "function";
}

export function permission(): NotificationPermission | "unsupported" {
  return notificationsSupported() ? Notification.permission : "unsupported";
}

export async function askPermission(): Promise<NotificationPermission | "unsupported"> {
  if (!notificationsSupported()) return "unsupported";
  if (Notification.permission !== "default") return Notification.permission;
  try {
    return await Notification.requestPermission();
  } catch (e) {
    return Notification.permission;
  }
}

/** Tells the agent of something new, if the tab is hidden and they want to hear of it. */
export function alert(prefs: Prefs, title: string, body: string, tag: string, open: () => void): void {
  if (!document.hidden) return;
  if (prefs.sound) beep();
  if (prefs.notifications && notificationsSupported() && Notification.permission === "granted") {
    try {
      const n = new Notification(title, { body: body.length > 140 ? body.slice(0, 139) + "…" : body, tag });
      n.onclick = () => {
        window.focus();
        open();
        n.close();
      };
    } catch (e) {
      // some browsers only notify from a service worker
    }
  }
}

/** The tab's title: the unread count first, so it shows in a crowded tab bar. */
export function title(unread: number, org: string): void {
  const base = "Inbox · " + (org || "Kith");
  document.title = unread > 0 ? "(" + (unread > 99 ? "99+" : unread) + ") " + base : base;
}
