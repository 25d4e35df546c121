"""Where the repository's parts are, for tests that run scripts or read files beside the package."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
EXAMPLES = ROOT / "examples"
# The recorded traffic lives beside the repository and is read in place, never copied;
# ACTIONTRACE_SHARED points elsewhere (a git worktree is not beside it).
SHARED = Path(os.environ.get("ACTIONTRACE_SHARED") or ROOT.parent / "shared")
CASSETTES = SHARED / "cassettes"
