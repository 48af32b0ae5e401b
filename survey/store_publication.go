package survey

import (
	"context"
	"strconv"
	"time"

	"github.com/uptrace/bun"
)

// Publication is one stored revision of a published period. Document is the snapshot's canonical JSON with
// its sha256 (Snapshot.Seal), served byte for byte.
type Publication struct {
	bun.BaseModel `bun:"table:publications"`
	ID            int64  `bun:"id,pk,autoincrement"`
	Period        string `bun:"period"`
	Revision      int    `bun:"revision"`
	PublishedUS   int64  `bun:"published_us"`
	Reason        string `bun:"reason"`
	SHA256        string `bun:"sha256"`
	Counted       int64  `bun:"counted"` // counted responses in the period when published
	Document      string `bun:"document"`
}

// PublishedAt is when the revision was published.
func (p *Publication) PublishedAt() time.Time { return time.UnixMicro(p.PublishedUS) }

// Publish stores snap as the next revision of its period and audits it, in one transaction. The store sets
// Revision, PublishedAt (its clock, whole seconds, in QIYMET_TIMEZONE), Reason and Changes (against the
// latest revision), then seals the document. A period published before needs a reason (invalid_field);
// counted is the number of counted responses the snapshot was computed from.
func (s *Store) Publish(ctx context.Context, snap *Snapshot, reason string, counted int64) (*Publication, error) {
	var pub *Publication
	err := s.inTx(ctx, func(tx bun.Tx) error {
		prev, err := latestPublication(ctx, tx, snap.Period.Label)
		if err != nil && ErrorCode(err) != CodeNotFound {
			return err
		}
		snap.Revision, snap.Changes = 1, []FieldChange{}
		if prev != nil {
			if reason, err = CheckReason(reason); err != nil {
				return FieldError("reason", "period %s is already published (revision %d): publishing it again needs a reason", snap.Period.Label, prev.Revision)
			}
			old, err := ParseSnapshot([]byte(prev.Document))
			if err != nil {
				return err
			}
			snap.Revision = prev.Revision + 1
			snap.Changes = DiffSnapshots(old, snap)
		} else if reason != "" {
			if reason, err = CheckReason(reason); err != nil {
				return err
			}
		}
		at := s.now().Truncate(time.Second).In(s.loc)
		snap.PublishedAt, snap.Reason = at.Format(time.RFC3339), reason
		doc, err := snap.Seal()
		if err != nil {
			return err
		}
		pub = &Publication{Period: snap.Period.Label, Revision: snap.Revision, PublishedUS: at.UnixMicro(), Reason: reason,
			SHA256: snap.SHA256, Counted: counted, Document: string(doc)}
		if _, err := tx.NewInsert().Model(pub).Returning("id").Exec(ctx); err != nil {
			if isUniqueViolation(err) { // a concurrent publication took this revision number
				return Errorf(CodeIDConflict, "period", "period %s was published concurrently; try again", snap.Period.Label)
			}
			return err
		}
		return s.Audit(ctx, tx, Change{Action: AuditPublicationPublish, Target: "publication:" + pub.Period,
			Details: map[string]any{"revision": pub.Revision, "sha256": pub.SHA256, "reason": reason, "changes": len(snap.Changes)}})
	})
	if err != nil {
		return nil, err
	}
	return pub, nil
}

// latestPublication is a period's newest revision with its document; not_found when none.
func latestPublication(ctx context.Context, db bun.IDB, period string) (*Publication, error) {
	var p Publication
	err := db.NewSelect().Model(&p).Where("period = ?", period).OrderExpr("revision DESC").Limit(1).Scan(ctx)
	if isNoRows(err) {
		return nil, Errorf(CodeNotFound, "period", "period %s is not published", period)
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// LatestPublication is the newest revision of a period, with its document; not_found when never published.
func (s *Store) LatestPublication(ctx context.Context, period string) (*Publication, error) {
	return latestPublication(ctx, s.db, period)
}

// PublicationRevision is revision rev of a period; not_found when there is none.
func (s *Store) PublicationRevision(ctx context.Context, period string, rev int) (*Publication, error) {
	var p Publication
	err := s.db.NewSelect().Model(&p).Where("period = ? AND revision = ?", period, rev).Scan(ctx)
	if isNoRows(err) {
		return nil, Errorf(CodeNotFound, "revision", "period %s has no revision %s", period, strconv.Itoa(rev))
	}
	return &p, err
}

// ListPublications lists every revision of every period without documents, newest publication first.
func (s *Store) ListPublications(ctx context.Context) ([]Publication, error) {
	var out []Publication
	err := s.db.NewSelect().Model(&out).ExcludeColumn("document").OrderExpr("published_us DESC, id DESC").Scan(ctx)
	if isNoRows(err) {
		err = nil
	}
	return out, err
}

// LatestRevision is a period's newest revision without its document (the portal's cheap freshness check,
// the dashboard's notice); not_found when never published.
func (s *Store) LatestRevision(ctx context.Context, period string) (*Publication, error) {
	var p Publication
	err := s.db.NewSelect().Model(&p).ExcludeColumn("document").Where("period = ?", period).
		OrderExpr("revision DESC").Limit(1).Scan(ctx)
	if isNoRows(err) {
		return nil, Errorf(CodeNotFound, "period", "period %s is not published", period)
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// PeriodRevisions lists a period's revisions without documents, oldest first.
func (s *Store) PeriodRevisions(ctx context.Context, period string) ([]Publication, error) {
	var out []Publication
	err := s.db.NewSelect().Model(&out).ExcludeColumn("document").Where("period = ?", period).OrderExpr("revision").Scan(ctx)
	if isNoRows(err) {
		err = nil
	}
	return out, err
}
