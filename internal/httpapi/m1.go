package httpapi

import (
	"github.com/go-json-experiment/json/jsontext"
	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/kith"
	"slices"
	"strings"
	"time"
)

// m1Request is the body of DevRev's auth-tokens.create (M1), with the
// fields its server SDK (@devrev/typescript-sdk) documents for the call.
type m1Request struct {
	RevInfo *revInfo `json:"rev_info"`
	// ExpiresIn is in days, as DevRev defines it; ExpiresInMins is in
	// minutes, as DevRev's SDK also offers. The app's
	// session_token_max_lifetime caps either.
	ExpiresIn     opt[float64] `json:"expires_in"`
	ExpiresInMins opt[float64] `json:"expires_in_mins"`
	// RequestedTokenType, when sent, must ask for a session of a Rev user:
	// the only token Kith issues.
	RequestedTokenType opt[string] `json:"requested_token_type"`
	GrantType          opt[string] `json:"grant_type"`
	// ActAs and the subject token would make the token someone else's:
	// refused rather than ignored.
	ActAs            opt[string] `json:"act_as"`
	SubjectToken     opt[string] `json:"subject_token"`
	SubjectTokenType opt[string] `json:"subject_token_type"`
	// The SDK's fields for other kinds of tokens, read and ignored.
	Aud       opt[[]string] `json:"aud"`
	ClientID  opt[string]   `json:"client_id"`
	Scope     opt[string]   `json:"scope"`
	TokenHint opt[string]   `json:"token_hint"`
}

// The requested_token_type values that ask for a Rev user's session.
var sessionTokenTypes = []string{"urn:devrev:params:oauth:token-type:session", "urn:devrev:params:oauth:token-type:session:rev"}

type revInfo struct {
	// UserID is DevRev's own id of a Rev user, which Kith has no use for:
	// refused, pointing to user_ref.
	UserID opt[string] `json:"user_id"`
	// OrgRef and OrgTraits are DevRev's old names of account_ref and
	// account_traits, read as those.
	OrgRef          opt[string]      `json:"org_ref"`
	OrgTraits       *accountTraits   `json:"org_traits"`
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
// asks for, in nanoseconds as a float (0: the app's maximum), since many
// days would overflow a Duration.
func (req *m1Request) claim() (*identity.Claim, float64, error) {
	asked, err := req.lifetime()
	if err != nil {
		return nil, 0, err
	}
	if err := req.tokenKind(); err != nil {
		return nil, 0, err
	}
	ri := req.RevInfo
	if ri == nil {
		return nil, 0, missing("rev_info", "the user the token is for")
	}
	if err := ri.modernNames(); err != nil {
		return nil, 0, err
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
	return c, asked, nil
}

// lifetime reads expires_in (days) or expires_in_mins, in nanoseconds.
func (req *m1Request) lifetime() (float64, error) {
	days, mins := req.ExpiresIn, req.ExpiresInMins
	sent := func(o opt[float64]) bool { return o.Set && !o.Null }
	switch {
	case sent(days) && sent(mins):
		return 0, kith.Errorf(kith.CodeInvalidRequest, "expires_in_mins", "send expires_in (days) or expires_in_mins, not both")
	case sent(mins):
		// A token must live long enough to reach the widget: a minute at least.
		if mins.V < 1 || mins.V > 1440 {
			return 0, kith.Errorf(kith.CodeInvalidField, "expires_in_mins", "expires_in_mins is a number of minutes from 1 to 1440")
		}
		return mins.V * float64(time.Minute), nil
	case sent(days):
		if days.V*24*60 < 1 {
			return 0, kith.Errorf(kith.CodeInvalidField, "expires_in",
				"expires_in is a number of days, at least one minute's worth (0.0007)")
		}
		return days.V * float64(24*time.Hour), nil
	}
	return 0, nil
}

// tokenKind refuses a request for any token but a Rev user's session.
func (req *m1Request) tokenKind() error {
	if t := req.RequestedTokenType; t.Set && !t.Null && !slices.Contains(sessionTokenTypes, t.V) {
		return kith.Errorf(kith.CodeInvalidField, "requested_token_type",
			"Kith issues only session tokens for widget users: requested_token_type must be %s, or left out",
			strings.Join(sessionTokenTypes, " or "))
	}
	if g := req.GrantType; g.Set && !g.Null && g.V != "urn:devrev:params:oauth:grant-type:token-issue" {
		return kith.Errorf(kith.CodeInvalidField, "grant_type",
			"Kith issues tokens, it does not exchange them: grant_type must be urn:devrev:params:oauth:grant-type:token-issue, or left out")
	}
	for name, o := range map[string]opt[string]{"act_as": req.ActAs, "subject_token": req.SubjectToken, "subject_token_type": req.SubjectTokenType} {
		if o.Set && !o.Null {
			return kith.Errorf(kith.CodeInvalidField, name,
				"%s would issue a token for someone other than rev_info's user: Kith does not support it", name)
		}
	}
	return nil
}

// modernNames reads DevRev's old names as their modern equivalents:
// org_ref and org_traits are account_ref and account_traits. user_id,
// DevRev's own id of a user, cannot be read as anything: refused.
func (ri *revInfo) modernNames() error {
	if ri.UserID.Set && !ri.UserID.Null {
		return kith.Errorf(kith.CodeInvalidField, "rev_info.user_id",
			"rev_info.user_id is DevRev's id of a user: send your own id of the user as rev_info.user_ref")
	}
	if ri.OrgRef.Set {
		if ri.AccountRef.Set {
			return kith.Errorf(kith.CodeInvalidRequest, "rev_info.org_ref", "send rev_info.account_ref, not org_ref beside it")
		}
		ri.AccountRef, ri.OrgRef = ri.OrgRef, opt[string]{}
	}
	if ri.OrgTraits != nil {
		if ri.AccountTraits != nil {
			return kith.Errorf(kith.CodeInvalidRequest, "rev_info.org_traits", "send rev_info.account_traits, not org_traits beside it")
		}
		ri.AccountTraits, ri.OrgTraits = ri.OrgTraits, nil
	}
	return nil
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
