#!/usr/bin/env python3
# Issue 13, finding 15: check start-up with many options on a large estate.
"""Writes a scenario with N components (servers, all needed by one
service) and M options, each empty or setting one component's repair time.
usage: benches/scripts/gen_options.py N M [empty|set] > big.yaml"""
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
    if kind == "empty":
        out.append(f"  - {{id: o{j}, cost: {{upfront: {j}}}}}")
    else:
        out.append(f"  - {{id: o{j}, cost: {{upfront: {j}}}, changes: [{{set: {{id: c{j % n}, repair: 1h}}}}]}}")
print("\n".join(out))
