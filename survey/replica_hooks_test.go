package survey

import "context"

// Test hooks of the read replica (replica.go), for package survey_test.

// StopReplicaChecks ends the background checks of s's replica, so that the test alone decides when it is
// checked (CheckReplica) and what reads meet between checks.
func StopReplicaChecks(s *Store) {
	r := s.replica
	r.stop()
	<-r.done
	r.stop = nil
}

// CheckReplica checks s's replica once, now.
func CheckReplica(s *Store) { s.replica.check(context.Background(), s.db) }

// ReplicaSchemaBehind is replicaSchemaBehind, for tests.
func ReplicaSchemaBehind(err error) bool { return replicaSchemaBehind(err) }
