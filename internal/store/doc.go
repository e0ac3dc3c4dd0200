// Package store keeps Kith's records in SQLite or PostgreSQL behind the
// kith.Store interface. One set of queries serves both dialects; the
// differences (how to open, which errors mean "lost a race") live in
// dialect.go, and each dialect has its own embedded migrations.
//
// SQLite runs with two pools, as it is fastest and safest that way: many
// readers and exactly one writer connection, in WAL mode. Every write
// transaction goes through the one writer, so transactions are serial.
// PostgreSQL runs every write transaction at SERIALIZABLE isolation and
// retries the ones that lose a race. Either way, a transaction function sees
// the database as if it were alone, which is what makes create-or-find
// race-free (R1) without locks in the domain code.
package store
