package deploy

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const unitFile = "systemd/parley.service"

// unit is a parsed systemd unit: section → key → every assignment in
// order (an empty one resets the list, as systemd reads it).
type unit map[string]map[string][]string

func parseUnit(t *testing.T, path string) unit {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	u := unit{}
	section := ""
	sc := bufio.NewScanner(f)
	var pending string
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if pending != "" {
			line, pending = pending+" "+line, ""
		}
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if strings.HasSuffix(line, `\`) {
			pending = strings.TrimSuffix(line, `\`)
			continue
		}
		if line[0] == '[' && line[len(line)-1] == ']' {
			section = line[1 : len(line)-1]
			u[section] = map[string][]string{}
			continue
		}
		key, val, ok := strings.Cut(line, "=")
		if !ok || section == "" {
			t.Fatalf("%s:%d: not a Key=Value line in a section: %q", path, n, line)
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		if val == "" {
			u[section][key] = []string{""}
			continue
		}
		u[section][key] = append(slices.DeleteFunc(u[section][key], func(s string) bool { return s == "" }), val)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return u
}

// TestSystemdHardening asserts the unit's sandbox: a user of its own, no
// privilege or capability, a read-only system with the state directory
// the one writable place, no devices, kernel knobs or foreign address
// families, the system-service call set, and secrets as credentials.
func TestSystemdHardening(t *testing.T) {
	s := parseUnit(t, unitFile)["Service"]
	if s == nil {
		t.Fatal("no [Service] section")
	}
	last := func(k string) (string, bool) {
		v, ok := s[k]
		if !ok {
			return "", false
		}
		return v[len(v)-1], true
	}
	if v, _ := last("DynamicUser"); v != "yes" {
		if u, ok := last("User"); !ok || u == "root" || u == "0" {
			t.Error("runs as root: set DynamicUser=yes or a User= of its own")
		}
	}
	for key, want := range map[string]string{
		"NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
		"PrivateDevices": "yes", "ProtectKernelTunables": "yes", "ProtectKernelModules": "yes",
		"ProtectKernelLogs": "yes", "ProtectControlGroups": "yes", "RestrictNamespaces": "yes",
		"RestrictSUIDSGID": "yes", "LockPersonality": "yes", "SystemCallArchitectures": "native",
		"CapabilityBoundingSet": "", "AmbientCapabilities": "", "StateDirectory": "parley",
	} {
		if got, ok := last(key); !ok || got != want {
			t.Errorf("%s=%q, want %q", key, got, want)
		}
	}
	if got := strings.Fields(strings.Join(s["RestrictAddressFamilies"], " ")); !slices.Equal(got, []string{"AF_INET", "AF_INET6", "AF_UNIX"}) {
		t.Errorf("RestrictAddressFamilies=%v, want AF_INET AF_INET6 AF_UNIX", got)
	}
	if len(s["SystemCallFilter"]) == 0 || s["SystemCallFilter"][0] != "@system-service" {
		t.Errorf("SystemCallFilter=%v, want @system-service first", s["SystemCallFilter"])
	}
	for _, p := range s["ReadWritePaths"] {
		for _, dir := range strings.Fields(p) {
			if strings.TrimPrefix(dir, "-") != "/var/lib/parley" {
				t.Errorf("ReadWritePaths=%s: only the state directory is writable", dir)
			}
		}
	}
	if len(s["LoadCredential"]) == 0 {
		t.Error("no LoadCredential=: secrets would have to sit in the environment or the config")
	}
	for _, e := range s["Environment"] {
		for _, kv := range strings.Fields(e) {
			name, _, _ := strings.Cut(strings.Trim(kv, `"`), "=")
			if name != "PARLEY_DATA_DIR" && name != "PARLEY_LOG_LEVEL" {
				t.Errorf("Environment=%s: secrets go through LoadCredential=, settings through the config file", name)
			}
		}
	}
	if exec, _ := last("ExecStart"); !strings.Contains(exec, "parley serve --config ") {
		t.Errorf("ExecStart=%q does not run parley serve", exec)
	}
}

// TestSystemdAnalyze has systemd itself read the unit: `verify` refuses
// unknown or malformed directives, and `security` scores the sandbox
// (exposure 0–10; this unit must stay at 2 or better, "OK").
func TestSystemdAnalyze(t *testing.T) {
	bin, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed; the unit is checked by TestSystemdHardening only")
	}
	// verify insists that ExecStart's program exists: point it at this
	// test's own executable instead of an installed parley.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(unitFile)
	if err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(t.TempDir(), "parley.service")
	if err := os.WriteFile(tmp, []byte(strings.ReplaceAll(string(b), "/usr/local/bin/parley", self)), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "verify", tmp).CombinedOutput(); err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "security", "--offline=true", "--threshold=20", tmp).CombinedOutput()
	if err != nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		t.Errorf("systemd-analyze security: %v: %s", err, lines[len(lines)-1])
	}
}
