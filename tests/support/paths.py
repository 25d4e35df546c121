"""Where the repository's parts are, for tests that run scripts or read files beside the package."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
EXAMPLES = ROOT / "examples"
# The recorded traffic lives beside the repository and is read in place, never copied.
SHARED = ROOT.parent / "shared"
CASSETTES = SHARED / "cassettes"
