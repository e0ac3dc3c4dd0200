// Trust, in words and badges: what a user's trust level is, and how it was
// earned.

import { h, icon, icons } from "./dom";
import type { Trust, Verification } from "./types";

export const trustNames: Record<Trust, string> = {
  verified: "Verified",
  unverified: "Unverified",
  anonymous: "Guest",
};

const trustHelp: Record<Trust, string> = {
  verified: "The company's backend vouched for who this is.",
  unverified: "The browser says who this is; nothing proves it.",
  anonymous: "An anonymous visitor: nobody said who this is.",
};

/** A badge for a trust level: its colour, an icon and the word, never colour alone. */
export function badge(t: Trust, size: "" | "small" = ""): HTMLSpanElement {
  const name = trustNames[t] || t;
  const d = t === "verified" ? icons.shieldCheck : t === "unverified" ? icons.shield : icons.user;
  return h("span", { class: "badge trust-" + t + (size ? " " + size : ""), title: trustHelp[t] || "" }, icon(d), name);
}

/** How a user's trust was earned, in words. */
export function methodWords(method: string | undefined, trust: Trust): string {
  switch (method) {
    case "session_token":
      return "Verified by session token";
    case "opencx_token":
      return "Verified by Open CX user token";
    case "user_hash":
      return "Verified by user hash";
    case "jwt":
      return "Verified by JWT";
    case "claimed":
      return "Claimed by the browser (unverified)";
    case "anonymous":
      return "Anonymous";
  }
  if (trust === "verified") return "Verified";
  if (trust === "unverified") return "Claimed by the browser (unverified)";
  return "Anonymous";
}

/** What the key of a verification is called: the token, secret or key it was checked with. */
export function keyLabel(method: string): string {
  switch (method) {
    case "session_token":
    case "opencx_token":
      return "Token";
    case "user_hash":
      return "Secret";
    case "jwt":
      return "Key";
  }
  return "Key";
}

export function verificationOf(v: Verification | null, trust: Trust): { words: string; method: string } {
  return { words: methodWords(v ? v.method : undefined, trust), method: v ? v.method : trust === "anonymous" ? "anonymous" : trust === "unverified" ? "claimed" : "" };
}
