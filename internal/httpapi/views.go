package httpapi

import (
	"time"

	"github.com/kith-chat/kith/internal/kith"
)

// The JSON shapes of the server API, described in api/openapi.yaml.
// Absent references and emails are null rather than "".

type userSummary struct {
	ID          string     `json:"id"`
	Trust       kith.Trust `json:"trust"`
	UserRef     *string    `json:"user_ref"`
	Email       *string    `json:"email"`
	DisplayName string     `json:"display_name"`
	AccountID   *string    `json:"account_id"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

type userView struct {
	userSummary
	PhoneNumbers           []string        `json:"phone_numbers"`
	AvatarURL              *string         `json:"avatar_url"`
	Language               *string         `json:"language"`
	CustomFields           kith.Fields     `json:"custom_fields"`
	UnverifiedCustomFields kith.Fields     `json:"unverified_custom_fields"`
	UnverifiedEmail        *string         `json:"unverified_email"`
	Account                *accountRef     `json:"account"`
	Workspaces             []workspaceView `json:"workspaces"`
}

type accountRef struct {
	ID          string  `json:"id"`
	AccountRef  *string `json:"account_ref"`
	DisplayName string  `json:"display_name"`
}

type accountView struct {
	accountRef
	Domains      []string    `json:"domains"`
	PhoneNumbers []string    `json:"phone_numbers"`
	CustomFields kith.Fields `json:"custom_fields"`
	CreatedAt    time.Time   `json:"created_at"`
	UpdatedAt    time.Time   `json:"updated_at"`
}

type workspaceView struct {
	ID           string      `json:"id"`
	WorkspaceRef string      `json:"workspace_ref"`
	DisplayName  string      `json:"display_name"`
	AccountID    string      `json:"account_id"`
	CustomFields kith.Fields `json:"custom_fields"`
	CreatedAt    time.Time   `json:"created_at"`
	UpdatedAt    time.Time   `json:"updated_at"`
}

type eventView struct {
	ID        string         `json:"id"`
	UserID    string         `json:"user_id"`
	Kind      kith.EventKind `json:"kind"`
	Method    kith.Method    `json:"method"`
	AppID     *string        `json:"app_id"`
	Detail    map[string]any `json:"detail"`
	CreatedAt time.Time      `json:"created_at"`
}

type fieldView struct {
	ID        string         `json:"id"`
	Object    kith.Object    `json:"object"`
	Name      string         `json:"name"`
	Type      kith.FieldType `json:"type"`
	Values    []string       `json:"values"`
	CreatedAt time.Time      `json:"created_at"`
}

// list is the shape of every list: the page, and the cursor of the next
// one (null on the last page).
type list[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

func null(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func fields(f kith.Fields) kith.Fields {
	if f == nil {
		return kith.Fields{}
	}
	return f
}

func newUserSummary(u *kith.User) userSummary {
	return userSummary{ID: u.ID, Trust: u.Trust, UserRef: null(u.Ref), Email: null(u.Email),
		DisplayName: u.DisplayName, AccountID: null(u.AccountID), CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

func newAccountView(a *kith.Account) accountView {
	return accountView{
		accountRef:   accountRef{ID: a.ID, AccountRef: null(a.Ref), DisplayName: a.DisplayName},
		Domains:      nonNil(a.Domains),
		PhoneNumbers: nonNil(a.PhoneNumbers),
		CustomFields: fields(a.CustomFields),
		CreatedAt:    a.CreatedAt, UpdatedAt: a.UpdatedAt,
	}
}

func newWorkspaceView(w *kith.Workspace) workspaceView {
	return workspaceView{ID: w.ID, WorkspaceRef: w.Ref, DisplayName: w.DisplayName, AccountID: w.AccountID,
		CustomFields: fields(w.CustomFields), CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
}

func newEventView(e *kith.IdentityEvent) eventView {
	return eventView{ID: e.ID, UserID: e.UserID, Kind: e.Kind, Method: e.Method, AppID: null(e.AppID),
		Detail: cmpOr(e.Detail, map[string]any{}), CreatedAt: e.CreatedAt}
}

func newFieldView(f *kith.CustomField) fieldView {
	return fieldView{ID: f.ID, Object: f.Object, Name: f.Name, Type: f.Type, Values: nonNil(f.Values),
		CreatedAt: f.CreatedAt}
}

// page builds a list from one more record than the page holds: if it is
// there, there is a next page.
func page[R any, T any](records []*R, limit int, id func(*R) string, view func(*R) T) list[T] {
	out := list[T]{Data: make([]T, 0, min(len(records), limit))}
	for i, r := range records {
		if i == limit {
			next := id(records[i-1])
			out.NextCursor = &next
			break
		}
		out.Data = append(out.Data, view(r))
	}
	return out
}

// cmpOr returns m, or def when m is nil, so that JSON shows {} not null.
func cmpOr(m, def map[string]any) map[string]any {
	if m == nil {
		return def
	}
	return m
}
