package httpapi

import (
	"github.com/go-json-experiment/json/jsontext"
	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/kith"
)

// m1Request is the body of DevRev's auth-tokens.create (M1).
type m1Request struct {
	RevInfo *revInfo `json:"rev_info"`
	// ExpiresIn is in days, as DevRev defines it; the app's
	// session_token_max_lifetime caps it.
	ExpiresIn opt[float64] `json:"expires_in"`
}

type revInfo struct {
	UserRef         opt[string]      `json:"user_ref"`
	AccountRef      opt[string]      `json:"account_ref"`
	WorkspaceRef    opt[string]      `json:"workspace_ref"`
	UserTraits      *userTraits      `json:"user_traits"`
	AccountTraits   *accountTraits   `json:"account_traits"`
	WorkspaceTraits *workspaceTraits `json:"workspace_traits"`
}

type userTraits struct {
	Email        opt[string]               `json:"email"`
	DisplayName  opt[string]               `json:"display_name"`
	PhoneNumbers opt[[]string]             `json:"phone_numbers"`
	CustomFields map[string]jsontext.Value `json:"custom_fields"`
}

type accountTraits struct {
	DisplayName  opt[string]               `json:"display_name"`
	Domains      opt[[]string]             `json:"domains"`
	PhoneNumbers opt[[]string]             `json:"phone_numbers"`
	CustomFields map[string]jsontext.Value `json:"custom_fields"`
}

type workspaceTraits struct {
	DisplayName  opt[string]               `json:"display_name"`
	CustomFields map[string]jsontext.Value `json:"custom_fields"`
}

// claim validates the request and returns its claim and the lifetime it
// asks for, in days (0: the app's maximum).
func (req *m1Request) claim() (*identity.Claim, float64, error) {
	var days float64
	if req.ExpiresIn.Set && !req.ExpiresIn.Null {
		// A token must live long enough to reach the widget: a minute at least.
		if days = req.ExpiresIn.V; days*24*60 < 1 {
			return nil, 0, kith.Errorf(kith.CodeInvalidField, "expires_in",
				"expires_in is a number of days, at least one minute's worth (0.0007)")
		}
	}
	ri := req.RevInfo
	if ri == nil {
		return nil, 0, missing("rev_info", "the user the token is for")
	}
	c := &identity.Claim{
		Method: kith.MethodSessionToken,
		Trust:  kith.TrustVerified,
		Paths: identity.Paths{
			UserRef:      "rev_info.user_ref",
			Email:        "rev_info.user_traits.email",
			AccountRef:   "rev_info.account_ref",
			WorkspaceRef: "rev_info.workspace_ref",
		},
	}
	var err error
	if !ri.UserRef.Set || ri.UserRef.Null || ri.UserRef.V == "" {
		return nil, 0, missing("rev_info.user_ref", "the user's id in your system (R1)")
	}
	if c.UserRef, err = identity.UserRef("rev_info.user_ref", ri.UserRef.V); err != nil {
		return nil, 0, err
	}
	if c.AccountRef, err = optionalRef("rev_info.account_ref", ri.AccountRef); err != nil {
		return nil, 0, err
	}
	if c.WorkspaceRef, err = optionalRef("rev_info.workspace_ref", ri.WorkspaceRef); err != nil {
		return nil, 0, err
	}
	if t := ri.UserTraits; t != nil {
		if c.User, err = t.traits("rev_info.user_traits"); err != nil {
			return nil, 0, err
		}
	}
	if t := ri.AccountTraits; t != nil {
		if c.Account, err = t.traits("rev_info.account_traits"); err != nil {
			return nil, 0, err
		}
		if c.AccountRef == "" && t.sent() {
			return nil, 0, missing("rev_info.account_ref", "account_traits describe the account named by account_ref")
		}
	}
	if t := ri.WorkspaceTraits; t != nil {
		if c.Workspace, err = t.traits("rev_info.workspace_traits"); err != nil {
			return nil, 0, err
		}
		if c.WorkspaceRef == "" && t.sent() {
			return nil, 0, missing("rev_info.workspace_ref", "workspace_traits describe the workspace named by workspace_ref")
		}
	}
	return c, days, nil
}

func optionalRef(path string, o opt[string]) (string, error) {
	if !o.Set || o.Null || o.V == "" {
		return "", nil
	}
	return identity.Ref(path, o.V)
}

func (t *userTraits) traits(path string) (u identity.UserTraits, err error) {
	if u.Email, err = textUpdate(path+".email", t.Email, identity.Email); err != nil {
		return u, err
	}
	if u.DisplayName, err = textUpdate(path+".display_name", t.DisplayName, displayName); err != nil {
		return u, err
	}
	if u.PhoneNumbers, err = listUpdate(path+".phone_numbers", t.PhoneNumbers, identity.PhoneNumber); err != nil {
		return u, err
	}
	u.CustomFields = rawFields(path+".custom_fields", t.CustomFields, false)
	return u, nil
}

func (t *accountTraits) traits(path string) (a identity.AccountTraits, err error) {
	if a.DisplayName, err = textUpdate(path+".display_name", t.DisplayName, displayName); err != nil {
		return a, err
	}
	if a.Domains, err = listUpdate(path+".domains", t.Domains, identity.Domain); err != nil {
		return a, err
	}
	if a.PhoneNumbers, err = listUpdate(path+".phone_numbers", t.PhoneNumbers, identity.PhoneNumber); err != nil {
		return a, err
	}
	a.CustomFields = rawFields(path+".custom_fields", t.CustomFields, false)
	return a, nil
}

// sent reports whether the traits say anything; an empty object is as
// good as none.
func (t *accountTraits) sent() bool {
	return t.DisplayName.Set || t.Domains.Set || t.PhoneNumbers.Set || len(t.CustomFields) > 0
}

func (t *workspaceTraits) traits(path string) (w identity.WorkspaceTraits, err error) {
	if w.DisplayName, err = textUpdate(path+".display_name", t.DisplayName, displayName); err != nil {
		return w, err
	}
	w.CustomFields = rawFields(path+".custom_fields", t.CustomFields, false)
	return w, nil
}

func (t *workspaceTraits) sent() bool { return t.DisplayName.Set || len(t.CustomFields) > 0 }
