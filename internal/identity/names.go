package identity

import "math/rand/v2"

// Friendly names for users nobody named (M6, R2), as HelpCrunch does:
// "Giant Duck". 64 x 64 pairs are enough to tell a handful of visitors apart
// in an inbox; they are not identifiers.
var (
	adjectives = [...]string{
		"Amber", "Ancient", "Bold", "Brave", "Bright", "Brisk", "Calm", "Clever",
		"Cosmic", "Crimson", "Curious", "Daring", "Dapper", "Eager", "Electric", "Fancy",
		"Fearless", "Fluffy", "Gentle", "Giant", "Glad", "Golden", "Happy", "Hidden",
		"Humble", "Jolly", "Keen", "Kind", "Lively", "Lucky", "Mellow", "Merry",
		"Mighty", "Misty", "Noble", "Nimble", "Patient", "Plucky", "Polite", "Proud",
		"Quick", "Quiet", "Rapid", "Royal", "Rustic", "Shiny", "Silent", "Silver",
		"Sleepy", "Smooth", "Snowy", "Sparkly", "Spry", "Steady", "Sunny", "Swift",
		"Tidy", "Tiny", "Velvet", "Vivid", "Wandering", "Wise", "Witty", "Zesty",
	}
	animals = [...]string{
		"Albatross", "Alpaca", "Badger", "Beaver", "Bison", "Camel", "Cheetah", "Coyote",
		"Crane", "Deer", "Dolphin", "Duck", "Eagle", "Falcon", "Ferret", "Finch",
		"Flamingo", "Fox", "Gazelle", "Gecko", "Giraffe", "Heron", "Hedgehog", "Ibis",
		"Iguana", "Jaguar", "Koala", "Lemur", "Leopard", "Lion", "Llama", "Lynx",
		"Magpie", "Marmot", "Meerkat", "Moose", "Narwhal", "Newt", "Ocelot", "Otter",
		"Owl", "Panda", "Panther", "Parrot", "Pelican", "Penguin", "Puffin", "Quail",
		"Rabbit", "Raccoon", "Raven", "Robin", "Salmon", "Seal", "Sparrow", "Squirrel",
		"Swan", "Tiger", "Toucan", "Turtle", "Walrus", "Whale", "Wolf", "Zebra",
	}
)

// FriendlyName returns a random two-word name such as "Giant Duck".
func FriendlyName() string {
	return adjectives[rand.N(len(adjectives))] + " " + animals[rand.N(len(animals))]
}
