package apps_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kith-chat/kith/internal/apps"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/kithtest"
)

const day = 24 * time.Hour

// settingCase sets one setting on the default settings: good values give
// want (the edit of the defaults), bad ones leave the settings untouched.
type settingCase struct {
	value string
	edit  func(s *kith.AppSettings) // nil: the value is refused
}

func runSetting(t *testing.T, name string, cases []settingCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(name+"="+tc.value, func(t *testing.T) {
			s := kith.DefaultAppSettings()
			err := apps.SetSetting(&s, name, tc.value)
			want := kith.DefaultAppSettings()
			if tc.edit == nil {
				kithtest.WantError(t, err, kith.CodeInvalidField, name)
			} else {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				tc.edit(&want)
			}
			if diff := cmp.Diff(want, s); diff != "" {
				t.Errorf("settings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSettingNames_MatchSpecSection9_Sec9(t *testing.T) {
	want := []string{"verification_required", "email_unique", "anonymous_expiry", "on_login",
		"allowed_origins", "session_token_max_lifetime"}
	if diff := cmp.Diff(want, apps.SettingNames); diff != "" {
		t.Errorf("SettingNames (-want +got):\n%s", diff)
	}
}

// Every name in SettingNames is known to SetSetting, and has a test below.
func TestSetSetting_EveryNameIsKnown_Sec9(t *testing.T) {
	good := map[string]string{
		"verification_required": "true", "email_unique": "false", "anonymous_expiry": "1d", "on_login": "claim",
		"allowed_origins": "https://example.com", "session_token_max_lifetime": "2h",
	}
	for _, name := range apps.SettingNames {
		v, ok := good[name]
		if !ok {
			t.Errorf("setting %s has no test value: add one here and a TestSetSetting_ test", name)
			continue
		}
		s := kith.DefaultAppSettings()
		if err := apps.SetSetting(&s, name, v); err != nil {
			t.Errorf("SetSetting(%s=%s): %v", name, v, err)
		}
		if cmp.Equal(kith.DefaultAppSettings(), s) {
			t.Errorf("SetSetting(%s=%s) changed nothing", name, v)
		}
	}
}

func TestSetSetting_UnknownName_Sec9(t *testing.T) {
	for _, name := range []string{"", "verification", "Email_Unique", "email_unique ", "on-login", "session_secret"} {
		t.Run(name, func(t *testing.T) {
			s := kith.DefaultAppSettings()
			err := apps.SetSetting(&s, name, "true")
			kithtest.WantError(t, err, kith.CodeUnknownField, name)
			var e *kith.Error
			if errors.As(err, &e) && !strings.Contains(e.Message, "session_token_max_lifetime") {
				t.Errorf("message %q does not list the settings", e.Message)
			}
			if diff := cmp.Diff(kith.DefaultAppSettings(), s); diff != "" {
				t.Errorf("settings changed (-want +got):\n%s", diff)
			}
		})
	}
}

func boolCases(set func(s *kith.AppSettings, v bool)) []settingCase {
	to := func(v bool) func(*kith.AppSettings) { return func(s *kith.AppSettings) { set(s, v) } }
	return []settingCase{
		{value: "true", edit: to(true)},
		{value: "false", edit: to(false)},
		{value: "TRUE", edit: to(true)},
		{value: "1", edit: to(true)},
		{value: "0", edit: to(false)},
		{value: ""},
		{value: "yes"},
		{value: "on"},
		{value: " true"},
		{value: "true\n"},
		{value: "2"},
	}
}

func TestSetSetting_VerificationRequired_S3(t *testing.T) {
	runSetting(t, "verification_required", boolCases(func(s *kith.AppSettings, v bool) { s.VerificationRequired = v }))
}

func TestSetSetting_EmailUnique_R6(t *testing.T) {
	runSetting(t, "email_unique", boolCases(func(s *kith.AppSettings, v bool) { s.EmailUnique = v }))
}

func TestSetSetting_AnonymousExpiry_S6(t *testing.T) {
	to := func(d time.Duration) func(*kith.AppSettings) {
		return func(s *kith.AppSettings) { s.AnonymousExpiry = d }
	}
	runSetting(t, "anonymous_expiry", []settingCase{
		{value: "7d", edit: to(7 * day)},
		{value: "1d", edit: to(day)},
		{value: "3650d", edit: to(3650 * day)},
		{value: "1h", edit: to(time.Hour)},
		{value: "90m", edit: to(90 * time.Minute)},
		{value: "36h", edit: to(36 * time.Hour)},

		{value: ""},
		{value: "59m"},
		{value: "3599s"},
		{value: "0d"},
		{value: "-1d"},
		{value: "-2h"},
		{value: "3651d"},
		{value: "1.5d"},
		{value: "7"},
		{value: "7D"},
		{value: "1w"},
		{value: "seven days"},
	})
}

func TestSetSetting_OnLogin_S5(t *testing.T) {
	to := func(o kith.OnLogin) func(*kith.AppSettings) { return func(s *kith.AppSettings) { s.OnLogin = o } }
	runSetting(t, "on_login", []settingCase{
		{value: "keep", edit: to(kith.OnLoginKeep)},
		{value: "clear", edit: to(kith.OnLoginClear)},
		{value: "claim", edit: to(kith.OnLoginClaim)},

		{value: ""},
		{value: "KEEP"},
		{value: "Claim"},
		{value: "merge"},
		{value: "keep "},
	})
}

func TestSetSetting_AllowedOrigins_Sec9(t *testing.T) {
	to := func(o ...string) func(*kith.AppSettings) {
		return func(s *kith.AppSettings) { s.AllowedOrigins = append([]string{}, o...) }
	}
	runSetting(t, "allowed_origins", []settingCase{
		{value: "https://example.com", edit: to("https://example.com")},
		{value: "http://localhost:3000", edit: to("http://localhost:3000")},
		{value: "https://a.example.com, http://localhost:3000", edit: to("https://a.example.com", "http://localhost:3000")},
		{value: "HTTPS://Example.COM", edit: to("https://example.com")},
		{value: "https://example.com,", edit: to("https://example.com")},
		{value: "", edit: to()},
		{value: " , ", edit: to()},
		{value: "https://[::1]:8080", edit: to("https://[::1]:8080")},

		{value: "example.com"},
		{value: "//example.com"},
		{value: "https://"},
		{value: "https://example.com/"},
		{value: "https://example.com/path"},
		{value: "ftp://example.com"},
		{value: "javascript:alert(1)"},
		{value: "https://user@example.com"},
		{value: "https://user:pass@example.com"},
		{value: "https://example.com?x=1"},
		{value: "https://example.com#top"},
		{value: "https://example.com:port"},
		{value: "https://exa mple.com"},
		{value: "https://example.com\r\nSet-Cookie: x=1"},
		{value: "https://ok.example.com,not an origin"},
		{value: "https://example.com?"},
		{value: "https://example.com#"},
		{value: "https://example.com:"},
	})
}

func TestSetSetting_AllowedOriginsReplacesTheList_Sec9(t *testing.T) {
	s := kith.DefaultAppSettings()
	for _, v := range []string{"https://a.com,https://b.com", "https://c.com"} {
		if err := apps.SetSetting(&s, "allowed_origins", v); err != nil {
			t.Fatalf("SetSetting(allowed_origins=%s): %v", v, err)
		}
	}
	if diff := cmp.Diff([]string{"https://c.com"}, s.AllowedOrigins); diff != "" {
		t.Errorf("allowed origins (-want +got):\n%s", diff)
	}
	err := apps.SetSetting(&s, "allowed_origins", "https://d.com,bad")
	kithtest.WantError(t, err, kith.CodeInvalidField, "allowed_origins")
	if diff := cmp.Diff([]string{"https://c.com"}, s.AllowedOrigins); diff != "" {
		t.Errorf("a refused list changed the origins (-want +got):\n%s", diff)
	}
}

func TestSetSetting_SessionTokenMaxLifetime_M1(t *testing.T) {
	to := func(d time.Duration) func(*kith.AppSettings) {
		return func(s *kith.AppSettings) { s.SessionTokenMaxLifetime = d }
	}
	runSetting(t, "session_token_max_lifetime", []settingCase{
		{value: "1h", edit: to(time.Hour)},
		{value: "1m", edit: to(time.Minute)},
		{value: "90s", edit: to(90 * time.Second)},
		{value: "30d", edit: to(30 * day)},
		{value: "720h", edit: to(720 * time.Hour)},

		{value: ""},
		{value: "59s"},
		{value: "0"},
		{value: "-1h"},
		{value: "31d"},
		{value: "721h"},
		{value: "1y"},
		{value: "forever"},
	})
}

func TestParseDuration_Days(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration // 0: refused
	}{
		{"1d", day},
		{"7d", 7 * day},
		{"30d", 30 * day},
		{"3650d", 3650 * day},
		{"90m", 90 * time.Minute},
		{"1h30m", 90 * time.Minute},
		{"12h", 12 * time.Hour},
		{"45s", 45 * time.Second},

		{"", 0},
		{"d", 0},
		{"0d", 0},
		{"-1d", 0},
		{"3651d", 0},
		{"1.5d", 0},
		{"7 d", 0},
		{" 7d", 0},
		{"7dd", 0},
		{"7D", 0},
		{"1d12h", 0},
		{"9223372036854775807d", 0},
		{"0", 0},
		{"0s", 0},
		{"-5m", 0},
		{"5", 0},
		{"forever", 0},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := apps.ParseDuration("anonymous_expiry", tc.in)
			if tc.want == 0 {
				kithtest.WantError(t, err, kith.CodeInvalidField, "anonymous_expiry")
				if got != 0 {
					t.Errorf("duration %v next to an error, want 0", got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("ParseDuration(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
		})
	}
}

// FormatDuration shows settings in the CLI: what it writes must read back
// as the same duration.
func TestFormatDuration_RoundTripsThroughParseDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{time.Hour, "1h"},
		{7 * day, "7d"},
		{30 * day, "30d"},
		{36 * time.Hour, "36h"},
		{time.Minute, "1m"},
		{45 * time.Second, "45s"},
		{90 * time.Second, "1m30s"},
		{time.Hour + 30*time.Second, "1h0m30s"},
		{30 * time.Second, "30s"},
		{90 * time.Minute, "1h30m"},
		{30 * time.Minute, "30m"},
		{10 * time.Minute, "10m"},
		{12*time.Hour + 20*time.Minute, "12h20m"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			got := apps.FormatDuration(tc.d)
			if got != tc.want {
				t.Errorf("FormatDuration(%v) = %q, want %q", tc.d, got, tc.want)
			}
			back, err := apps.ParseDuration("d", got)
			if err != nil || back != tc.d {
				t.Errorf("ParseDuration(%q) = %v, %v; want %v", got, back, err, tc.d)
			}
		})
	}
}
