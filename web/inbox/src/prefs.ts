// The agent's preferences for this browser, kept in localStorage: sound and
// desktop notifications, each on or off.

export interface Prefs {
  sound: boolean;
  notifications: boolean;
}

const KEY = "kith.inbox.prefs";

export function loadPrefs(): Prefs {
  const d: Prefs = { sound: true, notifications: true };
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return d;
    const v = JSON.parse(raw) as Partial<Prefs>;
    return { sound: v.sound !== false, notifications: v.notifications !== false };
  } catch (e) {
    return d;
  }
}

export function savePrefs(p: Prefs): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(p));
  } catch (e) {
    // private mode: the choice lasts this page
  }
}
