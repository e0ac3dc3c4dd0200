package apps

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kith-chat/kith/internal/kith"
)

// SettingNames lists the settings SetSetting knows, in the order of the
// spec's section 9.
var SettingNames = []string{"verification_required", "email_unique", "anonymous_expiry", "on_login",
	"allowed_origins", "session_token_max_lifetime"}

// MaxSessionTokenLifetime bounds session_token_max_lifetime: a session
// token is meant to be redeemed within moments of being minted.
const MaxSessionTokenLifetime = 30 * 24 * time.Hour

// SetSetting sets one setting from its text form, as the CLI and the API
// take it. Errors name the setting.
func SetSetting(s *kith.AppSettings, name, value string) error {
	switch name {
	case "verification_required":
		return parseBool(name, value, &s.VerificationRequired)
	case "email_unique":
		return parseBool(name, value, &s.EmailUnique)
	case "anonymous_expiry":
		d, err := ParseDuration(name, value)
		if err != nil {
			return err
		}
		if d < time.Hour {
			return kith.Errorf(kith.CodeInvalidField, name, "must be at least 1h")
		}
		s.AnonymousExpiry = d
	case "on_login":
		switch o := kith.OnLogin(value); o {
		case kith.OnLoginKeep, kith.OnLoginClear, kith.OnLoginClaim:
			s.OnLogin = o
		default:
			return kith.Errorf(kith.CodeInvalidField, name, "%s must be keep, clear or claim", name)
		}
	case "allowed_origins":
		origins := []string{}
		for o := range strings.SplitSeq(value, ",") {
			if o = strings.TrimSpace(o); o == "" {
				continue
			}
			if o == kith.AnyOrigin {
				origins = append(origins, o)
				continue
			}
			if err := checkOrigin(name, o); err != nil {
				return err
			}
			origins = append(origins, strings.ToLower(o))
		}
		s.AllowedOrigins = origins
	case "session_token_max_lifetime":
		d, err := ParseDuration(name, value)
		if err != nil {
			return err
		}
		if d < time.Minute || d > MaxSessionTokenLifetime {
			return kith.Errorf(kith.CodeInvalidField, name, "must be between 1m and 30d")
		}
		s.SessionTokenMaxLifetime = d
	default:
		return kith.Errorf(kith.CodeUnknownField, name, "unknown setting %q; the settings are %s",
			name, strings.Join(SettingNames, ", "))
	}
	return nil
}

func parseBool(name, value string, dst *bool) error {
	b, err := strconv.ParseBool(value)
	if err != nil {
		return kith.Errorf(kith.CodeInvalidField, name, "%s must be true or false", name)
	}
	*dst = b
	return nil
}

// checkOrigin accepts a web origin: scheme, host and optional port, with
// nothing after (https://example.com, http://localhost:3000).
func checkOrigin(name, o string) error {
	// An origin is exactly what a browser sends in its Origin header, so
	// anything that would not come back as scheme://host[:port] is refused.
	o = strings.ToLower(o)
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		o != u.Scheme+"://"+u.Host || strings.HasSuffix(u.Host, ":") {
		return kith.Errorf(kith.CodeInvalidField, name,
			"%s holds something that is not an origin such as https://example.com (scheme and host, no path)", name)
	}
	return nil
}

// ParseDuration reads a duration as Go writes them (90m, 1h30m) plus whole
// days (7d), the unit people think of expiries in.
func ParseDuration(name, value string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(value, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 || n > 3650 {
			return 0, kith.Errorf(kith.CodeInvalidField, name, "%s is not a number of days such as 7d", name)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(value)
	if err != nil || d <= 0 {
		return 0, kith.Errorf(kith.CodeInvalidField, name, "%s is not a duration such as 7d, 12h or 30m", name)
	}
	return d, nil
}

// FormatDuration writes a duration the way ParseDuration reads it,
// preferring whole days.
func FormatDuration(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	}
	// time.Duration writes 1h30m0s and 2h0m0s; drop the zero tails only.
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
