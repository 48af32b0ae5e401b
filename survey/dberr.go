package survey

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"net"
	"strings"
	"syscall"

	"github.com/uptrace/bun/driver/pgdriver"
)

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// isUniqueViolation maps each dialect's unique-constraint error to one question.
func isUniqueViolation(err error) bool {
	var pgErr pgdriver.Error
	if errors.As(err, &pgErr) {
		return pgErr.Field('C') == "23505"
	}
	// modernc sqlite: "constraint failed: UNIQUE constraint failed: … (2067)"
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// IsUnavailable reports whether err means the database cannot be reached right now (→ 503), as opposed to a bug.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if IsStorageFailure(err) {
		return true
	}
	var pgErr pgdriver.Error
	if errors.As(err, &pgErr) {
		code := pgErr.Field('C')
		// 57P0x: admin shutdown / crash shutdown / cannot connect now; 08xxx: connection exceptions; 53300: too many
		// connections; 40001/40P01: serialization failure / deadlock that survived the retries
		return strings.HasPrefix(code, "57P") || strings.HasPrefix(code, "08") || code == "53300" || code == "40001" || code == "40P01"
	}
	msg := err.Error()
	for _, s := range []string{"connection refused", "broken pipe", "connection reset", "i/o timeout", "EOF",
		"database is locked", "SQLITE_BUSY", "bad connection", "no such host", "context deadline exceeded", "database is closed"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	// Any transport failure on the way to the database (dial or read/write: timeouts, unreachable networks,
	// closed sockets) is an outage, not a bug.
	var opErr *net.OpError
	return errors.Is(err, sql.ErrConnDone) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, net.ErrClosed) ||
		errors.As(err, &opErr) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ETIMEDOUT) ||
		errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH)
}

// isRetryable reports a transaction the database aborted to resolve a conflict (serialization failure,
// deadlock): running it again is safe and normally succeeds.
func isRetryable(err error) bool {
	var pgErr pgdriver.Error
	if errors.As(err, &pgErr) {
		code := pgErr.Field('C')
		return code == "40001" || code == "40P01"
	}
	return false
}

// IsStorageFailure reports whether err means the database could not write for want of storage: a full disk
// or an I/O error. Such a write is answered 503 (retry later) and /readyz reports it until a write succeeds.
// PostgreSQL: class 53 insufficient resources (53100 disk_full, 53200 out_of_memory, …) and class 58 system
// errors (58030 io_error); SQLite: SQLITE_FULL (13) and SQLITE_IOERR (10, with its extended codes); the
// operating system's ENOSPC, EDQUOT and EIO.
func IsStorageFailure(err error) bool {
	if err == nil {
		return false
	}
	var pgErr pgdriver.Error
	if errors.As(err, &pgErr) {
		code := pgErr.Field('C')
		return strings.HasPrefix(code, "53") && code != "53300" || strings.HasPrefix(code, "58")
	}
	var sqlErr interface{ Code() int }
	if errors.As(err, &sqlErr) {
		switch sqlErr.Code() & 0xff { // the primary code of an extended one
		case sqliteFull, sqliteIOErr:
			return true
		}
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) || errors.Is(err, syscall.EIO) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "database or disk is full") || strings.Contains(msg, "disk I/O error")
}

// SQLite's primary result codes for a full disk and an I/O error.
const sqliteIOErr, sqliteFull = 10, 13
