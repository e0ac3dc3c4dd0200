package main_test

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kith-chat/kith/internal/keys"
	"github.com/kith-chat/kith/internal/kithtest"
	"github.com/kith-chat/kith/internal/storetest"
)

// node runs a module script in testdata/node, where the npm clients are,
// with env, and returns what it printed.
func node(t *testing.T, script string, env ...string) string {
	t.Helper()
	requireNode(t)
	cmd := exec.Command("node", "--input-type=module", "-e", script)
	cmd.Dir = "testdata/node"
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestBinary_DevRevsServerSDKMintsSessionTokens_M1 points DevRev's own
// server SDK (npm @devrev/typescript-sdk) at the real binary: its
// authTokensCreate, with the fields its types document, gets a session
// token that starts a verified widget session.
func TestBinary_DevRevsServerSDKMintsSessionTokens_M1(t *testing.T) {
	requireNode(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	var app map[string]string
	kithJSON(t, dir, &app, "apps", "create", "--name", "SDK", "--db", db)
	srv := serve(t, dir, "--db", db)
	out := node(t, `
import { client } from "@devrev/typescript-sdk";
const devrev = client.setup({ endpoint: process.env.KITH_URL, token: process.env.KITH_AAT });
const r = await devrev.authTokensCreate({
  rev_info: { user_ref: "sdk-user", account_ref: "sdk.example", user_traits: { email: "sdk@sdk.example", display_name: "Sdk User" } },
  expires_in_mins: 30,
  requested_token_type: "urn:devrev:params:oauth:token-type:session",
});
console.log(JSON.stringify({ status: r.status, data: r.data }));
let refused;
try {
  await devrev.authTokensCreate({ rev_info: { user_ref: "x" }, requested_token_type: "urn:devrev:params:oauth:token-type:aat" });
} catch (e) { refused = { status: e.response.status, code: e.response.data.error.code, field: e.response.data.error.field }; }
console.log(JSON.stringify(refused));
`, "KITH_URL="+srv.URL, "KITH_AAT="+app["access_token"])
	lines := strings.Split(out, "\n")
	var minted struct {
		Status int
		Data   struct {
			AccessToken string `json:"access_token"`
			TokenType   string `json:"token_type"`
			ExpiresIn   int    `json:"expires_in"`
		}
	}
	if err := json.Unmarshal([]byte(lines[0]), &minted); err != nil {
		t.Fatalf("the SDK printed %q", out)
	}
	if minted.Status != 201 || minted.Data.TokenType != "bearer" || minted.Data.ExpiresIn != 1800 {
		t.Fatalf("authTokensCreate: %+v, want 201, a bearer token of 1800 s", minted)
	}
	r := kithtest.Do(t, srv.URL, "POST", "/widget/v1/sessions", nil,
		map[string]any{"app_id": app["app_id"], "session_token": minted.Data.AccessToken})
	if r.Status != http.StatusCreated || !strings.Contains(string(r.Body), `"trust":"verified"`) {
		t.Fatalf("the SDK's token in the widget: %d %s", r.Status, r.Body)
	}
	if len(lines) < 2 || !strings.Contains(lines[1], `"status":400`) || !strings.Contains(lines[1], `"field":"requested_token_type"`) {
		t.Fatalf("asking the SDK for another kind of token: %q, want a 400 naming requested_token_type", out)
	}
}

// TestBinary_JoseSignedJWTsAndRotation_M4_M3 registers keys from the CLI
// beside the running server, signs JWTs with npm jose (HS256 with the
// secret Kith made, RS256 with a key pair jose made), starts verified
// sessions with them and with user hashes, and checks that a secret or a
// key works while it is there and fails the moment it is deleted, on both
// stores.
func TestBinary_JoseSignedJWTsAndRotation_M4_M3(t *testing.T) {
	requireNode(t)
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			dir := t.TempDir()
			db := storetest.DSN(t, kind)
			var app map[string]string
			kithJSON(t, dir, &app, "apps", "create", "--name", "Proofs", "--db", db)
			srv := serve(t, dir, "--db", db)
			start := func(body map[string]any) *kithtest.Response {
				body["app_id"] = app["app_id"]
				return kithtest.Do(t, srv.URL, "POST", "/widget/v1/sessions", nil, body)
			}
			wantTrust := func(what string, r *kithtest.Response, status int) {
				t.Helper()
				if r.Status != status || status == 201 && !strings.Contains(string(r.Body), `"trust":"verified"`) {
					t.Fatalf("%s: %d %s, want %d (verified when 201)", what, r.Status, r.Body, status)
				}
			}

			// M4: an HS256 key Kith makes, and an RS256 public key jose makes.
			var hs map[string]any
			kithJSON(t, dir, &hs, "jwt-keys", "add", "--app", app["app_id"], "--kid", "hs-main", "--alg", "HS256", "--db", db)
			pair := node(t, `
import * as jose from "jose";
const { publicKey, privateKey } = await jose.generateKeyPair("RS256", { extractable: true });
console.log(JSON.stringify({ pub: await jose.exportSPKI(publicKey), priv: await jose.exportPKCS8(privateKey) }));`)
			var rsa struct{ Pub, Priv string }
			if err := json.Unmarshal([]byte(pair), &rsa); err != nil {
				t.Fatal(err)
			}
			pubFile := filepath.Join(dir, "rs.pem")
			os.WriteFile(pubFile, []byte(rsa.Pub), 0o600)
			var rs map[string]any
			kithJSON(t, dir, &rs, "jwt-keys", "add", "--app", app["app_id"], "--kid", "rs-main", "--alg", "RS256",
				"--public-key", pubFile, "--db", db)
			sign := func(alg, kid string) string {
				return node(t, `
import * as jose from "jose";
const key = process.env.ALG === "HS256" ? new TextEncoder().encode(process.env.SECRET) : await jose.importPKCS8(process.env.PRIV, "RS256");
console.log(await new jose.SignJWT({ sub: "jwt-user", email: "jwt@example.com", email_verified: true })
  .setProtectedHeader({ alg: process.env.ALG, kid: process.env.KID }).setIssuedAt().setExpirationTime("10m")
  .setAudience(process.env.APP).sign(key));`, "ALG="+alg, "KID="+kid, "SECRET="+hs["secret"].(string), "PRIV="+rsa.Priv, "APP="+app["app_id"])
			}
			wantTrust("a jose HS256 token", start(map[string]any{"jwt": sign("HS256", "hs-main")}), 201)
			wantTrust("a jose RS256 token", start(map[string]any{"jwt": sign("RS256", "rs-main")}), 201)
			rsToken := sign("RS256", "rs-main")
			kith(t, dir, "jwt-keys", "delete", rs["id"].(string), "--app", app["app_id"], "--db", db)
			wantTrust("a token of the deleted key", start(map[string]any{"jwt": rsToken}), 401)

			// M3: two secrets at once, then the old one deleted.
			var old, fresh map[string]string
			kithJSON(t, dir, &old, "secrets", "create", "--app", app["app_id"], "--db", db)
			kithJSON(t, dir, &fresh, "secrets", "create", "--app", app["app_id"], "--db", db)
			hashWith := func(secret string) map[string]any {
				return map[string]any{"identity": map[string]any{"user_ref": "hash-user"}, "user_hash": keys.UserHash(secret, "hash-user")}
			}
			wantTrust("the old secret", start(hashWith(old["secret"])), 201)
			wantTrust("the new secret", start(hashWith(fresh["secret"])), 201)
			kith(t, dir, "secrets", "delete", old["id"], "--app", app["app_id"], "--db", db)
			wantTrust("the deleted secret", start(hashWith(old["secret"])), 401)
			wantTrust("the new secret after the rotation", start(hashWith(fresh["secret"])), 201)

			// A secret imported from the vendor, from a file: the backend
			// keeps its own. The CLI does not print it back.
			const vendorSecret = "helpshift-secret-0123456789abcdef"
			secretFile := filepath.Join(dir, "vendor-secret")
			os.WriteFile(secretFile, []byte(vendorSecret+"\n"), 0o600)
			out, errOut, code := kith(t, dir, "secrets", "create", "--app", app["app_id"], "--from-file", secretFile, "--json", "--db", db)
			if code != 0 || strings.Contains(out, vendorSecret) || !strings.Contains(out, `"id"`) {
				t.Fatalf("kith secrets create --from-file: exit %d, %s %s; want the id and not the secret", code, out, errOut)
			}
			wantTrust("a hash made with the imported secret", start(hashWith(vendorSecret)), 201)
			srv.stop(t)
			for _, secret := range []string{old["secret"], fresh["secret"], hs["secret"].(string)} {
				if strings.Contains(srv.logs.String(), secret) {
					t.Fatal("the server logged a secret")
				}
			}
		})
	}
}
