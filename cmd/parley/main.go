// Command parley is the Parley gateway: it links channels across chat
// platforms. This package only wires flags to the internal packages.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

const usage = `parley — a cross-platform team-chat gateway

Usage:
  parley serve --config FILE        run the gateway
  parley sandbox [flags]            run the gateway with emulated platforms on loopback
  parley config check FILE          validate a config file
  parley keys rotate --config FILE  re-wrap every tenant key under a new key-encryption key
  parley keys retire --config FILE [--version ID]  remove an old key-encryption key version
  parley traffic --tenant ID [flags] print a tenant's traffic log (a personal token of an owner, admin or auditor)
  parley admin GROUP VERB [flags]   links, workspaces, roles, audit and tokens through the admin API
  parley audit verify --config FILE check every audit chain in the store for tampering
  parley bench [flags]              measure the relay path through the sandbox
  parley chaos --duration 10m [--seed N] [--messages N]  relay through SIGKILLs and faults, count every copy
  parley version                    print the version

Run 'parley COMMAND -h' for a command's flags.
`

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "parley:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return fmt.Errorf("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:])
	case "sandbox":
		return sandboxCmd(ctx, args[1:])
	case "config":
		if len(args) < 2 || args[1] != "check" {
			return fmt.Errorf("usage: parley config check FILE")
		}
		return configCheck(args[2:])
	case "keys":
		switch {
		case len(args) >= 2 && args[1] == "rotate":
			return keysRotate(ctx, args[2:])
		case len(args) >= 2 && args[1] == "retire":
			return keysRetire(ctx, args[2:])
		}
		return fmt.Errorf("usage: parley keys rotate|retire --config FILE")
	case "traffic":
		return traffic(ctx, args[1:])
	case "admin":
		return adminCmd(ctx, args[1:])
	case "audit":
		if len(args) < 2 || args[1] != "verify" {
			return fmt.Errorf("usage: parley audit verify --config FILE")
		}
		return auditVerify(ctx, args[2:])
	case "bench":
		return runBench(ctx, args[1:])
	case "chaos":
		return chaosCmd(ctx, args[1:])
	case "version", "--version", "-v":
		fmt.Println("parley", version)
		return nil
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	default:
		fmt.Fprint(os.Stderr, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}
}
