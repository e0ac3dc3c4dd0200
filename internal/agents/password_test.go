package agents

import (
	"strings"
	"testing"
)

var cheap = Params{Memory: 64, Time: 1, Threads: 1}

func TestPassword_HashChecksItsPasswordOnly_I3(t *testing.T) {
	h := HashPassword("correct horse battery staple", cheap)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash %q is not a PHC argon2id string with its costs", h)
	}
	if ok, err := CheckPassword(h, "correct horse battery staple"); !ok || err != nil {
		t.Fatalf("the right password: %v, %v", ok, err)
	}
	for _, wrong := range []string{"", "correct horse battery stapl", "Correct horse battery staple", "correct horse battery staple "} {
		if ok, _ := CheckPassword(h, wrong); ok {
			t.Errorf("%q passed for another password", wrong)
		}
	}
	if a, b := HashPassword("same", cheap), HashPassword("same", cheap); a == b {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
}

func TestPassword_RefusesHashesThatAreNotArgon2idOrCostTooMuch(t *testing.T) {
	good := HashPassword("x", cheap)
	parts := strings.Split(good, "$")
	for name, h := range map[string]string{
		"empty":             "",
		"bcrypt":            "$2a$10$abcdefghijklmnopqrstuu",
		"argon2i":           strings.Replace(good, "argon2id", "argon2i", 1),
		"another version":   strings.Replace(good, "v=19", "v=16", 1),
		"4 GiB of memory":   strings.Replace(good, "m=64", "m=4194304", 1),
		"a thousand passes": strings.Replace(good, "t=1", "t=1000", 1),
		"no salt":           "$" + strings.Join([]string{parts[1], parts[2], parts[3], "", parts[5]}, "$"),
		"a short key":       "$" + strings.Join([]string{parts[1], parts[2], parts[3], parts[4], "AAAA"}, "$"),
	} {
		if ok, err := CheckPassword(h, "x"); ok || err == nil {
			t.Errorf("%s: CheckPassword = %v, %v; want refused", name, ok, err)
		}
	}
}
