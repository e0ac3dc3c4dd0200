// The shapes the widget API answers with (docs/widget.md, "Protocol").

export type Trust = "anonymous" | "unverified" | "verified";

/** The user as the widget sees them. id is null for an anonymous visitor who has not written yet. */
export interface User {
  id: string | null;
  display_name: string;
  trust: Trust;
}

export interface Message {
  id: string;
  conversation_id: string;
  author: "user" | "agent";
  author_name: string;
  body: string;
  created_at: string;
}

export interface Conversation {
  id: string;
  created_at: string;
  updated_at: string;
  last_message: Message | null;
  unread: number;
}

export interface AuthFailure {
  code: string;
  message: string;
}

export interface SessionAnswer {
  session: string;
  device_token: string;
  expires_at: string;
  user: User;
  can_chat: boolean;
  auth_failure: AuthFailure | null;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** Traits of a user, as sent at init and by updateIdentity. */
export interface Traits {
  email?: string | null;
  display_name?: string | null;
  phone_numbers?: string[] | null;
  custom_fields?: Record<string, unknown> | null;
}

/** A claimed identity (M5): Kith's flat shape. DevRev's {user_ref, user_traits} is accepted too. */
export interface Identity extends Traits {
  user_ref?: string;
}

export type OnLogin = "keep" | "clear" | "claim";

export interface InitOptions {
  app_id: string;
  session_token?: string;
  /** A JWT signed by the company (M4). */
  jwt?: string;
  /** An HMAC of the identity by the company's backend (M3), sent with identity. */
  user_hash?: string;
  identity?: Identity & { user_traits?: Traits; workspace_ref?: string };
  workspace_ref?: string;
  /**
   * A scope the page picks (Open CX externalId): it partitions the user's
   * history at every trust level and is shown to agents as a label (V4).
   */
  label?: string;
  on_login?: OnLogin;
  /**
   * Ask for a name and an email before the first conversation (Open CX
   * collectUserData): they identify the user as claimed (M5) and are
   * remembered in this browser.
   */
  collect_user_data?: boolean;
  /** Values the pre-chat form starts with (Open CX prefillUserData, HelpCrunch name/email without user_id). */
  prefill?: { name?: string; email?: string };
  /**
   * Why the page's identifiers were refused before anything was sent (a
   * vendor rule such as Helpshift's "no email as userId", F3): the widget
   * starts anonymous and raises auth_failure with this reason.
   */
  invalid_identity?: AuthFailure;
  api_host?: string;
  open?: boolean;
  launcher?: boolean;
  title?: string;
  color?: string;
  fetch_session_token?: () => Promise<string> | string;
}

/** A live event, as the server sends it on /widget/v1/events. */
export interface LiveEvent {
  type: "event";
  id?: number;
  kind: string;
  conversation_id?: string;
  message?: Message;
  conversation?: Conversation;
  /** typing.agent: the name the agent's reply will be signed with. */
  author_name?: string;
}
