package survey

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// SetRebuildAfter lowers the number of rows after which a SQLite bulk write rebuilds the indexes, for tests of
// that path; the returned func restores it.
func SetRebuildAfter(n int64) (restore func()) {
	old := rebuildAfter
	rebuildAfter = n
	return func() { rebuildAfter = old }
}

// EmitEvent appends an event outside any other change, for tests of the outbox and its dispatcher.
func (s *Store) EmitEvent(ctx context.Context, typ, agency string, at time.Time, data any) (*Event, error) {
	return emitEvent(ctx, s.db, typ, agency, at, data)
}

// SetBulkDeltaCells lowers the number of cell deltas a bulk write collects before it adds them to the cells, for
// tests of that path; the returned func restores it.
func SetBulkDeltaCells(n int) (restore func()) {
	old := bulkDeltaCells
	bulkDeltaCells = n
	return func() { bulkDeltaCells = old }
}

// SetCopyChunkBytes lowers the COPY text that ends a PostgreSQL chunk early, for tests of that path; the
// returned func restores it.
func SetCopyChunkBytes(n int) (restore func()) {
	old := copyChunkBytes
	copyChunkBytes = n
	return func() { copyChunkBytes = old }
}

// SetFlushPart lowers the cells written to staging tables at a time (SQLite), for tests of that path; the
// returned func restores it.
func SetFlushPart(n int) (restore func()) {
	old := flushPart
	flushPart = n
	return func() { flushPart = old }
}

// SetCopyChunkRows lowers the rows of one PostgreSQL COPY chunk, for tests that span chunks; the returned func
// restores it.
func SetCopyChunkRows(n int) (restore func()) {
	old := copyChunkRows
	copyChunkRows = n
	return func() { copyChunkRows = old }
}

// EmitEventIn appends an event through db (an open transaction), as a feature's change would.
func EmitEventIn(ctx context.Context, db bun.IDB, typ, agency string, at time.Time, data any) (*Event, error) {
	return emitEvent(ctx, db, typ, agency, at, data)
}

// IngestStatement is the PREPARE of the PostgreSQL submission batch statement of a shape (ingest_pg.go) in the
// planning epoch of at, and that statement's name.
func IngestStatement(links, cases bool, at time.Time) (prepare, name string) {
	sh := ingestShape{links: links, cases: cases}
	return sh.prepare(planEpoch(at)), sh.name(planEpoch(at))
}

// LinkStatements are the names of the token lookup's and the give-back's prepared statements on PostgreSQL in
// the planning epoch of at.
func LinkStatements(at time.Time) (token, giveBack string) {
	return tokenStatement.name(planEpoch(at)), giveBackStatement.name(planEpoch(at))
}

// ReplanEvery is how long a connection keeps a batch statement's plan.
const ReplanEvery = replanEvery

// IsUniqueViolation reports a unique constraint's violation, on either dialect.
var IsUniqueViolation = isUniqueViolation
