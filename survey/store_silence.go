package survey

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// SilentKiosk is a live kiosk that has been silent for the threshold of opening time.
type SilentKiosk struct {
	Kiosk
	LastActive time.Time // its last heartbeat or response
}

type kioskActivity struct {
	Kiosk          `bun:",extend"`
	LastResponseUS int64 `bun:"last_response_us"`
}

// SilentKiosks lists the live kiosks silent at now (for the kiosk admin page and ReportSilentKiosks). A kiosk
// that has never sent anything (registered, not yet installed) is not counted.
func (s *Store) SilentKiosks(ctx context.Context, now time.Time) ([]SilentKiosk, error) {
	var ks []kioskActivity
	// One index probe per kiosk (responses_kiosk_time) rather than a scan of all responses.
	err := s.db.NewSelect().Model(&ks).
		ColumnExpr("kiosk.*").
		ColumnExpr("(SELECT MAX(r.submitted_us) FROM responses AS r WHERE r.kiosk_id = kiosk.id) AS last_response_us").
		Where("kiosk.revoked_us IS NULL").OrderExpr("kiosk.id").Scan(ctx)
	if err != nil && !isNoRows(err) {
		return nil, err
	}
	var out []SilentKiosk
	for _, k := range ks {
		last := max(k.LastSeenUS, k.LastResponseUS)
		if last == 0 {
			continue
		}
		at := time.UnixMicro(last)
		if s.hours.OpenTime(at, now, s.loc) >= s.silentAfter {
			out = append(out, SilentKiosk{Kiosk: k.Kiosk, LastActive: at.UTC()})
		}
	}
	return out, nil
}

type kioskSilence struct {
	bun.BaseModel `bun:"table:kiosk_silences"`
	KioskID       int64 `bun:"kiosk_id,pk"`
	SinceUS       int64 `bun:"since_us,pk"`
	ReportedUS    int64 `bun:"reported_us"`
}

// ReportSilentKiosks emits one kiosk.silent event per silence episode: an episode is a kiosk's silence since
// one last sign of life, so the event comes once, not every time the check runs, and again only after the
// kiosk has spoken and fallen silent anew. It returns how many events it emitted.
func (s *Store) ReportSilentKiosks(ctx context.Context) (int, error) {
	now := s.now()
	silent, err := s.SilentKiosks(ctx, now)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, k := range silent {
		err := s.inTx(ctx, func(tx bun.Tx) error {
			res, err := tx.NewInsert().Model(&kioskSilence{KioskID: k.ID, SinceUS: k.LastActive.UnixMicro(), ReportedUS: now.UnixMicro()}).
				On("CONFLICT DO NOTHING").Exec(ctx)
			if err != nil {
				return err
			}
			if rows, _ := res.RowsAffected(); rows != 1 {
				return nil // this episode was reported already
			}
			n++
			_, err = emitEvent(ctx, tx, EventKioskSilent, k.Agency, now, map[string]any{
				"kiosk": k.ID, "name": k.Name, "center": k.Center, "agency": k.Agency,
				"last_seen_at": k.LastActive.Format(time.RFC3339), "silent_seconds": int64(s.silentAfter / time.Second),
			})
			return err
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
