package kithtest

import "strings"

// SeedM1Body is the --data-raw body of the DevRev seed's curl request
// (../shared/seeds/001_*), byte for byte. Its custom field names are the
// seed's placeholders.
const SeedM1Body = `{
"rev_info": {
"user_ref": "example@devrev.ai",
"account_ref": "devrev.ai",
"workspace_ref": "devrev-dev",
"user_traits": {
"email": "test-user@devrev.ai",
"display_name": "Devrev Test USer",
"phone_numbers": ["+911122334455"],
"custom_fields": {
"tnt__<field1_name>": "value 1"
}
},
"workspace_traits": {
"display_name": "Devrev Dev",
"custom_fields": {}
},
"account_traits": {
"display_name": "Devrev",
"domains": [
"devrev.ai"
],
"phone_numbers": ["+919988998833"],
"custom_fields": {
"tnt__<field2_name>": "value x"
}
}
}
}`

// SeedM1BodyDefined is the seed body with its placeholder field names
// replaced by tnt__field1_name (user) and tnt__field2_name (account).
var SeedM1BodyDefined = strings.NewReplacer("tnt__<field1_name>", "tnt__field1_name",
	"tnt__<field2_name>", "tnt__field2_name").Replace(SeedM1Body)
