#!/usr/bin/env python3
# Issue 13, finding 15: check start-up with many options on a large estate.
"""Writes a scenario with N components (servers, all needed by one
service) and M options, each one of:
  empty   no changes (the base scenario);
  set     sets one component's repair time (checked from its changes);
  bad     sets a repair time without a unit (an error: validated in full);
  depend  makes one component depend on the next (a new dependency: the
          cycle search from it);
  remove  removes one component the service needs (validated in full: an
          error).
usage: benches/scripts/gen_options.py N M [empty|set|bad|depend|remove] > big.yaml"""
import sys
n, m = int(sys.argv[1]), int(sys.argv[2])
kind = sys.argv[3] if len(sys.argv) > 3 else "empty"
out = ["name: big", "components:"]
for i in range(n):
    out.append(f"  - {{id: c{i}, kind: server, repair: 2h, failures: [{{every: 5y}}]}}")
out.append(f"  - {{id: shop, kind: service, depends_on: [{', '.join(f'c{i}' for i in range(n))}], impact: {{per_hour: 1000}}}}")
if m:
    out.append("options:")
for j in range(m):
    change = {
        "set": f"{{set: {{id: c{j % n}, repair: 1h}}}}",
        "bad": f"{{set: {{id: c{j % n}, repair: 45}}}}",
        "depend": f"{{set: {{id: c{j % n}, depends_on: [c{(j + 1) % n}]}}}}",
        "remove": f"{{remove: [c{j % n}]}}",
    }.get(kind)
    if kind == "empty":
        out.append(f"  - {{id: o{j}, cost: {{upfront: {j}}}}}")
    elif change:
        out.append(f"  - {{id: o{j}, cost: {{upfront: {j}}}, changes: [{change}]}}")
    else:
        sys.exit(f"unknown kind of option {kind!r}: empty, set, bad, depend or remove")
print("\n".join(out))
