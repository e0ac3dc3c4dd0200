// Makes jose-vectors.json: JWTs signed by the npm jose package, an
// implementation independent of Kith. Run it from cmd/kith/testdata/node
// (where jose is installed): node ../../../internal/keys/testdata/jose-vectors.mjs ../../../internal/keys/testdata/jose-vectors.json
import * as jose from "jose";
import { writeFileSync } from "node:fs";
const iat = 1764547200; // 2025-12-01T00:00:00Z
const out = { note: "JWTs signed by the npm jose package (an implementation independent of Kith's), with their keys, for internal/keys tests. Made by a node script once; the tests verify them at iat + 10 minutes.", iat, tokens: [] };
const claims = { sub: "jose-user", email: "jose@example.com", email_verified: true, name: "Jose Vector", aud: "app_vectors" };
for (const alg of ["HS256", "RS256", "ES256", "EdDSA"]) {
  let signKey, pub = "", secret = "";
  if (alg === "HS256") {
    secret = "kith_jwt_vectorsecretvectorsecretvectorsecret2";
    signKey = new TextEncoder().encode(secret);
  } else {
    const opts = alg === "EdDSA" ? { crv: "Ed25519", extractable: true } : { extractable: true, modulusLength: 2048 };
    const kp = await jose.generateKeyPair(alg, opts);
    signKey = kp.privateKey;
    pub = await jose.exportSPKI(kp.publicKey);
  }
  const token = await new jose.SignJWT(claims).setProtectedHeader({ alg, kid: "vec-" + alg.toLowerCase() })
    .setIssuedAt(iat).setExpirationTime(iat + 3600).sign(signKey);
  out.tokens.push({ alg, kid: "vec-" + alg.toLowerCase(), secret, public_key: pub, token });
}
writeFileSync(process.argv[2], JSON.stringify(out, null, 2) + "\n");
