"""Sum the answers `make fuzz` counted, by status (each test process wrote its own file)."""

import json
import sys
from collections import Counter
from pathlib import Path

counts: Counter = Counter()
for path in Path(sys.argv[1]).glob("*.json"):
    counts.update({int(k): v for k, v in json.loads(path.read_text()).items()})
total = sum(counts.values())
server_errors = sum(v for k, v in counts.items() if k >= 500)
print(f"fuzz: {total} requests; by status: " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
print(f"fuzz: {server_errors} server errors")
