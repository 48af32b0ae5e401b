package web

// SetKioskTiming lets the external tests shorten the kiosk's clocks (seconds) and returns a function that
// restores them.
func SetKioskTiming(idle, reset, heartbeat, retryMax int) (restore func()) {
	old := kioskTiming
	kioskTiming.Idle, kioskTiming.Reset, kioskTiming.Heartbeat, kioskTiming.RetryMax = idle, reset, heartbeat, retryMax
	return func() { kioskTiming = old }
}
