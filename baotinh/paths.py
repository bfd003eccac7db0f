"""Where things live by default: beside the checkout the package was installed from."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
