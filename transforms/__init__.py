"""Pure transforms: page HTML → article → date mentions and figures. No I/O, no frameworks.

``EXTRACTOR_VERSION`` is stored with every article; bump it when cleaning or extraction
changes what they produce, and the loader re-extracts archived pages on the next load.
The extraction modules may run compiled (see :mod:`transforms.native`).
"""

from transforms import native

EXTRACTOR_VERSION = "1"

native.choose()
