package kith

import (
	"context"
	"time"
)

// Reader looks records up. Every lookup of a record that belongs to an
// organization takes the organization's id and answers ErrNotFound for a
// record of another organization, exactly as for one that does not exist
// (V5). Lookups that find nothing return an error wrapping ErrNotFound, never
// a nil record with a nil error.
type Reader interface {
	OrgByID(ctx context.Context, id string) (*Org, error)
	OrgByName(ctx context.Context, name string) (*Org, error)

	// App returns an app by its public id, whatever its organization: the
	// app id is how a request says which organization it is for.
	App(ctx context.Context, id string) (*App, error)
	// Apps lists an organization's apps, or every app when orgID is empty
	// (for the server's own housekeeping).
	Apps(ctx context.Context, orgID string) ([]*App, error)
	// AppByAlias returns the app an alias names, whatever its organization.
	AppByAlias(ctx context.Context, alias string) (*App, error)
	// AppAliases lists an app's aliases.
	AppAliases(ctx context.Context, appID string) ([]*AppAlias, error)

	// VerificationSecrets lists an app's verification secrets, oldest
	// first.
	VerificationSecrets(ctx context.Context, appID string) ([]*VerificationSecret, error)
	// JWTKeys lists an app's JWT keys, oldest first.
	JWTKeys(ctx context.Context, appID string) ([]*JWTKey, error)

	// AccessToken returns a token by its id, whatever its state; callers
	// check the hash, expiry and revocation.
	AccessToken(ctx context.Context, id string) (*AccessToken, error)
	AccessTokens(ctx context.Context, appID string) ([]*AccessToken, error)

	// CustomFields lists the organization's field definitions for object,
	// or for every object when object is empty.
	CustomFields(ctx context.Context, orgID string, object Object) ([]*CustomField, error)

	User(ctx context.Context, orgID, id string) (*User, error)
	UserByRef(ctx context.Context, orgID string, trust Trust, ref string) (*User, error)
	// UsersByEmail lists the users of a namespace holding a (lower-cased)
	// email; there can be several when the app allows shared emails (R6).
	UsersByEmail(ctx context.Context, orgID string, trust Trust, email string) ([]*User, error)
	Users(ctx context.Context, orgID string, f UserFilter) ([]*User, error)

	Account(ctx context.Context, orgID, id string) (*Account, error)
	AccountByRef(ctx context.Context, orgID, ref string) (*Account, error)
	Accounts(ctx context.Context, orgID string, f AccountFilter) ([]*Account, error)

	Workspace(ctx context.Context, orgID, id string) (*Workspace, error)
	WorkspaceByRef(ctx context.Context, orgID, ref string) (*Workspace, error)
	Workspaces(ctx context.Context, orgID string, f WorkspaceFilter) ([]*Workspace, error)

	// Events lists a user's identity events, oldest first.
	Events(ctx context.Context, orgID, userID string, p Page) ([]*IdentityEvent, error)

	Device(ctx context.Context, orgID, id string) (*Device, error)
	// Session returns a widget session by id, whatever its state.
	Session(ctx context.Context, id string) (*Session, error)
	// Sessions lists a user's widget sessions, newest first.
	Sessions(ctx context.Context, orgID, userID string) ([]*Session, error)
	// Redemption returns the device that redeemed a session token, or
	// ErrNotFound.
	Redemption(ctx context.Context, appID, jti string) (deviceID string, err error)

	Conversation(ctx context.Context, orgID, id string) (*Conversation, error)
	// Conversations lists conversations, most recently updated first, with
	// the number of agent messages each user has not read.
	Conversations(ctx context.Context, orgID string, f ConversationFilter) ([]*ConversationSummary, error)
	// Messages lists a conversation's messages, oldest first.
	Messages(ctx context.Context, orgID, conversationID string, p Page) ([]*Message, error)

	// LatestLiveEventID is the id of an organization's newest live event,
	// 0 for none.
	LatestLiveEventID(ctx context.Context, orgID string) (int64, error)
	// LiveEvents lists the events after id that concern a user, a device or
	// a session, oldest first; the caller still decides which it may see.
	LiveEvents(ctx context.Context, orgID string, after int64, f LiveEventFilter, limit int) ([]*LiveEvent, error)

	Agent(ctx context.Context, orgID, id string) (*Agent, error)
	// AgentByEmail returns the agent a (lower-cased) login email names,
	// whatever their organization: the login says which one it is.
	AgentByEmail(ctx context.Context, email string) (*Agent, error)
	// Agents lists an organization's agents, oldest first.
	Agents(ctx context.Context, orgID string) ([]*Agent, error)
	// AgentSession returns an agent session by id, whatever its state.
	AgentSession(ctx context.Context, id string) (*AgentSession, error)
	// AgentSessions lists an agent's sessions, newest first.
	AgentSessions(ctx context.Context, orgID, agentID string) ([]*AgentSession, error)

	// Inbox lists an organization's conversations as an agent sees them.
	Inbox(ctx context.Context, orgID string, f InboxFilter) (*InboxPage, error)
	// InboxCounts sizes the inbox's views for an agent.
	InboxCounts(ctx context.Context, orgID, agentID string) (*InboxCounts, error)
	// Notes lists a conversation's private notes, oldest first.
	Notes(ctx context.Context, orgID, conversationID string, p Page) ([]*Note, error)
	// SnoozesDue lists snoozed conversations, of every organization, whose
	// snooze ended by now, at most limit of them.
	SnoozesDue(ctx context.Context, now time.Time, limit int) ([]*Conversation, error)
}

// Writer changes records. Create methods assign the record's id when it is
// empty; the caller sets the timestamps, so that time can be injected. A
// create that would break a uniqueness rule returns an error wrapping
// ErrConflict.
type Writer interface {
	CreateOrg(ctx context.Context, o *Org) error
	CreateApp(ctx context.Context, a *App) error
	UpdateAppSettings(ctx context.Context, appID string, s AppSettings) error
	// UpdateAppSessionSecret replaces the secret an app signs its session
	// tokens with.
	UpdateAppSessionSecret(ctx context.Context, appID string, secret []byte) error
	// AddAppAlias gives an app another id; an alias any app has already is
	// ErrConflict.
	AddAppAlias(ctx context.Context, a *AppAlias) error
	// DeleteAppAlias removes an alias of the app, or answers ErrNotFound.
	DeleteAppAlias(ctx context.Context, appID, alias string) error

	CreateVerificationSecret(ctx context.Context, s *VerificationSecret) error
	// DeleteVerificationSecret deletes a secret of the app, or answers
	// ErrNotFound: from then on it verifies nothing.
	DeleteVerificationSecret(ctx context.Context, appID, id string) error
	// CreateJWTKey stores a key; a kid the app has already is ErrConflict.
	CreateJWTKey(ctx context.Context, k *JWTKey) error
	// DeleteJWTKey deletes a key of the app, or answers ErrNotFound.
	DeleteJWTKey(ctx context.Context, appID, id string) error

	CreateAccessToken(ctx context.Context, t *AccessToken) error
	// RevokeAccessToken marks a token revoked; revoking twice keeps the
	// first time.
	RevokeAccessToken(ctx context.Context, id string, at time.Time) error

	CreateCustomField(ctx context.Context, f *CustomField) error

	CreateUser(ctx context.Context, u *User) error
	UpdateUser(ctx context.Context, u *User) error
	CreateAccount(ctx context.Context, a *Account) error
	UpdateAccount(ctx context.Context, a *Account) error
	CreateWorkspace(ctx context.Context, w *Workspace) error
	UpdateWorkspace(ctx context.Context, w *Workspace) error
	// AddWorkspaceMember puts a user in a workspace and reports whether
	// they were not in it already.
	AddWorkspaceMember(ctx context.Context, orgID, workspaceID, userID string, at time.Time) (bool, error)

	AddEvents(ctx context.Context, events ...*IdentityEvent) error

	CreateDevice(ctx context.Context, d *Device) error
	UpdateDevice(ctx context.Context, d *Device) error
	CreateSession(ctx context.Context, s *Session) error
	UpdateSession(ctx context.Context, s *Session) error
	// RevokeSessions revokes the active sessions sel selects and returns
	// those it revoked. A selector with neither a user nor a session
	// revokes nothing.
	RevokeSessions(ctx context.Context, orgID string, sel SessionSelector, at time.Time) ([]*Session, error)
	// Redeem records that a device redeemed a session token.
	Redeem(ctx context.Context, appID, jti, deviceID string, expires time.Time) error

	CreateConversation(ctx context.Context, c *Conversation) error
	UpdateConversation(ctx context.Context, c *Conversation) error
	// MoveConversations gives a user's conversations started on a device to
	// another user (S5, claim) and returns how many moved.
	MoveConversations(ctx context.Context, orgID, fromUserID, deviceID, toUserID string, verified bool) (int, error)
	CreateMessage(ctx context.Context, m *Message) error

	// AppendLiveEvent numbers and stores an event. Events of one
	// organization are numbered in the order their transactions commit.
	AppendLiveEvent(ctx context.Context, e *LiveEvent) error

	// CreateNote stores an agent's private note.
	CreateNote(ctx context.Context, n *Note) error
	// MarkAgentRead records that an agent has read a conversation up to a
	// message.
	MarkAgentRead(ctx context.Context, agentID, conversationID, lastReadID string) error

	// CreateAgent stores an agent; an email another agent has is
	// ErrConflict.
	CreateAgent(ctx context.Context, a *Agent) error
	// UpdateAgent writes an agent's name, role, password hash, disabling
	// and last login.
	UpdateAgent(ctx context.Context, a *Agent) error
	CreateAgentSession(ctx context.Context, s *AgentSession) error
	// RevokeAgentSessions revokes an agent's active sessions (or only the
	// one sessionID) and returns those it revoked.
	RevokeAgentSessions(ctx context.Context, orgID, agentID, sessionID string, at time.Time) ([]*AgentSession, error)
}

// Tx is one transaction: reads see its own writes, and either every write
// lands or none does (R7).
type Tx interface {
	Reader
	Writer
}

// Store is Kith's storage. Both implementations (SQLite and PostgreSQL)
// pass the same contract tests (D3).
type Store interface {
	Reader

	// Tx runs fn in a serializable transaction and commits it if fn
	// returns nil. When the transaction loses a race with another one, Tx
	// rolls it back and runs fn again: that is what makes create-or-find
	// race-free (R1).
	//
	// So fn may run more than once, and every run must start from scratch:
	//   - it reads what it decides on through tx, inside the transaction,
	//     never from a record loaded before it (that record may be stale,
	//     and writing it back loses what others wrote meanwhile);
	//   - it changes nothing that outlives one run: no field of a value
	//     declared outside fn, no caller, no cache. Results are assigned to
	//     variables that are read only once Tx has returned nil, and every
	//     run sets them (a run that returns nil without setting one would
	//     hand out what a rolled-back run left there).
	// The contract tests run every fn twice, rolling the first run back
	// (storetest), so that breaking this rule fails a test.
	Tx(ctx context.Context, fn func(ctx context.Context, tx Tx) error) error

	// TxIn runs fn as Tx does, but one at a time with the other TxIn of
	// the same lane (an organization's id), in every process. Transactions
	// that announce live events use it: they would otherwise lose
	// serialization races to one another over the same hot index pages,
	// again and again under load, while one at a time they never do.
	TxIn(ctx context.Context, lane string, fn func(ctx context.Context, tx Tx) error) error

	// TouchAccessToken records that a token was used at time at. It is a
	// best-effort write of its own, outside any transaction, and skips the
	// write when a use within the last minute is already recorded.
	TouchAccessToken(ctx context.Context, id string, at time.Time) error

	// TouchSession records a session's activity, as TouchAccessToken, and
	// moves its expiry to expires if that is later: anonymous sessions
	// live as long as they are used.
	TouchSession(ctx context.Context, id string, at, expires time.Time) error
	// TouchUser records a user's activity, as TouchAccessToken.
	TouchUser(ctx context.Context, id string, at time.Time) error
	// TouchAgentSession records an agent session's activity, as
	// TouchAccessToken: the idle timeout runs from it.
	TouchAgentSession(ctx context.Context, id string, at time.Time) error

	// CountLoginAttempt counts one more login attempt of key (an email or
	// a client address, hashed) in the window that began at most window
	// before at, starting a new window when the last one is over, and
	// returns the attempts in the window and when it began. It is one
	// atomic write of its own, so that attempts made at once are all
	// counted (I3).
	CountLoginAttempt(ctx context.Context, key string, at time.Time, window time.Duration) (int, time.Time, error)
	// ForgiveLoginAttempt takes one attempt back from key's count, or all
	// of them: a login that succeeded was not guessing.
	ForgiveLoginAttempt(ctx context.Context, key string, all bool) error

	// ExpireAnonymous cuts the anonymous users of an app idle since before
	// cutoff off from every browser: their sessions are revoked and their
	// devices forget them. Anonymous sessions without a user and devices
	// idle as long are deleted, and so are live events older than
	// eventsBefore. It reports how many users expired.
	ExpireAnonymous(ctx context.Context, appID string, cutoff, eventsBefore time.Time) (int, error)

	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	Close() error
}

// Page selects a slice of a list ordered by id: the records after After,
// at most Limit of them.
type Page struct {
	After string
	Limit int
}

// UserFilter narrows a list of users. Empty fields match everything.
type UserFilter struct {
	Ref   string
	Email string // compared case-insensitively
	Trust Trust
	Page
}

// AccountFilter narrows a list of accounts.
type AccountFilter struct {
	Ref string
	Page
}

// WorkspaceFilter narrows a list of workspaces.
type WorkspaceFilter struct {
	Ref       string
	AccountID string
	UserID    string // workspaces the user is a member of
	Page
}

// ConversationFilter narrows a list of conversations. The widget's filter
// comes from identity.Visible; agents filter by user only.
type ConversationFilter struct {
	// ID, when set, keeps that one conversation.
	ID     string
	AppID  string
	UserID string
	// DeviceID, when set, keeps the conversations started on that device.
	DeviceID string
	// VerifiedOnly keeps the conversations started by verified sessions.
	VerifiedOnly bool
	// WorkspaceRef, when not nil, keeps the conversations of that
	// workspace ("" for those without one).
	WorkspaceRef *string
	// Label, when not nil, keeps the conversations of that label ("" for
	// those without one).
	Label *string
	Page
}

// ConversationSummary is a conversation with its last message and the
// number of agent messages its user has not read.
type ConversationSummary struct {
	*Conversation
	LastMessage *Message // nil for none
	Unread      int
}

// SessionSelector selects widget sessions: a user's (all of them, or the
// one SessionID), or the one SessionID; AppID, when set, keeps that app's.
type SessionSelector struct {
	UserID, SessionID, AppID string
}

// LiveEventFilter selects the events that concern any of a user, a device
// or a session.
type LiveEventFilter struct {
	UserID, DeviceID, SessionID string
	// Org selects every event of the organization, for agents' inboxes
	// (V6), whatever the other fields say.
	Org bool
}
