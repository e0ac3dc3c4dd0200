package identity

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/kith-chat/kith/internal/kith"
)

// Resolution is what a claim resolved to.
type Resolution struct {
	User      *kith.User
	Account   *kith.Account   // nil when the user has none
	Workspace *kith.Workspace // nil when the claim named none
	Created   bool            // the user is new
}

// Resolver turns claims into users, accounts and workspaces (section 4).
type Resolver struct {
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// Name makes a display name for a user sent without one; FriendlyName
	// when nil.
	Name func() string
}

func (r *Resolver) now() time.Time {
	if r.Now != nil {
		return r.Now().UTC().Truncate(time.Microsecond)
	}
	return time.Now().UTC().Truncate(time.Microsecond) // the store keeps microseconds
}

func (r *Resolver) name() string {
	if r.Name != nil {
		return r.Name()
	}
	return FriendlyName()
}

// Resolve finds or creates the user, account and workspace of a claim made
// through app, applies the claim's traits and records the identity events,
// all within tx. Run it inside Store.Tx: any error leaves nothing written
// (R7), and a transaction that loses a race is run again and finds what the
// winner created (R1).
//
// Errors: 400 codes for custom fields that are undefined or of the wrong
// type (F5); CodeWorkspaceMoved when the workspace belongs to another
// account (R3); CodeEmailTaken when the email belongs to another user and
// the app keeps emails unique (R6).
func (r *Resolver) Resolve(ctx context.Context, tx kith.Tx, app *kith.App, c *Claim) (*Resolution, error) {
	now := r.now()
	f, err := checkClaimFields(ctx, tx, app.OrgID, c)
	if err != nil {
		return nil, err
	}
	acc, ws, err := r.place(ctx, tx, app.OrgID, c, f, now)
	if err != nil {
		return nil, err
	}
	res, err := r.resolveUser(ctx, tx, app, c, f, acc, ws, now)
	if err != nil {
		return nil, err
	}
	res.Account, res.Workspace = acc, ws
	return res, nil
}

// claimFields are a claim's custom field changes, checked against their
// definitions.
type claimFields struct {
	user, unverified, account, workspace kith.Fields
}

func checkClaimFields(ctx context.Context, tx kith.Tx, orgID string, c *Claim) (claimFields, error) {
	var f claimFields
	if len(c.User.CustomFields)+len(c.User.UnverifiedCustomFields)+len(c.Account.CustomFields)+
		len(c.Workspace.CustomFields) == 0 {
		return f, nil // the common case needs no definitions
	}
	defs, err := tx.CustomFields(ctx, orgID, "")
	if err != nil {
		return f, err
	}
	byObject := map[kith.Object][]*kith.CustomField{}
	for _, d := range defs {
		byObject[d.Object] = append(byObject[d.Object], d)
	}
	for _, step := range []struct {
		dst *kith.Fields
		raw []RawField
		obj kith.Object
	}{
		{&f.user, c.User.CustomFields, kith.ObjectUser},
		{&f.unverified, c.User.UnverifiedCustomFields, kith.ObjectUser},
		{&f.account, c.Account.CustomFields, kith.ObjectAccount},
		{&f.workspace, c.Workspace.CustomFields, kith.ObjectWorkspace},
	} {
		if *step.dst, err = CheckFields(step.raw, byObject[step.obj]); err != nil {
			return f, err
		}
	}
	return f, nil
}

// place finds or creates the claim's account and workspace (R3): user only,
// user and account, or user, workspace and account. A workspace sent without
// an account gets an account of its own, without a reference; when that
// workspace is later sent with an account that does not exist yet, its
// account takes the reference, as a user found by email takes a user_ref.
func (r *Resolver) place(ctx context.Context, tx kith.Tx, orgID string, c *Claim, f claimFields, now time.Time) (
	acc *kith.Account, ws *kith.Workspace, err error) {
	if c.WorkspaceRef != "" {
		if ws, err = found(tx.WorkspaceByRef(ctx, orgID, c.WorkspaceRef)); err != nil {
			return nil, nil, err
		}
	}
	if c.AccountRef != "" {
		if acc, err = found(tx.AccountByRef(ctx, orgID, c.AccountRef)); err != nil {
			return nil, nil, err
		}
	}
	var accChanged []string
	switch {
	case ws != nil && c.AccountRef != "" && (acc == nil || acc.ID != ws.AccountID):
		holder, err := tx.Account(ctx, orgID, ws.AccountID)
		if err != nil {
			return nil, nil, err
		}
		if acc != nil || holder.Ref != "" {
			return nil, nil, kith.Errorf(kith.CodeWorkspaceMoved, c.Paths.WorkspaceRef,
				"this workspace belongs to another account than the one sent; a workspace never moves between accounts")
		}
		holder.Ref, acc = c.AccountRef, holder
		accChanged = append(accChanged, "account_ref")
	case ws != nil:
		if acc, err = tx.Account(ctx, orgID, ws.AccountID); err != nil {
			return nil, nil, err
		}
	}

	if acc == nil && (c.AccountRef != "" || c.WorkspaceRef != "") {
		acc = &kith.Account{OrgID: orgID, Ref: c.AccountRef, CreatedAt: now, UpdatedAt: now}
		if c.AccountRef != "" {
			ApplyAccount(acc, c.Account, f.account)
		}
		if acc.DisplayName == "" {
			acc.DisplayName = firstOf(c.AccountRef, c.Workspace.DisplayName.To, c.WorkspaceRef)
		}
		if err := tx.CreateAccount(ctx, acc); err != nil {
			return nil, nil, err
		}
	} else if acc != nil && c.AccountRef != "" {
		accChanged = append(accChanged, ApplyAccount(acc, c.Account, f.account)...)
		if acc.DisplayName == "" {
			acc.DisplayName = acc.Ref
		}
		if len(accChanged) > 0 {
			acc.UpdatedAt = now
			if err := tx.UpdateAccount(ctx, acc); err != nil {
				return nil, nil, err
			}
		}
	}

	switch {
	case ws == nil && c.WorkspaceRef != "":
		ws = &kith.Workspace{OrgID: orgID, AccountID: acc.ID, Ref: c.WorkspaceRef, CreatedAt: now, UpdatedAt: now}
		ApplyWorkspace(ws, c.Workspace, f.workspace)
		if ws.DisplayName == "" {
			ws.DisplayName = ws.Ref
		}
		err = tx.CreateWorkspace(ctx, ws)
	case ws != nil:
		if changed := ApplyWorkspace(ws, c.Workspace, f.workspace); len(changed) > 0 {
			if ws.DisplayName == "" {
				ws.DisplayName = ws.Ref
			}
			ws.UpdatedAt = now
			err = tx.UpdateWorkspace(ctx, ws)
		}
	}
	if err != nil {
		return nil, nil, err
	}
	return acc, ws, nil
}

// resolveUser finds or creates the user (R4, R5), applies the traits (R2),
// checks email uniqueness (R6) and records the decision (R8).
func (r *Resolver) resolveUser(ctx context.Context, tx kith.Tx, app *kith.App, c *Claim, f claimFields,
	acc *kith.Account, ws *kith.Workspace, now time.Time) (*Resolution, error) {
	orgID := app.OrgID
	var byRef *kith.User
	var err error
	if c.UserRef != "" {
		if byRef, err = found(tx.UserByRef(ctx, orgID, c.Trust, c.UserRef)); err != nil {
			return nil, err
		}
	}
	email := c.email()
	var holders []*kith.User
	if email != "" {
		if holders, err = tx.UsersByEmail(ctx, orgID, c.Trust, email); err != nil {
			return nil, err
		}
	}

	m := MatchUser(c.UserRef, email, byRef, holders)
	u, created := m.User, m.User == nil
	var oldEmail string
	if created {
		u = &kith.User{OrgID: orgID, Trust: c.Trust, Ref: c.UserRef, CreatedAt: now}
	} else {
		oldEmail = u.Email
	}
	changed := ApplyUser(u, c.User, f.user, f.unverified)
	if m.TakesRef {
		u.Ref = c.UserRef
		changed = append(changed, "user_ref")
	}
	if acc != nil && u.AccountID != acc.ID {
		u.AccountID = acc.ID
		changed = append(changed, "account")
	}
	if u.DisplayName == "" {
		u.DisplayName = r.name()
	}
	var withheld *kith.User
	if email != "" && email != oldEmail {
		if withheld = EmailConflict(app.Settings.EmailUnique, u, holders); withheld != nil {
			if c.Trust != kith.TrustUnverified {
				return nil, kith.Errorf(kith.CodeEmailTaken, c.Paths.Email,
					"another user already has this email, and this app keeps emails unique (setting email_unique)")
			}
			changed = withholdEmail(u, oldEmail, changed)
		}
	}

	u.UpdatedAt = now
	switch {
	case created:
		err = tx.CreateUser(ctx, u)
	case len(changed) > 0:
		err = tx.UpdateUser(ctx, u)
	}
	if err != nil {
		return nil, err
	}
	if ws != nil {
		added, err := tx.AddWorkspaceMember(ctx, orgID, ws.ID, u.ID, now)
		if err != nil {
			return nil, err
		}
		if added {
			changed = append(changed, "workspaces")
		}
	}

	event := func(kind kith.EventKind, detail map[string]any) *kith.IdentityEvent {
		return &kith.IdentityEvent{OrgID: orgID, UserID: u.ID, AppID: app.ID, Kind: kind, Method: c.Method,
			Detail: detail, CreatedAt: now}
	}
	var events []*kith.IdentityEvent
	if created {
		events = append(events, event(kith.EventUserCreated, map[string]any{"trust": c.Trust, "fields": changed}))
	} else {
		events = append(events, event(kith.EventUserIdentified, map[string]any{
			"matched_by": m.By, "took_user_ref": m.TakesRef}))
		if len(changed) > 0 {
			events = append(events, event(kith.EventTraitsChanged, map[string]any{"fields": changed}))
		}
	}
	if withheld != nil {
		events = append(events, withheldEvent(app, u, withheld, c.Method, now))
	}
	if err := tx.AddEvents(ctx, events...); err != nil {
		return nil, err
	}
	return &Resolution{User: u, Created: created}, nil
}

// withholdEmail undoes a browser's claim of an email another unverified
// user holds (R6 with F9). Refusing the claim would tell whoever sent it
// that someone else claimed the email, so the claim goes on without it;
// the decision is recorded for the agents (withheldEvent).
func withholdEmail(u *kith.User, old string, changed []string) []string {
	u.Email = old
	return slices.DeleteFunc(changed, func(f string) bool { return f == "email" })
}

func withheldEvent(app *kith.App, u, holder *kith.User, method kith.Method, now time.Time) *kith.IdentityEvent {
	return &kith.IdentityEvent{OrgID: app.OrgID, UserID: u.ID, AppID: app.ID, Kind: kith.EventEmailWithheld, Method: method,
		CreatedAt: now, Detail: map[string]any{"holder": holder.ID,
			"reason": "another unverified user holds this email and the app keeps emails unique: it was not kept"}}
}

// found turns a not-found lookup into a nil record.
func found[T any](v *T, err error) (*T, error) {
	if errors.Is(err, kith.ErrNotFound) {
		return nil, nil
	}
	return v, err
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// Update applies traits to a known user, as the widget's updateIdentity
// does (S8): the reference never changes, custom fields are checked (F5) and
// merged, R6 holds within the user's namespace, and the change is recorded
// (R8). It returns the names of the traits that changed.
func (r *Resolver) Update(ctx context.Context, tx kith.Tx, app *kith.App, u *kith.User, t UserTraits, method kith.Method) ([]string, error) {
	c := &Claim{Method: method, Trust: u.Trust, User: t, Paths: Paths{Email: "email"}}
	f, err := checkClaimFields(ctx, tx, app.OrgID, c)
	if err != nil {
		return nil, err
	}
	oldEmail := u.Email
	changed := ApplyUser(u, t, f.user, f.unverified)
	if u.DisplayName == "" {
		u.DisplayName = r.name()
	}
	var events []*kith.IdentityEvent
	now := r.now()
	if u.Email != "" && u.Email != oldEmail {
		holders, err := tx.UsersByEmail(ctx, app.OrgID, u.Trust, u.Email)
		if err != nil {
			return nil, err
		}
		if holder := EmailConflict(app.Settings.EmailUnique, u, holders); holder != nil {
			if u.Trust != kith.TrustUnverified {
				return nil, kith.Errorf(kith.CodeEmailTaken, "email",
					"another user already has this email, and this app keeps emails unique (setting email_unique)")
			}
			changed = withholdEmail(u, oldEmail, changed)
			events = append(events, withheldEvent(app, u, holder, method, now))
		}
	}
	if len(changed) > 0 {
		u.UpdatedAt = now
		if err := tx.UpdateUser(ctx, u); err != nil {
			return nil, err
		}
		events = append(events, &kith.IdentityEvent{OrgID: app.OrgID, UserID: u.ID, AppID: app.ID,
			Kind: kith.EventTraitsChanged, Method: method, Detail: map[string]any{"fields": changed}, CreatedAt: now})
	}
	if len(events) == 0 {
		return nil, nil
	}
	return changed, tx.AddEvents(ctx, events...)
}
