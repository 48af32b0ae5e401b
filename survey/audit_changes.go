package survey

import "strconv"

// What each administrative change records (docs/api.md, "Audit log"): names and settings, never a password,
// its hash, a token or a key.

func userTarget(email string) string { return "user:" + email }

func auditUserAdd(u *User) Change {
	d := map[string]any{"role": u.Role}
	if u.Agency != "" {
		d["agency"] = u.Agency
	}
	return Change{Action: AuditUserAdd, Target: userTarget(u.Email), Details: d}
}

// auditUserUpdate lists the fields that change, each as [before, after]; a new password only as "password": "reset".
func auditUserUpdate(u *User, role, agency string, up UserUpdate) Change {
	d := map[string]any{}
	if role != u.Role {
		d["role"] = []string{u.Role, role}
	}
	if agency != u.Agency {
		d["agency"] = []string{u.Agency, agency}
	}
	if up.Disabled != nil && *up.Disabled != (u.DisabledUS != 0) {
		d["disabled"] = []bool{u.DisabledUS != 0, *up.Disabled}
	}
	if up.Password != nil {
		d["password"] = "reset"
	}
	return Change{Action: AuditUserUpdate, Target: userTarget(u.Email), Details: d}
}

func kioskTarget(id int64) string  { return "kiosk:" + strconv.FormatInt(id, 10) }
func apiKeyTarget(id int64) string { return "apikey:" + strconv.FormatInt(id, 10) }
