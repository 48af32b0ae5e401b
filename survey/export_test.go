package survey

// SetRebuildAfter lowers the number of rows after which a SQLite bulk write rebuilds the indexes, for tests of
// that path; the returned func restores it.
func SetRebuildAfter(n int64) (restore func()) {
	old := rebuildAfter
	rebuildAfter = n
	return func() { rebuildAfter = old }
}
