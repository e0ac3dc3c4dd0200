// The shapes the inbox's API answers with (api/openapi.yaml, /inbox/api).

export type Trust = "anonymous" | "unverified" | "verified";
export type Status = "open" | "snoozed" | "resolved";
export type Role = "admin" | "agent";
export type Presence = "online" | "away" | "offline";

export interface Agent {
  id: string;
  email: string;
  name: string;
  role: Role;
  created_at?: string;
  disabled_at?: string | null;
  last_login_at?: string | null;
}

export interface Me {
  agent: Agent;
  org: { id: string; name: string };
}

export interface TeamMember {
  id: string;
  name: string;
  role: Role;
  presence: Presence;
}

export interface Message {
  id: string;
  conversation_id: string;
  author: "user" | "agent";
  author_id?: string;
  author_name: string;
  body: string;
  created_at: string;
}

export interface Note {
  id: string;
  conversation_id: string;
  agent_id: string;
  agent_name: string;
  body: string;
  created_at: string;
}

export interface TrustChange {
  from: Trust;
  to: Trust;
  at: string;
  method?: string;
}

export interface ListUser {
  id: string;
  display_name: string;
  trust: Trust;
  email: string | null;
  user_ref: string | null;
  /** The user's account, which the account filter picks. */
  account_id: string | null;
}

export interface Item {
  id: string;
  app_id: string;
  status: Status;
  snoozed_until: string | null;
  assignee_id: string | null;
  waiting_since: string | null;
  verified: boolean;
  workspace_ref: string;
  label: string;
  unread: number;
  created_at: string;
  updated_at: string;
  user: ListUser;
  last_message: Message | null;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export interface Counts {
  open: number;
  snoozed: number;
  resolved: number;
  mine: number;
  unassigned: number;
  unread: number;
}

export type ThreadItem =
  | { type: "message"; message: Message }
  | { type: "note"; note: Note }
  | { type: "trust"; trust: TrustChange };

export interface Thread {
  data: ThreadItem[];
  more: boolean;
}

export interface Verification {
  method: string;
  key: string;
  at: string;
}

export interface WidgetSession {
  id: string;
  app_id: string;
  device_id: string;
  trust: Trust;
  method: string;
  proof: string;
  workspace_ref: string;
  label: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  revoked_at: string | null;
  active: boolean;
}

export interface IdentityEvent {
  id: string;
  kind: string;
  method: string;
  detail: Record<string, unknown> | null;
  created_at: string;
}

export interface UserDetail {
  id: string;
  trust: Trust;
  display_name: string;
  user_ref: string | null;
  email: string | null;
  unverified_email: string | null;
  phone_numbers: string[] | null;
  account: { id: string; account_ref: string; display_name: string } | null;
  workspaces: { id: string; workspace_ref: string; display_name: string }[] | null;
  custom_fields: Record<string, unknown> | null;
  unverified_custom_fields: Record<string, unknown> | null;
  created_at: string;
}

export interface UserAnswer {
  user: UserDetail;
  verification: Verification | null;
  conversations: Item[] | null;
  sessions: WidgetSession[] | null;
  events: IdentityEvent[] | null;
}

export interface AgentSession {
  id: string;
  current: boolean;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  active: boolean;
  user_agent: string;
  address: string;
}

/** A live event on /inbox/api/events. */
export interface LiveEvent {
  type: "event";
  id: number;
  kind: string;
  conversation_id?: string;
  message?: Message;
  note?: Note;
  status?: Status;
  assignee_id?: string | null;
  snoozed_until?: string | null;
  read_by?: string;
  last_read_id?: string;
  by?: string;
  conversation?: Partial<Item>;
  /** typing.agent: who writes a reply. */
  author_id?: string;
  author_name?: string;
}

/** An app's settings, by the names of `kith apps update --set`. */
export interface AppSettings {
  verification_required: boolean;
  email_unique: boolean;
  anonymous_expiry: string;
  on_login: "keep" | "clear" | "claim";
  allowed_origins: string[];
  session_token_max_lifetime: string;
}

export interface AppInfo {
  id: string;
  name: string;
  created_at: string;
  settings: AppSettings;
}

export type Scope = "sessions" | "api" | "org" | "keys";

export interface AccessToken {
  id: string;
  scopes: Scope[];
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  /** The secret, in the answer that made it only. */
  access_token?: string;
}

export interface VerificationSecret {
  id: string;
  created_at: string;
  /** The secret, in the answer that made it only. */
  secret?: string;
}

export interface JWTKey {
  id: string;
  kid: string;
  alg: "HS256" | "RS256" | "ES256" | "EdDSA";
  kind: "secret" | "public_key" | "jwks";
  jwks_url: string | null;
  created_at: string;
  /** An HS256 key's secret, in the answer that made it only. */
  secret?: string;
}

export interface Alias {
  alias: string;
  created_at: string;
}

export type FieldObject = "user" | "account" | "workspace";
export type FieldType = "text" | "number" | "boolean" | "date" | "enum";

export interface CustomField {
  id: string;
  object: FieldObject;
  name: string;
  type: FieldType;
  values: string[];
  created_at: string;
}
