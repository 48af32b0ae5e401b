package web

import (
	"context"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
)

// publicationNotice is the rankings page's word on publication (CONTRACT §10): whether the period is
// published, which revision, and how many counted responses the live figures hold beyond it.
type publicationNotice struct {
	Published bool
	Text      string // "Published: revision 2, 2026-01-05 10:00." or "This period is not published."
	Drift     string // the live figures against the published revision
	Href      string // the public page
	LinkText  string
}

// publicationNotice is nil for a custom range or a running period (neither can be published).
func (s *Server) publicationNotice(ctx context.Context, v *view, p scoring.Period) *publicationNotice {
	f := s.figures()
	if p.Kind == scoring.Custom || f.Now().Before(p.End) {
		return nil
	}
	pub, err := s.store.LatestRevision(ctx, p.Label)
	if survey.ErrorCode(err) == survey.CodeNotFound {
		return &publicationNotice{Text: v.T("pub.notice.none")}
	}
	if err != nil {
		s.log.Warn("publication notice", "err", err)
		return nil
	}
	n := &publicationNotice{Published: true, Text: v.T("pub.notice.rev", pub.Revision, v.when(pub.PublishedUS)),
		Href: "/public/" + p.Label + "?lang=" + v.Lang, LinkText: v.T("pub.notice.link")}
	pooled, err := f.Pooled(ctx, p)
	if err != nil {
		s.log.Warn("publication notice", "err", err)
		return n
	}
	switch d := pooled[""].N - pub.Counted; {
	case d > 0:
		n.Drift = v.T("pub.notice.more", v.Int(d))
	case d < 0:
		n.Drift = v.T("pub.notice.fewer", v.Int(-d))
	default:
		n.Drift = v.T("pub.notice.same")
	}
	return n
}
