package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/kith-chat/kith/internal/budget"
	"github.com/kith-chat/kith/internal/chat"
	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/proof"
)

// sessionRequest is the body of POST /widget/v1/sessions (S1).
type sessionRequest struct {
	AppID        string `json:"app_id"`
	DeviceToken  string `json:"device_token"`
	SessionToken string `json:"session_token"`
	// Identity is decoded on its own: a claimed identity that is not what
	// we expect starts an anonymous session and says why (F3) rather than
	// failing the request.
	Identity     jsontext.Value `json:"identity"`
	JWT          string         `json:"jwt"`
	UserHash     string         `json:"user_hash"`
	WorkspaceRef string         `json:"workspace_ref"`
	// Label is a scope the page picks (Open CX externalId): it partitions
	// the user's history at any trust level, without membership (V4).
	Label   string       `json:"label"`
	OnLogin kith.OnLogin `json:"on_login"`
}

// offer reads what the request offers as its user's identity. Identifiers
// that cannot be read are not an error: the session starts anonymous and
// says so (F3).
func (req *sessionRequest) offer() (proof.Offer, error) {
	o := proof.Offer{SessionToken: req.SessionToken, JWT: req.JWT, UserHash: req.UserHash}
	if len(req.Identity) == 0 || string(req.Identity) == "null" {
		return o, nil
	}
	var id identityWire
	err := decodeBytes(req.Identity, &id)
	if err == nil {
		o.Identity, err = id.claim()
	} else {
		err = prefixField("identity", err)
	}
	if err != nil && !errors.As(err, &o.IdentityError) {
		return o, err
	}
	return o, nil
}

// identityWire is an identity claimed by the browser (M5), and the traits
// of updateIdentity (S8).
type identityWire struct {
	UserRef      opt[string]               `json:"user_ref"`
	Email        opt[string]               `json:"email"`
	DisplayName  opt[string]               `json:"display_name"`
	PhoneNumbers opt[[]string]             `json:"phone_numbers"`
	CustomFields map[string]jsontext.Value `json:"custom_fields"`
}

// traits validates the traits of an identity; custom fields are the
// browser's, so they are unverified.
func (w *identityWire) traits(path string) (t identity.UserTraits, err error) {
	if t.Email, err = textUpdate(path+"email", w.Email, identity.Email); err != nil {
		return t, err
	}
	if t.DisplayName, err = textUpdate(path+"display_name", w.DisplayName, displayName); err != nil {
		return t, err
	}
	if t.PhoneNumbers, err = listUpdate(path+"phone_numbers", w.PhoneNumbers, identity.PhoneNumber); err != nil {
		return t, err
	}
	t.CustomFields = rawFields(path+"custom_fields", w.CustomFields, false)
	return t, nil
}

// claim turns an identity into an unverified claim (M5).
func (w *identityWire) claim() (*identity.Claim, error) {
	c := &identity.Claim{Method: kith.MethodClaimed, Trust: kith.TrustUnverified,
		Paths: identity.Paths{UserRef: "identity.user_ref", Email: "identity.email"}}
	var err error
	if w.UserRef.Set && !w.UserRef.Null && w.UserRef.V != "" {
		if c.UserRef, err = identity.UserRef("identity.user_ref", w.UserRef.V); err != nil {
			return nil, err
		}
	}
	if c.User, err = w.traits("identity."); err != nil {
		return nil, err
	}
	c.User.UnverifiedCustomFields, c.User.CustomFields = c.User.CustomFields, nil
	if c.UserRef == "" && (!c.User.Email.Set || c.User.Email.To == "") {
		return nil, kith.Errorf(kith.CodeMissingField, "identity.user_ref", "an identity needs a user_ref or an email")
	}
	return c, nil
}

type userJSON struct {
	ID          *string    `json:"id"`
	DisplayName string     `json:"display_name"`
	Trust       kith.Trust `json:"trust"`
}

type authFailureJSON struct {
	Code    kith.Code `json:"code"`
	Message string    `json:"message"`
	Field   string    `json:"field,omitempty"`
}

func (s *Server) startSession(w http.ResponseWriter, r *http.Request) error {
	app, req, err := s.sessionRequest(r)
	if err != nil {
		echoOrigin(w, r)
		return err
	}
	if err := allowOrigin(w, r, app); err != nil {
		return err
	}
	switch req.OnLogin {
	case "", kith.OnLoginKeep, kith.OnLoginClear, kith.OnLoginClaim:
	default:
		return kith.Errorf(kith.CodeInvalidField, "on_login", "on_login must be keep, clear or claim")
	}
	offer, err := req.offer()
	if err != nil {
		return err
	}
	start := chat.StartRequest{DeviceToken: req.DeviceToken, Offer: offer,
		WorkspaceRef: req.WorkspaceRef, Label: req.Label, OnLogin: req.OnLogin}
	st, err := s.chat.Start(r.Context(), app, start)
	if err != nil {
		return err
	}
	body := map[string]any{
		"session":      st.Token,
		"device_token": st.DeviceToken,
		"expires_at":   st.Session.ExpiresAt,
		"user":         sessionUser(st.Caller, st.User),
		"can_chat":     st.CanChat(),
		"auth_failure": nil,
	}
	if f := st.AuthFailure; f != nil {
		body["auth_failure"] = authFailureJSON{Code: f.Code, Message: f.Message, Field: f.Field}
	}
	if why := st.Refusal; why != nil {
		// The browser is told the same whatever the reason (F9); the
		// operator learns it here, by code and field, never by value.
		s.metrics.claimsRefused.WithLabelValues(string(why.Code)).Inc()
		s.logger(r).Info("identity claim refused", "app", app.ID, "reason", string(why.Code), "field", why.Field)
	}
	writeJSON(w, http.StatusCreated, body)
	return nil
}

// sessionRequest decodes a session request and finds its app, limiting
// the rate at which one client may start sessions: each may make a device.
func (s *Server) sessionRequest(r *http.Request) (*kith.App, *sessionRequest, error) {
	// The address first, before anything is read: each start may make a
	// device.
	b := s.budgets.sessions
	if err := take(budget.Charge{Buckets: b.address, Key: s.clientAddr(r), N: 1, What: b.what + " from this address"}); err != nil {
		return nil, nil, err
	}
	var req sessionRequest
	if err := decode(r, &req); err != nil {
		return nil, nil, err
	}
	if req.AppID == "" {
		return nil, nil, missing("app_id", "the app the widget belongs to")
	}
	// The app's id, or an alias that a vendor's embed code carries (W2).
	app, err := s.apps.AppFor(r.Context(), req.AppID)
	if err != nil {
		return nil, nil, err
	}
	if err := take(budget.Charge{Buckets: b.app, Key: app.ID, N: 1, What: b.what + " of this app"}); err != nil {
		return nil, nil, err
	}
	return app, &req, nil
}

// prefixField puts a decoding error of a nested object under its path.
func prefixField(path string, err error) error {
	var ke *kith.Error
	if errors.As(err, &ke) {
		e := *ke
		if e.Field != "" {
			e.Field = path + "." + e.Field
		} else {
			e.Field = path
		}
		return &e
	}
	return err
}

// sessionUser is the user as the widget sees it; an anonymous visitor who
// never wrote has no id yet but already has a name.
func sessionUser(c *chat.Caller, u *kith.User) userJSON {
	if u == nil {
		return userJSON{DisplayName: c.Device.AnonymousName, Trust: c.Session.Trust}
	}
	return userJSON{ID: &u.ID, DisplayName: u.DisplayName, Trust: c.Session.Trust}
}

// callerKey carries the authenticated widget session of a request.
type callerKey struct{}

// widget wraps a widget endpoint: it authenticates the session's bearer
// token and checks the origin against the session's app.
func (s *Server) widget(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := s.chat.Authenticate(r.Context(), bearerToken(r))
		if err != nil {
			echoOrigin(w, r) // the widget must read that its session ended
			return err
		}
		if err := allowOrigin(w, r, c.App); err != nil {
			return err
		}
		return h(w, r.WithContext(context.WithValue(r.Context(), callerKey{}, c)))
	}
}

func widgetCaller(r *http.Request) *chat.Caller { return r.Context().Value(callerKey{}).(*chat.Caller) }

// bearerToken reads "Authorization: Bearer <token>".
func bearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

func (s *Server) endSession(w http.ResponseWriter, r *http.Request) error {
	if err := s.chat.Logout(r.Context(), widgetCaller(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) updateIdentity(w http.ResponseWriter, r *http.Request) error {
	var req identityWire
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.UserRef.Set {
		return kith.Errorf(kith.CodeInvalidField, "user_ref", "updateIdentity changes traits, never the user_ref (S8)")
	}
	t, err := req.traits("")
	if err != nil {
		return err
	}
	c := widgetCaller(r)
	if err := s.chargeWrite(r, c, []scoped{s.budgets.identity}, 0); err != nil {
		return err
	}
	u, err := s.chat.UpdateIdentity(r.Context(), c, t)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": sessionUser(c, u)})
	return nil
}

func (s *Server) widgetConversations(w http.ResponseWriter, r *http.Request) error {
	p, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	convs, err := s.chat.Conversations(r.Context(), widgetCaller(r), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page(convs, limit, func(c *kith.ConversationSummary) string { return c.ID },
		chat.NewConversationJSON))
	return nil
}

type bodyRequest struct {
	Body string `json:"body"`
}

func (s *Server) widgetStartConversation(w http.ResponseWriter, r *http.Request) error {
	var req bodyRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	c := widgetCaller(r)
	if err := s.chargeWrite(r, c, []scoped{s.budgets.messages, s.budgets.conversations}, len(req.Body)); err != nil {
		return err
	}
	sum, err := s.chat.StartConversation(r.Context(), c, req.Body)
	if err != nil {
		return err
	}
	u, err := s.store.User(r.Context(), c.App.OrgID, sum.UserID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"conversation": chat.NewConversationJSON(sum),
		"message":      chat.NewMessageJSON(sum.LastMessage),
		"user":         sessionUser(c, u),
	})
	return nil
}

func (s *Server) widgetMessages(w http.ResponseWriter, r *http.Request) error {
	p, limit, err := messagePage(r)
	if err != nil {
		return err
	}
	msgs, err := s.chat.Messages(r.Context(), widgetCaller(r), r.PathValue("id"), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page(msgs, limit, func(m *kith.Message) string { return m.ID }, chat.NewMessageJSON))
	return nil
}

// messagePage reads a page of messages: after a message id (the widget's
// "what did I miss"), or the cursor of the page before.
func messagePage(r *http.Request) (kith.Page, int, error) {
	p, limit, err := pageParams(r)
	if after := r.URL.Query().Get("after"); after != "" && p.After == "" {
		p.After = after
	}
	return p, limit, err
}

func (s *Server) widgetSend(w http.ResponseWriter, r *http.Request) error {
	var req bodyRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	c := widgetCaller(r)
	if err := s.chargeWrite(r, c, []scoped{s.budgets.messages}, len(req.Body)); err != nil {
		return err
	}
	m, err := s.chat.Send(r.Context(), c, r.PathValue("id"), req.Body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, chat.NewMessageJSON(m))
	return nil
}

// widgetTyping tells the agents that the visitor is writing (I1). The
// widget sends it every few seconds while they do.
func (s *Server) widgetTyping(w http.ResponseWriter, r *http.Request) error {
	c := widgetCaller(r)
	if err := s.chargeWrite(r, c, []scoped{s.budgets.typing}, 0); err != nil {
		return err
	}
	if err := s.chat.UserTyping(r.Context(), c, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) widgetRead(w http.ResponseWriter, r *http.Request) error {
	c := widgetCaller(r)
	if err := s.chargeWrite(r, c, []scoped{s.budgets.reads}, 0); err != nil {
		return err
	}
	if err := s.chat.MarkRead(r.Context(), c, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// wsWriteTimeout bounds one write to a widget's socket: a client that
// cannot take a message in that time is gone.
const wsWriteTimeout = 10 * time.Second
