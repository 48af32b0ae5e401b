package web

import "time"

// kioskOnlineWithin: a heartbeat or response this recent means the tablet is online (it beats every
// kioskTiming.Heartbeat). Silence is the store's rule (survey.SilentKiosks), not the page's.
const kioskOnlineWithin = 3 * time.Minute
