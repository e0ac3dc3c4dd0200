package httpapi

import (
	"github.com/go-json-experiment/json/jsontext"
	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/kith"
)

// m2Request is the body of Open CX's authenticate-user (M2).
type m2Request struct {
	Email      opt[string]               `json:"email"`
	Name       opt[string]               `json:"name"`
	AvatarURL  opt[string]               `json:"avatar_url"`
	Phone      opt[string]               `json:"phone"`
	Language   opt[string]               `json:"language"`
	CustomData map[string]jsontext.Value `json:"custom_data"`
}

func (req *m2Request) claim() (*identity.Claim, error) {
	if !req.Email.Set || req.Email.Null || req.Email.V == "" {
		return nil, missing("email", "the user's email is their verified identity")
	}
	email, err := identity.Email("email", req.Email.V)
	if err != nil {
		return nil, err
	}
	c := &identity.Claim{
		Method: kith.MethodOpenCXToken,
		Trust:  kith.TrustVerified,
		Paths:  identity.Paths{Email: "email"},
	}
	c.User.Email = identity.Put(email)
	if c.User.DisplayName, err = textUpdate("name", req.Name, displayName); err != nil {
		return nil, err
	}
	if c.User.AvatarURL, err = textUpdate("avatar_url", req.AvatarURL, identity.URL); err != nil {
		return nil, err
	}
	if c.User.Language, err = textUpdate("language", req.Language, identity.Language); err != nil {
		return nil, err
	}
	phone, err := textUpdate("phone", req.Phone, identity.PhoneNumber)
	if err != nil {
		return nil, err
	}
	if phone.Set {
		c.User.PhoneNumbers = identity.Update[[]string]{Set: true}
		if phone.To != "" {
			c.User.PhoneNumbers.To = []string{phone.To}
		}
	}
	c.User.CustomFields = rawFields("custom_data", req.CustomData, true)
	return c, nil
}
