package helm

import (
	"crypto/rand"
	"encoding/hex"
	"path"
	"slices"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/v2/lint"
	"helm.sh/helm/v4/pkg/chart/v2/lint/support"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/engine"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"

	"parley/internal/config"
)

const chartDir = "parley"

// kubeVersion is the cluster the chart is checked against (Helm's test
// default is far older than the chart's kubeVersion).
func kubeVersion(t *testing.T) *common.KubeVersion {
	t.Helper()
	kv, err := common.ParseKubeVersion("v1.31.0")
	if err != nil {
		t.Fatal(err)
	}
	return kv
}

// TestHelmLint runs `helm lint`'s rules: the chart loads, its templates
// render with the default values and are valid YAML and Kubernetes
// objects with no deprecated API. Warnings fail too.
func TestHelmLint(t *testing.T) {
	res := lint.RunAll(chartDir, nil, "parley", lint.WithKubeVersion(kubeVersion(t)))
	for _, m := range res.Messages {
		if m.Severity >= support.WarningSev {
			t.Errorf("helm lint: %s", m.Error())
		}
	}
}

// render renders the chart as `helm template` would, with overrides on
// top of values.yaml, and returns the manifests by template file name.
func render(t *testing.T, overrides map[string]any) (map[string]string, error) {
	t.Helper()
	ch, err := loader.Load(chartDir)
	if err != nil {
		t.Fatal(err)
	}
	caps := common.DefaultCapabilities.Copy()
	caps.KubeVersion = *kubeVersion(t)
	vals, err := util.ToRenderValues(ch, overrides, common.ReleaseOptions{Name: "parley", Namespace: "parley", IsInstall: true}, caps)
	if err != nil {
		t.Fatal(err)
	}
	out, err := engine.Render(ch, vals)
	if err != nil {
		return nil, err
	}
	files := map[string]string{}
	for name, s := range out {
		if strings.HasSuffix(name, ".yaml") && strings.TrimSpace(s) != "" {
			files[path.Base(name)] = s
		}
	}
	return files, nil
}

// decode parses a manifest into its Kubernetes type strictly: a misspelt
// field (readOnlyRootFileSystem) is an error, not a setting silently
// ignored by the cluster.
func decode[T any](t *testing.T, files map[string]string, name string) *T {
	t.Helper()
	s, ok := files[name]
	if !ok {
		t.Fatalf("%s not rendered", name)
	}
	j, err := yaml.YAMLToJSON([]byte(s))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	// sigs.k8s.io/json decodes as the API server does: field names are
	// case-sensitive (encoding/json would take readOnlyRootFileSystem).
	v := new(T)
	strict, err := kjson.UnmarshalStrict(j, v)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for _, e := range strict {
		t.Errorf("%s: %v", name, e)
	}
	return v
}

// TestHelmRender checks the promises of the rendered release: N replicas
// probed on /healthz and /readyz, locked-down pods, secrets only by
// reference, a config the gateway accepts, and a network policy that lets
// in only the two ports and out only NATS, PostgreSQL, DNS and HTTPS.
func TestHelmRender(t *testing.T) {
	files, err := render(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	dep := decode[appsv1.Deployment](t, files, "deployment.yaml")
	if dep.Spec.Replicas == nil || *dep.Spec.Replicas != 3 {
		t.Errorf("replicas = %v, want 3", dep.Spec.Replicas)
	}
	pod := dep.Spec.Template.Spec
	if len(pod.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(pod.Containers))
	}
	c := pod.Containers[0]

	t.Run("security context", func(t *testing.T) {
		psc, sc := pod.SecurityContext, c.SecurityContext
		if psc == nil || sc == nil {
			t.Fatal("no security context")
		}
		if psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.RunAsUser == nil || *psc.RunAsUser == 0 {
			t.Error("pod: want runAsNonRoot and a non-zero runAsUser")
		}
		for who, sp := range map[string]*corev1.SeccompProfile{"pod": psc.SeccompProfile, "container": sc.SeccompProfile} {
			if sp == nil || sp.Type != corev1.SeccompProfileTypeRuntimeDefault {
				t.Errorf("%s: seccomp profile %v, want RuntimeDefault", who, sp)
			}
		}
		if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
			t.Error("container: want readOnlyRootFilesystem")
		}
		if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			t.Error("container: want allowPrivilegeEscalation false")
		}
		if sc.Privileged != nil && *sc.Privileged {
			t.Error("container: privileged")
		}
		if sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(sc.Capabilities.Add) > 0 {
			t.Errorf("container capabilities %+v, want drop ALL and add none", sc.Capabilities)
		}
		if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
			t.Error("the pod mounts a service account token it never uses")
		}
	})

	t.Run("probes", func(t *testing.T) {
		for _, p := range []struct {
			name  string
			probe *corev1.Probe
			path  string
		}{{"liveness", c.LivenessProbe, "/healthz"}, {"readiness", c.ReadinessProbe, "/readyz"}} {
			if p.probe == nil || p.probe.HTTPGet == nil {
				t.Errorf("%s probe: missing or not HTTP", p.name)
				continue
			}
			g := p.probe.HTTPGet
			if g.Path != p.path || g.Scheme != corev1.URISchemeHTTPS || g.Port.String() != "public" {
				t.Errorf("%s probe: %s %s on port %s, want HTTPS %s on public", p.name, g.Scheme, g.Path, g.Port.String(), p.path)
			}
		}
	})

	// Every environment variable comes from a Secret by name: no value is
	// written in the chart or its values.
	env := map[string]bool{}
	t.Run("secrets by reference", func(t *testing.T) {
		for _, e := range c.Env {
			if e.Value != "" || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
				t.Errorf("env %s is not taken from a Secret", e.Name)
				continue
			}
			env[e.Name] = true
		}
		if len(c.EnvFrom) > 0 {
			t.Error("envFrom imports a whole object; name each secret")
		}
	})

	cm := decode[corev1.ConfigMap](t, files, "configmap.yaml")
	t.Run("config", func(t *testing.T) {
		// The gateway reads the ConfigMap at the path the args name.
		var cfgPath string
		for i, a := range c.Args {
			if a == "--config" && i+1 < len(c.Args) {
				cfgPath = c.Args[i+1]
			}
		}
		mount := mountOf(c, "config")
		if mount == nil || path.Dir(cfgPath) != mount.MountPath || cm.Data[path.Base(cfgPath)] == "" {
			t.Fatalf("--config %q is not the ConfigMap's file (mount %+v)", cfgPath, mount)
		}
		// The gateway accepts it, strictly, given only the environment
		// the Deployment provides (values as an operator would set them).
		for name := range env {
			t.Setenv(name, exampleSecret(name))
		}
		cfg, err := config.Parse([]byte(cm.Data[path.Base(cfgPath)]), "/")
		if err != nil {
			t.Fatalf("the gateway refuses the rendered config: %v", err)
		}
		if inline := cfg.InlineSecrets(); len(inline) > 0 {
			t.Errorf("secrets written inline in the config: %v", inline)
		}
		if cfg.Bus.URL == "" || cfg.Store.Driver != "postgres" {
			t.Errorf("several replicas on bus %q and store %q: want a shared NATS cluster and PostgreSQL", cfg.Bus.URL, cfg.Store.Driver)
		}
		if tls := mountOf(c, "tls"); tls == nil || path.Dir(cfg.Public.CertFile) != tls.MountPath {
			t.Errorf("public.cert_file %s is not on the TLS Secret's mount", cfg.Public.CertFile)
		}
		if data := mountOf(c, "data"); data == nil || data.MountPath != cfg.DataDir || data.ReadOnly {
			t.Errorf("data_dir %s is not a writable volume", cfg.DataDir)
		}
		ports := map[string]int32{}
		for _, p := range c.Ports {
			ports[p.Name] = p.ContainerPort
		}
		for name, listen := range map[string]string{"public": cfg.Public.Listen, "admin": cfg.Admin.Listen} {
			if !strings.HasSuffix(listen, ":"+itoa(ports[name])) {
				t.Errorf("%s listens on %q but the container port is %d", name, listen, ports[name])
			}
		}
	})

	t.Run("service", func(t *testing.T) {
		svc := decode[corev1.Service](t, files, "service.yaml")
		for _, p := range svc.Spec.Ports {
			if !slices.ContainsFunc(c.Ports, func(cp corev1.ContainerPort) bool { return cp.Name == p.TargetPort.String() }) {
				t.Errorf("service port %s targets %s, which the container does not have", p.Name, p.TargetPort.String())
			}
		}
		if !selects(svc.Spec.Selector, dep.Spec.Template.Labels) {
			t.Error("the service does not select the pods")
		}
	})

	t.Run("network policy", func(t *testing.T) {
		np := decode[networkingv1.NetworkPolicy](t, files, "networkpolicy.yaml")
		if !slices.Equal(np.Spec.PolicyTypes, []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}) {
			t.Errorf("policy types %v: want Ingress and Egress", np.Spec.PolicyTypes)
		}
		if !selects(np.Spec.PodSelector.MatchLabels, dep.Spec.Template.Labels) {
			t.Error("the policy does not select the pods")
		}
		for _, r := range np.Spec.Ingress {
			if len(r.Ports) == 0 {
				t.Error("an ingress rule opens every port")
			}
			for _, p := range r.Ports {
				if p.Port == nil || (p.Port.String() != "public" && p.Port.String() != "admin") {
					t.Errorf("ingress to port %v: only public and admin", p.Port)
				}
			}
		}
		var out []string
		for _, r := range np.Spec.Egress {
			if len(r.Ports) == 0 {
				t.Error("an egress rule opens every port")
			}
			for _, p := range r.Ports {
				out = append(out, p.Port.String())
			}
			if len(r.To) == 0 && !slices.ContainsFunc(r.Ports, func(p networkingv1.NetworkPolicyPort) bool { return p.Port.IntValue() == 53 }) {
				t.Errorf("egress to ports %v open to every address", r.Ports)
			}
		}
		slices.Sort(out)
		if want := []string{"4222", "443", "53", "53", "5432"}; !slices.Equal(out, want) {
			t.Errorf("egress ports %v, want %v (DNS, NATS, PostgreSQL, HTTPS)", out, want)
		}
	})

	t.Run("disruption budget", func(t *testing.T) {
		pdb := decode[policyv1.PodDisruptionBudget](t, files, "pdb.yaml")
		if pdb.Spec.MaxUnavailable == nil || pdb.Spec.MaxUnavailable.IntValue() != 1 {
			t.Errorf("maxUnavailable %v, want 1", pdb.Spec.MaxUnavailable)
		}
		if pdb.Spec.Selector == nil || !selects(pdb.Spec.Selector.MatchLabels, dep.Spec.Template.Labels) {
			t.Error("the budget does not select the pods")
		}
	})
}

// TestHelmRefusesPerPodState: several replicas each with its own SQLite
// file or embedded bus would split the state; the chart refuses to render
// them, and a single replica may use them.
func TestHelmRefusesPerPodState(t *testing.T) {
	for _, tc := range []struct {
		name      string
		overrides map[string]any
		err       string
	}{
		{"embedded bus", map[string]any{"config": map[string]any{"bus": map[string]any{"url": ""}}}, "config.bus.url"},
		{"sqlite", map[string]any{"config": map[string]any{"store": map[string]any{"driver": "sqlite", "url": nil}}}, "config.store.driver"},
		{"no secret named", map[string]any{"secrets": map[string]any{"existingSecret": ""}}, "secrets.existingSecret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := render(t, tc.overrides); err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("render error %v, want one naming %s", err, tc.err)
			}
		})
	}
	files, err := render(t, map[string]any{"replicaCount": 1,
		"config": map[string]any{"bus": map[string]any{"url": ""}, "store": map[string]any{"driver": "sqlite", "url": nil}}})
	if err != nil {
		t.Fatalf("one replica on SQLite and the embedded bus: %v", err)
	}
	if _, ok := files["pdb.yaml"]; ok {
		t.Error("a disruption budget for one replica would block every drain")
	}
}

func mountOf(c corev1.Container, volume string) *corev1.VolumeMount {
	for i := range c.VolumeMounts {
		if c.VolumeMounts[i].Name == volume {
			return &c.VolumeMounts[i]
		}
	}
	return nil
}

func selects(selector, labels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func itoa(n int32) string {
	b, _ := yaml.Marshal(n)
	return strings.TrimSpace(string(b))
}

// exampleSecret is what an operator's Secret would hold for name.
func exampleSecret(name string) string {
	switch name {
	case "PARLEY_STORE_URL":
		return "postgres://parley@db.example.com/parley?sslmode=verify-full"
	case "PARLEY_KEK_URL":
		return "base64key://smGbjm71Nxd1Ig5FS0wj9SlbzAIrnolCz9bQQ6uAhl4="
	}
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}
