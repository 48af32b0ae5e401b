package survey_test

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"syscall"
	"testing"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// TestStorageFailureClasses: the errors each database really returns when it cannot write are storage failures
// (→ 503, /readyz not ready); conflicts and bugs are not. PostgreSQL raises each SQLSTATE itself; SQLite fills a
// database whose size is capped with max_page_count.
func TestStorageFailureClasses(t *testing.T) {
	ctx := context.Background()
	t.Run("pg", func(t *testing.T) {
		s := storetest.New(t, "pg", survey.Options{})
		for code, storage := range map[string]bool{
			"53100": true,  // disk_full
			"53200": true,  // out_of_memory
			"53400": true,  // configuration_limit_exceeded
			"58030": true,  // io_error
			"58000": true,  // system_error
			"53300": false, // too_many_connections: unavailable, not storage
			"23505": false, // unique_violation
			"40001": false, // serialization_failure
			"22012": false, // division_by_zero
		} {
			_, err := s.DB().ExecContext(ctx, fmt.Sprintf(`DO $$ BEGIN RAISE EXCEPTION 'test' USING ERRCODE = '%s'; END $$`, code))
			if err == nil {
				t.Fatalf("%s: no error raised", code)
			}
			if got := survey.IsStorageFailure(err); got != storage {
				t.Errorf("%s (%v): storage failure %v, want %v", code, err, got, storage)
			}
			if storage && !survey.IsUnavailable(err) {
				t.Errorf("%s: a storage failure must also be unavailable (503)", code)
			}
		}
	})
	t.Run("sqlite", func(t *testing.T) {
		s := storetest.New(t, "sqlite-file", survey.Options{})
		conn, err := s.DB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var pages int64
		if err := conn.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages+2)); err != nil {
			t.Fatal(err)
		}
		_, err = conn.ExecContext(ctx, "CREATE TABLE filler (b BLOB)")
		for i := 0; err == nil && i < 100; i++ {
			_, err = conn.ExecContext(ctx, "INSERT INTO filler VALUES (randomblob(8192))")
		}
		if err == nil || !survey.IsStorageFailure(err) || !survey.IsUnavailable(err) {
			t.Errorf("a database that cannot grow: %v, want a storage failure", err)
		}
		if _, err := conn.ExecContext(ctx, "INSERT INTO no_such_table VALUES (1)"); survey.IsStorageFailure(err) {
			t.Errorf("a bad statement is no storage failure: %v", err)
		}
	})
	t.Run("os", func(t *testing.T) {
		for _, err := range []error{syscall.ENOSPC, syscall.EIO, syscall.EDQUOT, &fs.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}} {
			if !survey.IsStorageFailure(fmt.Errorf("commit: %w", err)) {
				t.Errorf("%v: want a storage failure", err)
			}
		}
		if survey.IsStorageFailure(fmt.Errorf("commit: %w", syscall.EINVAL)) || survey.IsStorageFailure(nil) ||
			survey.IsStorageFailure(survey.Errorf(survey.CodeInvalidField, "x", "%s", strings.Repeat("disk ", 2))) {
			t.Errorf("not storage failures misread as ones")
		}
	})
}
