package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/kith-chat/kith/internal/kith"
)

// Page sizes of the server API's lists.
const (
	defaultPageSize = 50
	maxPageSize     = 200
)

// pageParams reads limit and cursor; it asks the store for one more record
// than the page, to know whether there is a next page.
func pageParams(r *http.Request) (kith.Page, int, error) {
	q := r.URL.Query()
	limit := defaultPageSize
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPageSize {
			return kith.Page{}, 0, kith.Errorf(kith.CodeInvalidField, "limit", "limit must be a number from 1 to %d", maxPageSize)
		}
		limit = n
	}
	return kith.Page{After: q.Get("cursor"), Limit: limit + 1}, limit, nil
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	p, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := kith.UserFilter{Ref: q.Get("ref"), Email: strings.ToLower(q.Get("email")), Trust: kith.Trust(q.Get("trust")), Page: p}
	if f.Trust != "" && !f.Trust.Valid() {
		return kith.Errorf(kith.CodeInvalidField, "trust", "trust must be anonymous, unverified or verified")
	}
	users, err := s.store.Users(r.Context(), callerOrg(r), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page(users, limit, func(u *kith.User) string { return u.ID }, newUserSummary))
	return nil
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) error {
	ctx, org := r.Context(), callerOrg(r)
	u, err := s.store.User(ctx, org, r.PathValue("id"))
	if err != nil {
		return err
	}
	v, err := s.userView(ctx, org, u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// userView is a user with their account and workspaces, as the server API
// and the inbox show them.
func (s *Server) userView(ctx context.Context, org string, u *kith.User) (userView, error) {
	v := userView{
		userSummary:            newUserSummary(u),
		PhoneNumbers:           nonNil(u.PhoneNumbers),
		AvatarURL:              null(u.AvatarURL),
		Language:               null(u.Language),
		CustomFields:           fields(u.CustomFields),
		UnverifiedCustomFields: fields(u.UnverifiedCustomFields),
		UnverifiedEmail:        null(u.UnverifiedEmail),
		Workspaces:             []workspaceView{},
	}
	if u.AccountID != "" {
		a, err := s.store.Account(ctx, org, u.AccountID)
		if err != nil {
			return v, err
		}
		v.Account = &accountRef{ID: a.ID, AccountRef: null(a.Ref), DisplayName: a.DisplayName}
	}
	ws, err := s.store.Workspaces(ctx, org, kith.WorkspaceFilter{UserID: u.ID})
	if err != nil {
		return v, err
	}
	for _, w := range ws {
		v.Workspaces = append(v.Workspaces, newWorkspaceView(w))
	}
	return v, nil
}

func (s *Server) listUserEvents(w http.ResponseWriter, r *http.Request) error {
	p, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	ctx, org := r.Context(), callerOrg(r)
	u, err := s.store.User(ctx, org, r.PathValue("id"))
	if err != nil {
		return err
	}
	events, err := s.store.Events(ctx, org, u.ID, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page(events, limit, func(e *kith.IdentityEvent) string { return e.ID }, newEventView))
	return nil
}

func (s *Server) listAccounts(w http.ResponseWriter, r *http.Request) error {
	p, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	accounts, err := s.store.Accounts(r.Context(), callerOrg(r), kith.AccountFilter{Ref: r.URL.Query().Get("ref"), Page: p})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page(accounts, limit, func(a *kith.Account) string { return a.ID }, newAccountView))
	return nil
}

func (s *Server) getAccount(w http.ResponseWriter, r *http.Request) error {
	a, err := s.store.Account(r.Context(), callerOrg(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newAccountView(a))
	return nil
}

func (s *Server) listWorkspaces(w http.ResponseWriter, r *http.Request) error {
	p, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := kith.WorkspaceFilter{Ref: q.Get("ref"), AccountID: q.Get("account_id"), Page: p}
	workspaces, err := s.store.Workspaces(r.Context(), callerOrg(r), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page(workspaces, limit, func(w *kith.Workspace) string { return w.ID }, newWorkspaceView))
	return nil
}

func (s *Server) getWorkspace(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.store.Workspace(r.Context(), callerOrg(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newWorkspaceView(ws))
	return nil
}
